"""Streaming GraphML and GEXF writers for the NetworkX projection.

:func:`write_graphml` and :func:`write_gexf` write the graph of
:func:`fengong.network.to_networkx` (or any NetworkX graph whose attribute
values are ``str``, ``int``, ``float`` or ``bool``) as UTF-8 XML, about a
thousand elements at a time, through a buffered binary file: no XML tree of the
whole graph is ever built, so memory stays that of the graph itself, and
``networkx.read_graphml(path, force_multigraph=True)`` / ``networkx.read_gexf(path)``
give the same graph back.

>>> import io, networkx as nx
>>> g = nx.MultiDiGraph()
>>> g.add_node("t1", type="Task", number=1, label="甲 & <乙>")
>>> g.add_node("a1", type="Agency", known=True)
>>> g.add_edge("a1", "t1", key="leads", relation="leads")
'leads'
>>> buf = io.BytesIO(); write_graphml(g, buf)
>>> back = nx.read_graphml(io.BytesIO(buf.getvalue()), force_multigraph=True)
>>> back.nodes["t1"], list(back.edges(keys=True, data=True))
({'type': 'Task', 'number': 1, 'label': '甲 & <乙>'}, [('a1', 't1', 'leads', {'relation': 'leads'})])
>>> buf = io.BytesIO(); write_gexf(g, buf)
>>> back = nx.read_gexf(io.BytesIO(buf.getvalue()))
>>> back.nodes["a1"]
{'type': 'Agency', 'known': True, 'label': 'a1'}

Text (values, node ids, keys, attribute names) is escaped for XML 1.0, the same
way in both files:

* ``& < >`` become entities everywhere, ``"`` inside attribute values;
* tab, newline and carriage return are kept: as character references
  (``&#9; &#10; &#13;``) inside attribute values, where a parser would
  otherwise turn them into spaces, and carriage return also in element text,
  where a parser would otherwise turn it into a newline;
* characters that XML 1.0 forbids (C0 controls other than tab, newline and
  carriage return; lone surrogates; U+FFFE and U+FFFF) are replaced by U+FFFD
  (the replacement character), so the file is always well-formed; such a value
  (or node id: two ids differing only there would become one) is the one thing
  that does not come back unchanged.

Types are declared per attribute name and Python type (``str`` → ``string``,
``bool`` → ``boolean``, ``int`` → ``long``, ``float`` → ``double``), like
NetworkX does; an attribute whose values mix types gets one declaration per
type. Edge keys of a multigraph are the GraphML edge ``id`` (as NetworkX
writes them; its reader turns keys that look like integers into ``int``); in
GEXF, where Gephi needs edge ids unique, edges are numbered and the key goes
into the ``networkx_key`` attribute, which NetworkX's reader takes as the key.
GEXF is version 1.2draft (static, ``defaultedgetype="directed"`` for directed
graphs), as Gephi reads it: a node's ``label`` attribute is the node label (the
node id when it has none), an edge's ``label`` the edge label and a numeric
edge ``weight`` the edge weight; ``nx.read_gexf`` adds the edge ``id`` to each
edge's attributes, and gives a ``DiGraph`` (without keys) when no two edges share
both ends, as it does for the files NetworkX writes. No date is written, so the
same graph gives the same bytes.
"""

from __future__ import annotations

import math
import numbers
import os
import re
from contextlib import contextmanager
from functools import partial
from typing import BinaryIO, Iterator

import networkx as nx

from . import FengongError
from .atomic import open_atomic

__all__ = ["write_graphml", "write_gexf", "escape_text", "escape_attr"]

# Characters XML 1.0 does not allow (https://www.w3.org/TR/xml/#charsets), plus the ones that need escaping.
_FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_TEXT_SPECIAL = re.compile(f"[&<>\r{_FORBIDDEN}]")
_ATTR_SPECIAL = re.compile(f'[&<>"\t\n\r{_FORBIDDEN}]')
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}

def _entity(m: re.Match) -> str:
    return _ENTITIES.get(m.group(), "\ufffd")


# The escaping functions without a Python frame per call (they run for every value).
_esc_text = partial(_TEXT_SPECIAL.sub, _entity)
_esc_attr = partial(_ATTR_SPECIAL.sub, _entity)


def escape_text(s: str) -> str:
    """*s* escaped for XML element text.

    >>> escape_text('a < b & "c"\\r\\x01')
    'a &lt; b &amp; "c"&#13;\\ufffd'
    """
    return _esc_text(s)


def escape_attr(s: str) -> str:
    """*s* escaped for a double-quoted XML attribute value.

    >>> escape_attr('say "hi"\\n\\t<&>')
    'say &quot;hi&quot;&#10;&#9;&lt;&amp;&gt;'
    """
    return _esc_attr(s)


# ---------------------------------------------------------------- types


def _xml_type(typ: type) -> str | None:
    """The GraphML/GEXF type name for values of Python type *typ*, or None when they cannot be written.

    >>> _xml_type(bool), _xml_type(int), _xml_type(float), _xml_type(list)
    ('boolean', 'long', 'double', None)
    """
    if issubclass(typ, str):
        return "string"
    if issubclass(typ, bool) or typ.__name__ == "bool_":  # numpy's bool is no int
        return "boolean"
    if issubclass(typ, numbers.Integral):
        return "long"
    if issubclass(typ, numbers.Real):
        return "double"
    return None


def _formatter(typ: type, xml_type: str, escape):
    """A function turning a value of Python type *typ* (*xml_type* in XML) into escaped XML text."""
    if xml_type == "string":
        return escape if typ is str else lambda v: escape(str(v))
    if xml_type == "boolean":
        return lambda v: "true" if v else "false"
    if xml_type == "long":
        return str if typ is int else lambda v: str(int(v))
    return _double


def _double(v) -> str:
    v = float(v)
    if math.isfinite(v):
        return repr(v)
    return "NaN" if v != v else ("INF" if v > 0 else "-INF")


def _scan(g: nx.Graph) -> tuple[set, set, set]:
    """The ``(name, python type)`` pairs of node and edge attributes, and the types of edge keys."""
    nodes: set = set()
    edges: set = set()
    key_types: set = set()
    add_node_items, add_edge_items = nodes.update, edges.update
    for _, d in g.nodes(data=True):
        add_node_items(zip(d, map(type, d.values())))  # zip/map run in C
    if g.is_multigraph():
        for _, nbrs in g.adjacency():
            for keydict in nbrs.values():
                key_types.update(map(type, keydict))
                for d in keydict.values():
                    add_edge_items(zip(d, map(type, d.values())))
    else:
        for _, _, d in g.edges(data=True):
            add_edge_items(zip(d, map(type, d.values())))
    return nodes, edges, key_types


def _classify(items, what: str, target) -> dict[tuple[str, type], str]:
    """``(name, python type) -> xml type`` for *items*, sorted by name so that key ids do not vary."""
    out = {}
    for name, typ in sorted(items, key=lambda item: (str(item[0]), item[1].__name__)):
        if not isinstance(name, str):
            raise FengongError(f"{_name(target)}: {what} name {name!r} is not a string")
        xml_type = _xml_type(typ)
        if xml_type is None:
            raise FengongError(
                f"{_name(target)}: {what} {name!r} has a {typ.__name__} value; only str, int, float and bool can be written"
            )
        out[(name, typ)] = xml_type
    return out


def _name(target) -> str:
    return str(target) if isinstance(target, (str, os.PathLike)) else getattr(target, "name", "<stream>")


# ---------------------------------------------------------------- output


class _Sink:
    """Collects text and writes it to *fh* encoded as UTF-8, one chunk (a thousand elements or so) at a time."""

    def __init__(self, fh: BinaryIO):
        self.fh = fh
        self.parts: list[str] = []

    def flush(self) -> None:
        if self.parts:
            self.fh.write("".join(self.parts).encode("utf-8"))
            self.parts.clear()


@contextmanager
def _open(target) -> Iterator[BinaryIO]:
    """*target* itself when it is a binary file, else a temporary file renamed over the path on success."""
    if hasattr(target, "write"):
        yield target
        return
    with open_atomic(target, buffering=1 << 20) as fh:
        yield fh


def _edges(g: nx.Graph):
    """``(u, v, key, data)`` for every edge (key None in graphs that are not multigraphs)."""
    if g.is_multigraph():
        if g.is_directed():
            # The adjacency dicts directly: twice as fast as g.edges(keys=True, data=True).
            for u, nbrs in g.adjacency():
                for v, keydict in nbrs.items():
                    for key, d in keydict.items():
                        yield u, v, key, d
        else:
            yield from g.edges(keys=True, data=True)
    else:
        for u, v, d in g.edges(data=True):
            yield u, v, None, d


# ---------------------------------------------------------------- GraphML

_GRAPHML_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
)


def write_graphml(g: nx.Graph, target: str | os.PathLike | BinaryIO) -> None:
    """Write *g* as GraphML to *target* (a path, written atomically, or a binary file).

    >>> import io, networkx as nx
    >>> g = nx.MultiDiGraph(); g.add_edge("a", "b", key="leads", relation="leads")
    'leads'
    >>> buf = io.BytesIO(); write_graphml(g, buf)
    >>> print(buf.getvalue().decode().split("<graph ")[1])
    edgedefault="directed">
        <node id="a" />
        <node id="b" />
        <edge id="leads" source="a" target="b">
          <data key="d0">leads</data>
        </edge>
      </graph>
    </graphml>
    <BLANKLINE>
    """
    multi = g.is_multigraph()
    graph_data = {k: v for k, v in g.graph.items() if k not in ("node_default", "edge_default")}
    node_items, edge_items, _ = _scan(g)
    kinds = {
        "graph": _classify(((k, type(v)) for k, v in graph_data.items()), "graph attribute", target),
        "node": _classify(node_items, "node attribute", target),
        "edge": _classify(edge_items, "edge attribute", target),
    }
    head = [_GRAPHML_HEAD]
    # name -> python type -> (opening <data> tag, formatter)
    keys: dict[str, dict[str, dict[type, tuple[str, object]]]] = {}
    indent = {"graph": "    ", "node": "      ", "edge": "      "}
    n = 0
    for scope in ("graph", "node", "edge"):
        keys[scope] = {}
        for (name, typ), xml_type in kinds[scope].items():
            kid = f"d{n}"
            n += 1
            head.append(
                f'  <key id="{kid}" for="{scope}" attr.name="{_esc_attr(name)}" attr.type="{xml_type}" />\n'
            )
            keys[scope].setdefault(name, {})[typ] = (f'{indent[scope]}<data key="{kid}">', _formatter(typ, xml_type, _esc_text))
    head.append(f'  <graph edgedefault="{"directed" if g.is_directed() else "undirected"}">\n')
    for name, value in graph_data.items():
        tag, fmt = keys["graph"][name][type(value)]
        head.append(f"{tag}{fmt(value)}</data>\n")

    with _open(target) as fh:
        sink = _Sink(fh)
        parts = sink.parts
        parts.extend(head)
        append = parts.append
        node_keys = keys["node"]
        ids: dict = {}
        count = 0
        for node, d in g.nodes(data=True):
            nid = ids[node] = _esc_attr(str(node))
            if d:
                append(f'    <node id="{nid}">\n')
                _append_values(append, node_keys, d.items(), "</data>\n")
                append("    </node>\n")
            else:
                append(f'    <node id="{nid}" />\n')
            count += 1
            if count & 1023 == 0:
                sink.flush()
        edge_keys = keys["edge"]
        key_ids: dict = {}
        for u, v, key, d in _edges(g):
            if multi:
                # Cached for string keys only: 1 and True are equal as dict keys but not as edge keys.
                kid = key_ids.get(key) if type(key) is str else None
                if kid is None:
                    kid = f' id="{_esc_attr(str(key))}"'
                    if type(key) is str:
                        key_ids[key] = kid
            else:
                kid = ""
            if d:
                append(f'    <edge{kid} source="{ids[u]}" target="{ids[v]}">\n')
                _append_values(append, edge_keys, d.items(), "</data>\n")
                append("    </edge>\n")
            else:
                append(f'    <edge{kid} source="{ids[u]}" target="{ids[v]}" />\n')
            count += 1
            if count & 1023 == 0:
                sink.flush()
        append("  </graph>\n</graphml>\n")
        sink.flush()


# ---------------------------------------------------------------- GEXF

_GEXF_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<gexf xmlns="http://www.gexf.net/1.2draft" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" '
    'version="1.2">\n'
    "  <meta>\n    <creator>fengong</creator>\n  </meta>\n"
)


def write_gexf(g: nx.Graph, target: str | os.PathLike | BinaryIO) -> None:
    """Write *g* as GEXF 1.2draft to *target* (a path, written atomically, or a binary file).

    >>> import io, networkx as nx
    >>> g = nx.MultiDiGraph(); g.add_node("a", label="甲"); g.add_edge("a", "b", key="leads")
    'leads'
    >>> buf = io.BytesIO(); write_gexf(g, buf)
    >>> print(buf.getvalue().decode().split("<nodes>")[1])
    <BLANKLINE>
          <node id="a" label="甲" />
          <node id="b" label="b" />
        </nodes>
        <edges>
          <edge id="0" source="a" target="b">
            <attvalues>
              <attvalue for="0" value="leads" />
            </attvalues>
          </edge>
        </edges>
      </graph>
    </gexf>
    <BLANKLINE>
    """
    multi = g.is_multigraph()
    node_items, edge_items, key_types = _scan(g)
    # Node and edge labels, and numeric edge weights, are XML attributes of <node> / <edge>.
    node_kinds = _classify({item for item in node_items if item[0] != "label"}, "node attribute", target)
    edge_kinds = _classify({item for item in edge_items if item[0] != "label" and not _is_weight(item)}, "edge attribute", target)
    if multi:
        # The key is written as the "networkx_key" attribute, which nx.read_gexf takes back as the key.
        edge_kinds.update(_classify({("networkx_key", t) for t in key_types}, "edge key written as", target))
    labels = any(item[0] == "label" for item in edge_items)
    weights = any(_is_weight(item) for item in edge_items)
    head = [_GEXF_HEAD]
    mode = f'mode="static" defaultedgetype="{"directed" if g.is_directed() else "undirected"}"'
    name = g.graph.get("name")
    named = "" if name is None else f' name="{_esc_attr(str(name))}"'
    head.append(f"  <graph {mode}{named}>\n")
    keys: dict[str, dict] = {}
    n = 0
    for scope, kinds in (("node", node_kinds), ("edge", edge_kinds)):
        keys[scope] = {}
        if not kinds:
            continue
        head.append(f'    <attributes class="{scope}" mode="static">\n')
        for (aname, typ), xml_type in kinds.items():
            head.append(f'      <attribute id="{n}" title="{_esc_attr(aname)}" type="{xml_type}" />\n')
            keys[scope].setdefault(aname, {})[typ] = (f'          <attvalue for="{n}" value="', _formatter(typ, xml_type, _esc_attr))
            n += 1
        head.append("    </attributes>\n")
    head.append("    <nodes>\n")

    with _open(target) as fh:
        sink = _Sink(fh)
        parts = sink.parts
        parts.extend(head)
        append = parts.append
        node_keys = keys["node"]
        ids: dict = {}
        count = 0
        for node, d in g.nodes(data=True):
            nid = ids[node] = _esc_attr(str(node))
            label = d.get("label", node)
            label = _esc_attr(label if type(label) is str else str(label))
            if len(d) > ("label" in d):  # attributes besides the label
                append(f'      <node id="{nid}" label="{label}">\n        <attvalues>\n')
                _append_values(append, node_keys, ((a, x) for a, x in d.items() if a != "label"), '" />\n')
                append("        </attvalues>\n      </node>\n")
            else:
                append(f'      <node id="{nid}" label="{label}" />\n')
            count += 1
            if count & 1023 == 0:
                sink.flush()
        append("    </nodes>\n    <edges>\n")
        edge_keys = keys["edge"]
        key_values: dict = {}
        if multi:
            nk = edge_keys["networkx_key"]
        for eid, (u, v, key, d) in enumerate(_edges(g)):
            extra = ""
            if labels and "label" in d:
                extra = f' label="{_esc_attr(str(d["label"]))}"'
            if weights and "weight" in d and _is_weight(("weight", type(d["weight"]))):
                extra += f' weight="{_double(d["weight"])}"'
            if multi:
                kv = key_values.get(key) if type(key) is str else None  # as for GraphML ids
                if kv is None:
                    tag, fmt = nk[type(key)]
                    kv = f'{tag}{fmt(key)}" />\n'
                    if type(key) is str:
                        key_values[key] = kv
            else:
                kv = ""
            rest = d.items() if not (labels or weights) else [(a, x) for a, x in d.items() if (a, type(x)) in edge_kinds]
            if rest or kv:
                append(f'      <edge id="{eid}" source="{ids[u]}" target="{ids[v]}"{extra}>\n        <attvalues>\n')
                _append_values(append, edge_keys, rest, '" />\n')
                if kv:
                    append(kv)
                append("        </attvalues>\n      </edge>\n")
            else:
                append(f'      <edge id="{eid}" source="{ids[u]}" target="{ids[v]}"{extra} />\n')
            count += 1
            if count & 1023 == 0:
                sink.flush()
        append("    </edges>\n  </graph>\n</gexf>\n")
        sink.flush()


def _append_values(append, keys: dict, items, close: str) -> None:
    """One GraphML ``<data>`` / GEXF ``<attvalue>`` per (name, value) of *items*: the opening
    declared for that name and type, the formatted value, then *close*."""
    for name, value in items:
        tag, fmt = keys[name][type(value)]
        append(tag)
        append(fmt(value))
        append(close)


def _is_weight(item: tuple[str, type]) -> bool:
    """Whether *item* (name, type) is a GEXF edge weight: named "weight", a number, not a bool."""
    return item[0] == "weight" and _xml_type(item[1]) in ("long", "double")
