"""Agencies and jurisdictions: splitting lists, scoping names, collectives, posts, local governments."""

from __future__ import annotations

import pytest

from fengong.agencies import Registry, default_registry, guess_kind, looks_like_actor, split_actors
from fengong.jurisdictions import from_doc_number, jurisdiction_of, prefix_scope
from fengong.places import default_gazetteer


@pytest.fixture(scope="module")
def reg():
    return default_registry()


# -- splitting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, names",
    [
        ("各市、县(市、区)人民政府", ["各市、县(市、区)人民政府"]),
        ("各省、自治区、直辖市人民政府", ["各省、自治区、直辖市人民政府"]),
        ("各区、县级市，各有关区、县级市", ["各区、县级市", "各有关区、县级市"]),
        ("各地、各部门", ["各地、各部门"]),
        ("各地区、各部门", ["各地区、各部门"]),
        ("各有关部门和单位", ["各有关部门和单位"]),
        ("工业和信息化部、住房和城乡建设部", ["工业和信息化部", "住房和城乡建设部"]),
        ("市场监管总局、财政部等和各有关省级人民政府", ["市场监管总局", "财政部", "各有关省级人民政府"]),
        ("能源局等省有关部门和各地级以上市人民政府", ["能源局", "省有关部门", "各地级以上市人民政府"]),
        ("市级各有关部门及各县市区政府", ["市级各有关部门", "各县市区政府"]),
        ("发展改革委和财政部", ["发展改革委", "财政部"]),
        ("各级党委和政府", ["各级党委和政府"]),
        ("财政部、教育部等部门", ["财政部", "教育部"]),
        ("由财政部", ["财政部"]),
    ],
)
def test_split_actors(text, names):
    assert [p.surface for p in split_actors(text)] == names


def test_split_offsets_point_at_the_names():
    text = "自治区发展改革委、住房城乡建设厅,国家开发银行广西分行"
    assert all(text[p.start : p.end] == p.surface for p in split_actors(text))


# -- jurisdictions of documents and of names ---------------------------------------------------


@pytest.mark.parametrize(
    "issuer, key",
    [("国务院办公厅", "cn"), ("中共中央办公厅 国务院办公厅", "cn"), ("广西壮族自治区人民政府办公厅", "gx"),
     ("广州市人民政府办公厅", "guangzhou"), ("广东省人民政府", "gd"), ("青松县人民政府", None)],
)
def test_jurisdiction_of_issuers(issuer, key):
    assert jurisdiction_of(issuer, default_gazetteer(), default=None) == key


@pytest.mark.parametrize("number, key", [("国发〔2019〕8号", "cn"), ("国办发〔2016〕1号", "cn"), ("粤府办〔2023〕5号", "gd"),
                                         ("穗府办〔2019〕88号", "guangzhou"), ("湘政办发〔2018〕12号", "hn"), ("某发〔2019〕1号", None)])
def test_jurisdiction_from_document_numbers(number, key):
    assert from_doc_number(number, default_gazetteer()) == key


@pytest.mark.parametrize(
    "name, doc, scope",
    [
        ("省发展改革委", "guangzhou", "gd"),
        ("国家发展改革委", "guangzhou", "cn"),
        ("市发展改革委", "guangzhou", "guangzhou"),
        ("越秀区", "guangzhou", "yuexiu"),
        ("自治区发展改革委", "gx", "gx"),
        ("省委宣传部", "guangzhou", "gd"),
        ("市场监管局", "guangzhou", None),
        ("发展改革委", "gx", None),
        ("省发展改革委", "cn", None),  # a level the national document cannot place
    ],
)
def test_prefix_scope(name, doc, scope):
    assert prefix_scope(name, doc, default_gazetteer()).jurisdiction == scope


@pytest.mark.parametrize(
    "surface, doc, actor_id",
    [
        ("发展改革委", "cn", "cn-drc"),
        ("国家发展改革委", "cn", "cn-drc"),
        ("国家发展改革委", "gx", "cn-drc"),
        ("发展改革委", "gx", "gx-drc"),
        ("省发展改革委", "guangzhou", "gd-fa-zhan-gai-ge-wei-66c75d"),
        ("市发展改革委", "guangzhou", "guangzhou-fa-zhan-gai-ge-wei-66c75d"),
        ("广州市发展改革委", "guangzhou", "guangzhou-fa-zhan-gai-ge-wei-66c75d"),
        ("广州市发展改革委", "gx", "guangzhou-fa-zhan-gai-ge-wei-66c75d"),
        ("市场监管局", "guangzhou", "guangzhou-shi-chang-jian-guan-ju-064eb5"),
        ("市政府", "guangzhou", "guangzhou-gov"),
        ("广州市人民政府", "guangzhou", "guangzhou-gov"),
        ("市政府办公厅", "guangzhou", "guangzhou-gov-office"),
        ("越秀区", "guangzhou", "yuexiu-gov"),
        ("越秀区人民政府", "gx", "yuexiu-gov"),
        ("财政部", "gx", "cn-finance"),  # a ministry is national in any plan
        ("统计局", "guangzhou", "guangzhou-tong-ji-ju-8dd2d8"),  # but a bureau is the city's
    ],
)
def test_resolve_scopes(reg, surface, doc, actor_id):
    assert reg.resolve(surface, doc).id == actor_id


def test_three_development_and_reform_commissions(reg):
    ids = {reg.resolve("国家发展改革委", "cn").id, reg.resolve("自治区发展改革委", "gx").id,
           reg.resolve("市发展改革委", "guangzhou").id}
    assert ids == {"cn-drc", "gx-drc", "guangzhou-fa-zhan-gai-ge-wei-66c75d"}


def test_list_shares_an_explicit_prefix(reg):
    first = reg.resolve("省发展改革委", "guangzhou")
    second = reg.resolve("交通运输厅", "guangzhou", prefix_from="省发展改革委", previous=first)
    assert (first.jurisdiction, second.jurisdiction) == ("gd", "gd")
    national = reg.resolve("国家发展改革委", "gx")
    assert reg.resolve("财政部", "gx", prefix_from="国家发展改革委", previous=national).id == "cn-finance"
    # a collective keeps the document's jurisdiction
    assert reg.resolve("各区政府", "guangzhou", prefix_from="省发展改革委", previous=first).jurisdiction == "guangzhou"


def test_new_actor_names(reg):
    a = reg.resolve("市交通运输局", "guangzhou")
    assert (a.name_zh, a.short_zh, a.name_en, a.level, a.known) == (
        "广州市交通运输局", "交通运输局", "Guangzhou Transport Bureau", "prefectural", False)
    gov = reg.resolve("越秀区政府", "guangzhou")
    assert (gov.name_zh, gov.kind, gov.level) == ("越秀区人民政府", "local-government", "county")
    assert reg.resolve("越秀区人民政府", "guangzhou") is gov


def test_document_scope_keeps_agencies_apart():
    reg = Registry.load()
    reg.declare("doc-x", "county", "青松县")
    assert reg.resolve("县财政局", "doc-x").id == "doc-x-cai-zheng-ju-8f4a66"
    assert reg.resolve("青松县财政局", "doc-x").id == "doc-x-cai-zheng-ju-8f4a66"
    assert reg.resolve("青松县人民政府", "doc-x").id == "doc-x-gov"
    assert reg.resolve("国家发展改革委", "doc-x").id == "cn-drc"
    assert reg.resolve("县财政局", "doc-x").level == "county"


# -- kinds: collectives, posts, local governments -----------------------------------------------


@pytest.mark.parametrize(
    "name, kind",
    [
        ("各省级人民政府", "local-government-collective"),
        ("各有关省级人民政府", "local-government-collective"),
        ("各有关部门和单位", "department-collective"),
        ("各区、县级市", "local-government-collective"),
        ("各有关区、县级市", "local-government-collective"),
        ("各地、各部门", "department-collective"),
        ("各项目牵头单位", "department-collective"),
        ("各区(县级市)政府", "local-government-collective"),
        ("分管副省长", "post"),
        ("协管副秘书长", "post"),
        ("分管市领导", "post"),
        ("越秀区", "local-government"),
        ("市交通运输局", "bureau"),
        ("省委农办", "office"),
    ],
)
def test_kinds(name, kind):
    assert guess_kind(name) == kind


@pytest.mark.parametrize("level, name", [("provincial", "各省级人民政府"), ("prefectural", "各地级以上市人民政府"),
                                          ("county", "各区、县级市")])
def test_collective_levels(reg, level, name):
    assert reg.resolve(name, "cn").level == level


def test_posts_and_collectives_in_the_graph_classes():
    import pyoxigraph as ox

    from fengong.model import actor_quads

    reg = default_registry()
    post = reg.resolve("分管副省长", "gd")
    collective = reg.resolve("各有关部门和单位", "gd")
    classes = {q.object.value.rsplit("#", 1)[-1] for q in actor_quads(post, ox.DefaultGraph())
               if q.predicate.value.endswith("#type")}
    assert "Post" in classes and "Agency" not in classes
    classes = {q.object.value.rsplit("#", 1)[-1] for q in actor_quads(collective, ox.DefaultGraph())
               if q.predicate.value.endswith("#type")}
    assert "CollectiveActor" in classes


@pytest.mark.parametrize("text, ok", [("省发展改革委", True), ("各有关部门", True), ("危旧房", False), ("核心", False),
                                      ("市、区", False), ("2014-2020年", False), ("以下简称省发展改革委", False),
                                      ("相关", False), ("东部", False)])
def test_looks_like_actor(text, ok):
    assert looks_like_actor(text) is ok


def test_declare_changes_what_the_registry_remembers():
    # Answers are remembered; declaring a document's own place must change them.
    reg = Registry.load()
    before = (reg.resolve("青松县财政局", "doc-y").id, reg.lookup("县财政局", "doc-y"), reg.prefixes("doc-y"))
    generation = reg.generation
    reg.declare("doc-y", "county", "青松县")
    assert reg.generation == generation + 1
    assert before == ("doc-y-qing-song-xian-cai-zheng-ju-633333", None, [])
    assert reg.prefixes("doc-y") == ["青松县", "县"]
    assert reg.resolve("青松县财政局", "doc-y").id == "doc-y-cai-zheng-ju-8f4a66"


def test_remembered_answers_are_the_answers_of_a_fresh_registry():
    asked = [("省发展改革委", "guangzhou", None), ("交通运输厅", "guangzhou", "省发展改革委"),
             ("交通运输厅", "guangzhou", None), ("财政部", "gx", "国家发展改革委"),
             ("保监局", "gx", "广西银监局"), ("各区政府", "guangzhou", "省发展改革委")]
    reg = Registry.load()

    def ask(r, surface, doc, prefix_from):
        previous = r.resolve(prefix_from, doc) if prefix_from else None
        return r.resolve(surface, doc, prefix_from=prefix_from, previous=previous).id

    first = [ask(reg, *q) for q in asked]
    again = [ask(reg, *q) for q in reversed(asked)][::-1]
    fresh = [ask(Registry.load(), *q) for q in asked]
    assert first == again == fresh == [
        "gd-fa-zhan-gai-ge-wei-66c75d", "gd-jiao-tong-yun-shu-ting-30885c", "guangzhou-jiao-tong-yun-shu-ting-30885c",
        "cn-finance", "gx-insurance-regulation", "guangzhou-ge-qu-zheng-fu-79ba52"]


def test_split_actors_gives_a_new_list_each_time():
    pieces = split_actors("财政厅、教育厅")
    pieces.pop()
    assert [p.surface for p in split_actors("财政厅、教育厅")] == ["财政厅", "教育厅"]


# -- keys of agencies the registry does not list ---------------------------------------------------


def test_homophones_get_their_own_keys_whichever_comes_first():
    # 水务局 and 税务局 are both shui-wu-ju; the key must not depend on which one a process met first.
    one, other = Registry.load(), Registry.load()
    first = [one.resolve(name, "guangzhou").id for name in ("水务局", "税务局")]
    second = [other.resolve(name, "guangzhou").id for name in ("税务局", "水务局")][::-1]
    assert first == second == ["guangzhou-shui-wu-ju-b62486", "guangzhou-shui-wu-ju-c5b0f1"]
    # the aliases of one agency still resolve to its key
    assert {one.resolve(name, "guangzhou").id for name in ("市水务局", "广州市水务局")} == {first[0]}
    # 各社区市政府 and 各设区市政府 (the Zhejiang fixture) share toneless pinyin too
    assert one.resolve("各社区市政府", "zj").id != one.resolve("各设区市政府", "zj").id


def test_keys_depend_on_the_name_alone():
    from fengong.agencies import _key, _slug

    # tone numbers would not tell 市 from 事 (both shi4); the hash does
    assert _slug("市务局") == _slug("事务局") and _key("市务局") != _key("事务局")
    names = [f"{prefix}{core}" for prefix in ("", "市", "省", "广州市", "广东省", "国家")
             for core in ("水务局", "税务局", "水利局", "财政局", "统计局", "发展改革委", "各区政府", "市场监管局",
                          "交通运输局", "事务局", "市务局", "数据局", "青松新区", "青松新区政府", "青松区人民政府")]
    busy = Registry.load()
    for doc in ("gx", "guangzhou", "shenzhen", "gd", "cn"):
        for name in names:
            busy.resolve(name, doc)
    for doc in ("guangzhou", "gx"):
        for name in reversed(names):
            assert busy.resolve(name, doc).id == Registry.load().resolve(name, doc).id, (name, doc)
    # within a jurisdiction, one key per canonical name, and one canonical name per key
    names_of: dict[tuple[str, str], set[str]] = {}
    for doc in ("guangzhou", "gx"):
        for a in (busy.resolve(n, doc) for n in names):
            if not a.known and a.key not in ("gov", "gov-office"):
                names_of.setdefault((a.jurisdiction, a.key), set()).add(a.short_zh)
    assert all(len(shorts) == 1 for shorts in names_of.values())
    assert len({(j, *shorts) for (j, _), shorts in names_of.items()}) == len(names_of)


def test_a_government_is_described_alike_whatever_form_comes_first():
    forms = ("青松新区政府", "青松新区", "青松新区人民政府")
    one, other = Registry.load(), Registry.load()
    assert [one.resolve(f, "guangzhou") for f in forms] == [other.resolve(f, "guangzhou") for f in reversed(forms)][::-1]
    assert len({one.resolve(f, "guangzhou") for f in forms}) == 1


def test_a_hash_collision_stops_rather_than_merges(monkeypatch):
    from fengong import FengongError, agencies

    monkeypatch.setattr(agencies, "_key", lambda name: "same")
    reg = Registry.load()
    assert reg.resolve("水务局", "guangzhou").id == reg.resolve("市水务局", "guangzhou").id == "guangzhou-same"
    with pytest.raises(FengongError, match="水务局 and 税务局 of guangzhou would share the key same"):
        reg.resolve("税务局", "guangzhou")


def _field_line_plan(number: int, agency: str, topic: str) -> str:
    """A small Guangzhou plan in the Guangxi field-line layout, naming *agency* as lead."""
    return f"""广州市人民政府办公厅关于印发广州市{topic}工作分工方案的通知（穗府办〔2019〕{number}号）
各区人民政府,市政府各部门、各直属机构:

　　经市人民政府同意,现将《广州市{topic}工作分工方案》印发给你们,请认真贯彻执行。

　　广州市人民政府办公厅

　　2019年3月1日

　　广州市{topic}工作分工方案

　　一、重点任务

　　(一)做好{topic}工作。

　　牵头单位:{agency}

　　参加单位:市财政局

　　完成时间:2020年
"""


def test_homophone_agencies_stay_apart_in_a_build(tmp_path, monkeypatch):
    import fengong.build
    from fengong.build import build

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(_field_line_plan(1, "广州市水务局", "供水保障"), encoding="utf-8")
    (docs / "b.txt").write_text(_field_line_plan(2, "广州市税务局", "税收服务"), encoding="utf-8")
    # Two documents are too few for a process pool: ask for one all the same (each worker has its own registry).
    monkeypatch.setattr(fengong.build, "PARALLEL_MIN_DOCUMENTS", 2)
    kept: list[Registry] = []
    _as_in_a_new_process(kept)
    two = build([str(docs)], tmp_path / "two", workers=2)
    _as_in_a_new_process(kept)
    one = build([str(docs)], tmp_path / "one", workers=1)
    _as_in_a_new_process(kept)
    alone = build([str(docs / "b.txt")], tmp_path / "alone", workers=1)  # 税务局 is the first one met
    assert (one.out_dir / "plan.nq").read_bytes() == (two.out_dir / "plan.nq").read_bytes()
    labels = [_zh_labels_of_agencies(result.store, "shui-wu-ju") for result in (one, two, alone)]
    assert labels[0] == labels[1] == {
        "guangzhou-shui-wu-ju-b62486": {"广州市水务局", "水务局"},
        "guangzhou-shui-wu-ju-c5b0f1": {"广州市税务局", "税务局"},
    }
    assert labels[2] == {"guangzhou-shui-wu-ju-c5b0f1": {"广州市税务局", "税务局"}}


def _as_in_a_new_process(kept: list[Registry]) -> None:
    """Let the parser start from a registry that has met no names, as a new worker process does.

    The registry it had is kept alive, so that memos keyed by its id() never take the new one for it.
    """
    kept.append(default_registry())
    default_registry.cache_clear()


def _zh_labels_of_agencies(store, slug: str) -> dict[str, set[str]]:
    """Every Chinese label (preferred, short, alternative) of each agency whose IRI holds *slug*."""
    rows = store.query(f"""SELECT ?a ?label WHERE {{ ?a a fg:Agency ; skos:prefLabel|fg:shortLabel|skos:altLabel ?label
                            FILTER(CONTAINS(STR(?a), "{slug}") && lang(?label) = "zh") }}""").rows
    labels: dict[str, set[str]] = {}
    for a, label in rows:
        labels.setdefault(a.value.rsplit("/", 1)[-1], set()).add(label.value)
    return labels


@pytest.mark.parametrize("space", [" ", "\u3000", "  "])
def test_names_listed_with_spaces_for_commas_are_each_an_actor(space):
    # Text taken from a PDF often lists names with spaces: each still gets its own assignment.
    from fengong.parse import parse_text

    text = _field_line_plan(7, f"市发展改革委{space}市住房城乡建设局", "城市更新")
    leads = [(a.surface, a.actor.short_zh) for a in parse_text(text, "t.txt").items[0].assignments if a.role == "lead"]
    assert leads == [("市发展改革委", "发展改革委"), ("市住房城乡建设局", "住房城乡建设局")]


@pytest.mark.parametrize("text", ["广州市 人民政府", "南宁市人民政府 有关部门负责同志", "住房城乡建设厅 牵头", "市政府 办公厅",
                                  "自治区党委 宣传部", "国家税务总局 广西壮族自治区税务局", "省人民政府 国有资产监督管理委员会"])
def test_a_space_inside_one_name_does_not_cut_it(text):
    # Only when every part reads as a name, and no part is a government's or a committee's own
    # office without a jurisdiction of its own: these stay one piece.
    assert len(split_actors(text)) == 1


@pytest.mark.parametrize("text, names", [
    ("市发展改革委 市住房城乡建设局等", ["市发展改革委", "市住房城乡建设局"]),
    ("由财政厅 商务厅负责", ["财政厅", "商务厅"]),
    ("财政厅 商务厅牵头", ["财政厅", "商务厅"]),
    ("各市人民政府 自治区有关部门", ["各市人民政府", "自治区有关部门"]),
])
def test_a_spaced_list_with_a_leading_or_trailing_word_is_split_too(text, names):
    pieces = split_actors(text)
    assert [p.surface for p in pieces] == names and all(text[p.start:p.end] == p.surface for p in pieces)


def test_a_trailer_after_a_space_leaves_no_space_in_the_name():
    assert [(p.surface, p.start, p.end) for p in split_actors("财政厅 等部门")] == [("财政厅", 0, 3)]
