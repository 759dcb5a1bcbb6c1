"""The streaming GraphML and GEXF writers give back, through NetworkX's own readers, the graph written."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections import Counter

import networkx as nx
import pytest

from fengong import FengongError
from fengong.graphfiles import escape_attr, escape_text, write_gexf, write_graphml
from fengong.network import to_networkx

GEXF_NS = "{http://www.gexf.net/1.2draft}"
GRAPHML_NS = "{http://graphml.graphdrawing.org/xmlns}"
# Attribute types Gephi's GEXF importer reads (ImporterGEXF.readAttribute), besides list and big types.
GEPHI_TYPES = {"boolean", "integer", "int", "long", "float", "double", "string"}


def typed(d: dict) -> dict:
    """Attributes with their Python types, so that 1, True and "1" differ."""
    return {k: (type(v), v) for k, v in d.items()}


def node_table(g) -> dict:
    return {n: typed(d) for n, d in g.nodes(data=True)}


def edge_table(g, drop=()) -> Counter:
    """Edges as a multiset of (source, target, key, typed attributes)."""
    return Counter(
        (u, v, k, tuple(sorted(typed({a: x for a, x in d.items() if a not in drop}).items(), key=str)))
        for u, v, k, d in g.edges(keys=True, data=True)
    )


def read_graphml(g, tmp_path):
    path = tmp_path / "g.graphml"
    write_graphml(g, path)
    ET.parse(path)  # well-formed
    return path, nx.read_graphml(path, force_multigraph=True)


def read_gexf(g, tmp_path):
    path = tmp_path / "g.gexf"
    write_gexf(g, path)
    ET.parse(path)
    return path, nx.read_gexf(path)


def gexf_expected_nodes(g) -> dict:
    """GEXF nodes always have a label: the node id when the graph gave none."""
    return {n: typed({**d, "label": d.get("label", n)}) for n, d in g.nodes(data=True)}


# ---------------------------------------------------------------- the adversarial graph

NASTY = 'a "q" \'s\' <tag> & &amp; ]]> 城镇化 🚀 tab\tnl\ncr\r end'
CONTROL = "bell\x07null\x00esc\x1bvt\x0bff\x0cdel\x7f\ufffe"
CONTROL_CLEAN = "bell\ufffdnull\ufffdesc\ufffdvt\ufffdff\ufffddel\x7f\ufffd"


def adversarial() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("https://w3id.org/fengong/id/task/a&b<c>\"d\"", type="Task", number=7, label=NASTY, known=False)
    g.add_node("节点🚀", type="Agency", known=True, name_zh="发展改革委", score=0.25)
    g.add_node("bare")  # no attributes at all
    g.add_node("partial", type="Place")  # some attributes missing
    g.add_node("empty", label="", text="", number=0)
    g.add_node("big", number=2**40, due_year=-3, weight=1.5)
    g.add_node(" spaced  id ", label="  leading and trailing  ")
    g.add_edge("节点🚀", "https://w3id.org/fengong/id/task/a&b<c>\"d\"", key="leads", relation="leads", basis="explicit")
    # Parallel edges with different keys, so that nx.read_gexf keeps a multigraph.
    g.add_edge("节点🚀", "https://w3id.org/fengong/id/task/a&b<c>\"d\"", key="participatesIn", relation="participatesIn")
    g.add_edge("bare", "partial", key="k&<\"'>", relation=NASTY, flag=True, n=3)
    g.add_edge("partial", "bare", key="no-attributes")
    g.add_edge("empty", "big", key="mentionsPlace", relation="")
    # GEXF writes these two as XML attributes of <edge> (Gephi's edge label and weight).
    g.add_edge("big", "empty", key=0, label="标签 & <x>", weight=2.5)
    return g


def test_escaping_functions():
    assert escape_text("<&>\"'\t\n\r") == "&lt;&amp;&gt;\"'\t\n&#13;"
    assert escape_attr("<&>\"'\t\n\r") == "&lt;&amp;&gt;&quot;'&#9;&#10;&#13;"
    assert escape_text(CONTROL) == CONTROL_CLEAN == escape_attr(CONTROL)
    assert escape_attr("\ud800x") == "\ufffdx"  # lone surrogate
    assert escape_text("城镇化 🚀") == "城镇化 🚀"


def test_graphml_round_trip_adversarial(tmp_path):
    g = adversarial()
    _, back = read_graphml(g, tmp_path)
    assert isinstance(back, nx.MultiDiGraph)
    assert node_table(back) == node_table(g)
    assert edge_table(back) == edge_table(g)


def test_gexf_round_trip_adversarial(tmp_path):
    g = adversarial()
    path, back = read_gexf(g, tmp_path)
    assert isinstance(back, nx.MultiDiGraph)
    assert node_table(back) == gexf_expected_nodes(g)
    # nx.read_gexf adds the (running) GEXF edge id to each edge's attributes.
    assert edge_table(back, drop=("id",)) == edge_table(g)


def test_control_characters_replaced_the_same_way(tmp_path):
    g = nx.MultiDiGraph()
    g.add_node("n\x01", label=CONTROL, text=CONTROL)
    g.add_edge("n\x01", "m", key="k\x02", relation=CONTROL)
    g.add_edge("n\x01", "m", key="parallel")  # so that nx.read_gexf keeps the keys
    _, from_graphml = read_graphml(g, tmp_path)
    _, from_gexf = read_gexf(g, tmp_path)
    for back in (from_graphml, from_gexf):
        assert set(back) == {"n\ufffd", "m"}
        assert back.nodes["n\ufffd"]["text"] == CONTROL_CLEAN
        assert back.nodes["n\ufffd"]["label"] == CONTROL_CLEAN
        assert back.edges["n\ufffd", "m", "k\ufffd"]["relation"] == CONTROL_CLEAN


def test_declared_types(tmp_path):
    g = adversarial()
    write_graphml(g, tmp_path / "g.graphml")
    keys = {
        (k.get("for"), k.get("attr.name")): k.get("attr.type")
        for k in ET.parse(tmp_path / "g.graphml").getroot().iter(GRAPHML_NS + "key")
    }
    assert keys[("node", "number")] == "long"
    assert keys[("node", "known")] == "boolean"
    assert keys[("node", "score")] == "double"
    assert keys[("node", "label")] == "string"
    assert keys[("edge", "flag")] == "boolean"
    write_gexf(g, tmp_path / "g.gexf")
    root = ET.parse(tmp_path / "g.gexf").getroot()
    types = {
        (a.get("class"), b.get("title")): b.get("type")
        for a in root.iter(GEXF_NS + "attributes")
        for b in a.iter(GEXF_NS + "attribute")
    }
    assert types[("node", "number")] == "long" and types[("node", "known")] == "boolean"
    assert types[("edge", "networkx_key")] == "string" and types[("edge", "n")] == "long"
    assert ("node", "label") not in types  # the label is the <node label="..."> attribute


def test_mixed_types_and_int_keys(tmp_path):
    g = nx.MultiDiGraph()
    g.add_node(1, v=1)
    g.add_node(2, v="1")
    g.add_node(3, v=True)
    g.add_edge(1, 2)
    g.add_edge(1, 2)
    g.add_edge(2, 3, key=1, relation="one")
    g.add_edge(3, 1, key=True, relation="true")  # equal to 1 as a dict key, not as an edge key
    _, back = read_graphml(g, tmp_path)
    assert node_table(back) == node_table(nx.relabel_nodes(g, str))
    assert sorted(back.edges(keys=True))[:2] == [("1", "2", 0), ("1", "2", 1)]
    # GraphML edge ids are text: NetworkX reads "True" back as a string key.
    assert {k: d["relation"] for _, _, k, d in back.edges(["2", "3"], keys=True, data=True)} == {1: "one", "True": "true"}
    _, back = read_gexf(g, tmp_path)
    assert node_table(back) == gexf_expected_nodes(nx.relabel_nodes(g, str))
    assert sorted(back.edges("1", keys=True)) == [("1", "2", 0), ("1", "2", 1)]
    assert [(type(k), d["relation"]) for _, _, k, d in back.edges(["2", "3"], keys=True, data=True)] == [(int, "one"), (bool, "true")]


def test_unsupported_value_is_refused(tmp_path):
    g = nx.MultiDiGraph()
    g.add_node("a", tags=["x"])
    with pytest.raises(FengongError, match=r"g\.graphml: node attribute 'tags' has a list value"):
        write_graphml(g, tmp_path / "g.graphml")
    with pytest.raises(FengongError, match="list value"):
        write_gexf(g, tmp_path / "g.gexf")
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_writes_to_a_binary_file():
    g = adversarial()
    buf = io.BytesIO()
    write_graphml(g, buf)
    assert buf.getvalue().startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    assert edge_table(nx.read_graphml(io.BytesIO(buf.getvalue()), force_multigraph=True)) == edge_table(g)


def test_output_is_deterministic(tmp_path):
    g = adversarial()
    for write, name in ((write_graphml, "g.graphml"), (write_gexf, "g.gexf")):
        write(g, tmp_path / ("1" + name))
        write(g, tmp_path / ("2" + name))
        assert (tmp_path / ("1" + name)).read_bytes() == (tmp_path / ("2" + name)).read_bytes()


def test_gexf_is_what_gephi_reads(tmp_path):
    """The structure Gephi's importer expects: typed static attributes, unique ids, edges between known nodes."""
    g = adversarial()
    write_gexf(g, tmp_path / "g.gexf")
    root = ET.parse(tmp_path / "g.gexf").getroot()
    assert root.tag == GEXF_NS + "gexf" and root.get("version") == "1.2"
    (graph,) = root.findall(GEXF_NS + "graph")
    assert graph.get("mode") == "static" and graph.get("defaultedgetype") == "directed"
    declared = {}
    for attributes in graph.findall(GEXF_NS + "attributes"):
        assert attributes.get("mode") == "static" and attributes.get("class") in ("node", "edge")
        for a in attributes.findall(GEXF_NS + "attribute"):
            assert a.get("type") in GEPHI_TYPES and a.get("title")
            declared[(attributes.get("class"), a.get("id"))] = a.get("type")
    assert len({i for _, i in declared}) == len(declared)  # attribute ids unique across classes
    nodes = graph.find(GEXF_NS + "nodes").findall(GEXF_NS + "node")
    node_ids = [n.get("id") for n in nodes]
    assert len(set(node_ids)) == len(node_ids) == g.number_of_nodes()
    assert all(n.get("label") is not None for n in nodes)
    edges = graph.find(GEXF_NS + "edges").findall(GEXF_NS + "edge")
    assert len({e.get("id") for e in edges}) == len(edges) == g.number_of_edges()  # Gephi drops repeated edge ids
    assert all(e.get("source") in node_ids and e.get("target") in node_ids for e in edges)
    for cls, elements in (("node", nodes), ("edge", edges)):
        for el in elements:
            for v in el.iter(GEXF_NS + "attvalue"):
                kind = declared[(cls, v.get("for"))]
                value = v.get("value")
                if kind == "boolean":
                    assert value in ("true", "false")
                elif kind == "long":
                    int(value)
                elif kind == "double":
                    float(value)


# ---------------------------------------------------------------- the Guangxi graph


@pytest.fixture(scope="module")
def guangxi(store):
    return to_networkx(store)


def test_guangxi_graphml_round_trip(guangxi, tmp_path):
    _, back = read_graphml(guangxi, tmp_path)
    assert node_table(back) == node_table(guangxi)
    assert edge_table(back) == edge_table(guangxi)


def test_guangxi_gexf_round_trip(guangxi, tmp_path):
    _, back = read_gexf(guangxi, tmp_path)
    assert node_table(back) == gexf_expected_nodes(guangxi)
    if back.is_multigraph():
        assert edge_table(back, drop=("id",)) == edge_table(guangxi)
    else:
        # nx.read_gexf gives a DiGraph when no two edges share their ends, dropping the keys;
        # fengong's keys are the relation, so they are still there.
        assert not any(len(keys) > 1 for _, nbrs in guangxi.adjacency() for keys in nbrs.values())
        assert Counter(
            (u, v, d["relation"], tuple(sorted(typed({a: x for a, x in d.items() if a != "id"}).items(), key=str)))
            for u, v, d in back.edges(data=True)
        ) == edge_table(guangxi)


def test_guangxi_same_information_as_networkx_writers(guangxi, tmp_path):
    ours = nx.read_graphml(read_graphml(guangxi, tmp_path)[0], force_multigraph=True)
    nx.write_graphml(guangxi, tmp_path / "nx.graphml", encoding="utf-8")
    theirs = nx.read_graphml(tmp_path / "nx.graphml", force_multigraph=True)
    assert node_table(ours) == node_table(theirs) and edge_table(ours) == edge_table(theirs)
    ours = nx.read_gexf(read_gexf(guangxi, tmp_path)[0])
    nx.write_gexf(guangxi, tmp_path / "nx.gexf", encoding="utf-8")
    theirs = nx.read_gexf(tmp_path / "nx.gexf")
    assert node_table(ours) == node_table(theirs)
    assert edges_without_keys(ours) == edges_without_keys(theirs)


def edges_without_keys(g) -> Counter:
    """Edges as (source, target, attributes), without the GEXF edge id nx.read_gexf adds."""
    return Counter((u, v, tuple(sorted(typed({a: x for a, x in d.items() if a != "id"}).items(), key=str))) for u, v, d in g.edges(data=True))
