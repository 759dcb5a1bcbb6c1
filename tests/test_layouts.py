"""Layouts: which one is chosen, and how each way of writing a plan is read.

Fixtures in tests/fixtures were written for fengong's tests (their first line
says so): state-council-inline.txt (inline parentheticals and a first-listed
rule), guangzhou-mixed.gbk.txt (GBK; inline and field lines mixed, full-width
and ASCII punctuation), hunan-fieldlines.utf16.txt (UTF-16; field lines with
synonyms and a rule), county-unknown-issuer.bom.txt (UTF-8 with BOM; 第一条
numbering, an issuer the gazetteer does not know), shenzhen-table.txt (a table
copied one cell per line) and zhejiang-table.tsv.txt (a tab-separated table).
Short documents built in the tests pin one behaviour each.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from fengong import layouts
from fengong.build import bundled_path
from fengong.layouts import inline, outline
from fengong.parse import parse_file, parse_text
from fengong.read import read_document

FIXTURES = Path(__file__).parent / "fixtures"
NATIONAL = "国务院办公厅关于印发测试工作分工方案的通知\n国办发〔2020〕1号\n各省、自治区、直辖市人民政府：\n"


def doc(body: str, header: str = NATIONAL) -> str:
    return header + body


def parse(body: str, header: str = NATIONAL):
    return parse_text(doc(body, header), "t.txt")


def roles(item):
    return [(a.surface, a.actor.id, a.role, a.basis) for a in item.assignments]


@pytest.fixture(scope="module")
def fixture_plans():
    return {p.name: parse_file(str(p)) for p in sorted(FIXTURES.glob("*.txt"))}


# -- choosing the layout ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, layout",
    [
        ("state-council-inline.txt", "inline"),
        ("guangzhou-mixed.gbk.txt", "inline"),
        ("hunan-fieldlines.utf16.txt", "fieldlines"),
        ("county-unknown-issuer.bom.txt", "inline"),
        ("shenzhen-table.txt", "table"),
        ("zhejiang-table.tsv.txt", "table"),
    ],
)
def test_layout_chosen_for_each_fixture(name, layout, fixture_plans):
    text, _ = read_document(FIXTURES / name)
    scores = layouts.scores(text)
    assert max(scores, key=scores.get) == layout
    assert layouts.choose(text).NAME == layout
    assert fixture_plans[name].layout == layout


def test_layout_chosen_for_guangxi():
    text = bundled_path().read_text(encoding="utf-8")
    assert layouts.scores(text) == {"fieldlines": 1.0, "inline": 0.0, "table": 0.0}


def test_choose_stops_at_a_certain_layout_and_otherwise_takes_the_best(monkeypatch):
    class Fake:
        def __init__(self, name, value):
            self.NAME, self.value, self.asked = name, value, 0

        def score(self, text):
            self.asked += 1
            return self.value

    first, second, third = Fake("a", 0.4), Fake("b", 1.0), Fake("c", 1.0)
    monkeypatch.setattr(layouts, "LAYOUTS", [first, second, third])
    assert layouts.choose("x") is second and third.asked == 0  # a tie goes to the first listed anyway
    monkeypatch.setattr(layouts, "LAYOUTS", [Fake("a", 0.4), Fake("b", 0.7), Fake("c", 0.5)])
    assert layouts.choose("x").NAME == "b"
    monkeypatch.setattr(layouts, "LAYOUTS", [Fake("a", 0.0)])
    assert layouts.choose("x") is None


def test_mixed_document_reads_both_styles(fixture_plans):
    plan = fixture_plans["guangzhou-mixed.gbk.txt"]
    bases = {a.basis for i in plan.items for a in i.assignments}
    assert {"field", "inline"} <= bases
    scores = layouts.scores(read_document(FIXTURES / "guangzhou-mixed.gbk.txt")[0])
    assert 0 < scores["fieldlines"] < scores["inline"]


# -- field lines ----------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["牵头单位", "牵头部门", "责任单位", "责任部门"])
@pytest.mark.parametrize("colon", [":", "："])
def test_lead_labels(label, colon):
    plan = parse(f"一、改革\n（一）推进A。\n{label}{colon}财政部、教育部\n")
    assert [(s, r, b) for s, _, r, b in roles(plan.items[0])] == [("财政部", "lead", "field"), ("教育部", "lead", "field")]


@pytest.mark.parametrize("label", ["参加单位", "配合单位", "参与单位", "协办单位"])
def test_participant_labels(label):
    plan = parse(f"（一）推进A。\n牵头单位：财政部\n{label}:教育部、科技部\n")
    assert [(s, r) for s, _, r, _ in roles(plan.items[0])] == [
        ("财政部", "lead"), ("教育部", "participant"), ("科技部", "participant")]


def test_responsible_label_is_participant_when_a_lead_label_is_there():
    plan = parse("1.推进A。\n牵头单位：财政部\n责任单位：教育部\n")
    assert [(s, r) for s, _, r, _ in roles(plan.items[0])] == [("财政部", "lead"), ("教育部", "participant")]


@pytest.mark.parametrize(
    "label, value, end",
    [
        ("完成时间", "2019年底前", datetime.date(2019, 12, 31)),
        ("完成时限", "2020年6月底前", datetime.date(2020, 6, 30)),
        ("时间进度", "2021年出台办法", datetime.date(2021, 12, 31)),
        ("预期成果和时间进度", "到2022年基本建立", datetime.date(2022, 12, 31)),
        ("完成时限", "年内", datetime.date(2020, 12, 31)),  # the document's year (国办发〔2020〕1号)
        ("完成时限", "5年内", datetime.date(2025, 12, 31)),
    ],
)
def test_date_labels(label, value, end):
    plan = parse(f"（一）推进A。\n牵头单位：财政部\n{label}：{value}\n")
    assert [d.due.end for d in plan.items[0].deliverables] == [end]


def test_undated_wording_is_kept(fixture_plans):
    item = fixture_plans["hunan-fieldlines.utf16.txt"].items[1]
    assert [(d.due.wording, d.due.end) for d in item.deliverables] == [("长期坚持", None)]


def test_labels_after_the_sentence_on_one_line():
    plan = parse("1.推进A。牵头单位：财政部；配合单位：教育部\n")
    assert [(s, r, b) for s, _, r, b in roles(plan.items[0])] == [
        ("财政部", "lead", "field"), ("教育部", "participant", "field")]
    assert plan.items[0].title == "推进A"



def _cited(plan, item):
    """Each assignment as (surface, role, position, line, the source text at its offsets)."""
    return [(a.surface, a.role, a.position, a.span.line_start, plan.text[a.span.char_start:a.span.char_end])
            for a in item.assignments]


@pytest.mark.parametrize("first, rest", [("财政部、", "教育部、科技部"), ("财政部，", "  教育部、科技部"), ("财政部", "、教育部、科技部")])
def test_a_wrapped_list_of_names_goes_on_to_the_next_line(first, rest):
    # A PDF converter or a narrow column breaks a long field line; the names after the break are
    # the same list, each cited at its own line.
    plan = parse(f"1.推进A。\n牵头单位：{first}\n{rest}\n配合单位：民政部\n2.推进B。\n牵头单位：商务部\n")
    lines = [a.span.line_start for a in plan.items[0].assignments]
    assert [(s, r, p, t) for s, r, p, _, t in _cited(plan, plan.items[0])] == [
        ("财政部", "lead", 1, "财政部"), ("教育部", "lead", 2, "教育部"), ("科技部", "lead", 3, "科技部"),
        ("民政部", "participant", 1, "民政部")]
    assert lines == [5, 6, 6, 7]
    assert not [w for w in plan.warnings if "not read" in w]


def test_a_wrapped_list_keeps_the_first_listed_rule_and_drops_a_trailing_note():
    plan = parse("注：列第一位者为牵头单位。\n1.推进A。\n责任单位：财政部、\n教育部（列第一位者为牵头单位）\n")
    assert [(s, r, p) for s, r, p, _, _ in _cited(plan, plan.items[0])] == [
        ("财政部", "lead", 1), ("教育部", "participant", 2)]


@pytest.mark.parametrize("fields, after", [
    ("牵头单位：财政部", "以上工作由各地抓好落实。"),  # prose
    ("牵头单位：财政部", "国务院办公厅"),  # names, but no list broke: a signature
    ("参加单位：商务部、海关总署、", "各地要加强组织领导，确保按期完成。"),  # prose after a list ending in 、
    ("参加单位：商务部、国家发展和改革委", "员会、财政部"),  # a name broken in two: not guessed at
])
def test_a_line_after_the_fields_that_does_not_carry_them_on_is_still_a_warning(fields, after):
    plan = parse(f"1.推进A。\n{fields}\n{after}\n")
    assert [s for s, *_ in _cited(plan, plan.items[0])] == fields.split("：")[1].rstrip("、").split("、")
    assert "t.txt:6: text after the field lines of item 1 not read" in plan.warnings


@pytest.mark.parametrize("gap", ["\n", "\n附件：成员单位名单\n"])
def test_a_blank_or_unread_line_ends_a_field(gap):
    # After a blank line (a closing paragraph, the signature) or a line not read, nothing is read on.
    plan = parse(f"1.推进A。\n参加单位：商务部、\n{gap}财政部、教育部\n")
    assert [s for s, *_ in _cited(plan, plan.items[0])] == ["商务部"]


def test_a_finished_deliverable_does_not_take_the_next_line():
    plan = parse("1.推进A。\n牵头单位：财政部\n预期成果和时间进度：2015年出台工作方案。\n各地要抓好落实，2016年底前报送落实情况。\n")
    assert [d.text for d in plan.items[0].deliverables] == ["2015年出台工作方案"]
    assert "t.txt:7: text after the field lines of item 1 not read" in plan.warnings


def test_a_wrapped_deliverable_keeps_the_clause_break_at_the_line_end():
    plan = parse("1.推进A。\n牵头单位：财政部\n预期成果和时间进度：2015年底前完成试点工作，\n2016年出台实施意见。\n")
    assert [(d.text, d.due.year) for d in plan.items[0].deliverables] == [
        ("2015年底前完成试点工作", 2015), ("2016年出台实施意见", 2016)]


def test_a_wrapped_deliverable_is_read_across_the_line_break():
    plan = parse("1.推进A。\n牵头单位：财政部\n预期成果和时间进度：2015年底前完成\n试点工作。2016年6月底前出台\n实施意见。\n")
    got = [(d.text, d.due.end, d.span.line_start, d.span.line_end, plan.text[d.span.char_start:d.span.char_end])
           for d in plan.items[0].deliverables]
    assert got == [("2015年底前完成试点工作", datetime.date(2015, 12, 31), 6, 7, "2015年底前完成\n试点工作"),
                   ("2016年6月底前出台实施意见", datetime.date(2016, 6, 30), 7, 8, "2016年6月底前出台\n实施意见")]
    assert not [w for w in plan.warnings if "not read" in w]


def test_a_place_named_after_a_deliverable_s_line_break_is_cited_on_its_own_line():
    plan = parse("1.推进A。\n牵头单位：财政部\n预期成果和时间进度：2015年底前在\n南宁市开展试点。\n")
    places = [(p.surface, p.span.line_start, plan.text[p.span.char_start:p.span.char_end]) for p in plan.items[0].places]
    assert places == [("南宁市", 7, "南宁市")]


def test_numbered_lines_after_an_empty_deliverable_label(fixture_plans):
    item = fixture_plans["hunan-fieldlines.utf16.txt"].items[2]
    assert [(d.text, d.due.end) for d in item.deliverables] == [
        ("2018年6月底前出台实施意见", datetime.date(2018, 6, 30)),
        ("2019年建成县级电商服务中心", datetime.date(2019, 12, 31)),
    ]


def test_unknown_label_is_a_warning(fixture_plans):
    assert "hunan-fieldlines.utf16.txt:20: field label '责任处室' not known; line not read as a field" in [
        w.split("fixtures/")[-1] for w in fixture_plans["hunan-fieldlines.utf16.txt"].warnings]


# -- inline parentheticals --------------------------------------------------------------------


@pytest.mark.parametrize(
    "paren, expected",
    [
        ("（牵头单位：财政部；配合单位：教育部、科技部）",
         [("财政部", "lead", "inline"), ("教育部", "participant", "inline"), ("科技部", "participant", "inline")]),
        ("（牵头单位：财政部，配合单位：教育部、科技部，各省级人民政府）",
         [("财政部", "lead", "inline"), ("教育部", "participant", "inline"), ("科技部", "participant", "inline"),
          ("各省级人民政府", "participant", "inline")]),
        ("(牵头单位:财政部,配合单位:教育部)", [("财政部", "lead", "inline"), ("教育部", "participant", "inline")]),
        ("（财政部牵头，教育部、科技部配合）",
         [("财政部", "lead", "inline"), ("教育部", "participant", "inline"), ("科技部", "participant", "inline")]),
        ("（财政部、教育部、科技部负责）",
         [("财政部", "responsible", "unranked"), ("教育部", "responsible", "unranked"), ("科技部", "responsible", "unranked")]),
        ("（财政部、教育部等按职责分工负责）",
         [("财政部", "responsible", "unranked"), ("教育部", "responsible", "unranked")]),
        ("（财政部、教育部等和各有关省级人民政府负责）",
         [("财政部", "responsible", "unranked"), ("教育部", "responsible", "unranked"),
          ("各有关省级人民政府", "responsible", "unranked")]),
        ("（财政部、教育部牵头负责）", [("财政部", "lead", "inline"), ("教育部", "lead", "inline")]),
        ("（财政部牵头，各有关部门按职责分工负责）",
         [("财政部", "lead", "inline"), ("各有关部门", "participant", "inline")]),
        ("（财政部会同有关部门负责）", [("财政部", "lead", "inline"), ("有关部门", "participant", "inline")]),
        ("（财政部、教育部）", [("财政部", "responsible", "unranked"), ("教育部", "responsible", "unranked")]),
    ],
)
def test_inline_forms_without_a_rule(paren, expected):
    plan = parse(f"一、改革\n1.推进A{paren}。\n")
    assert [(s, r, b) for s, _, r, b in roles(plan.items[0])] == expected
    assert plan.rule is None


@pytest.mark.parametrize(
    "paren, expected",
    [
        ("（财政部、教育部、科技部负责）",
         [("财政部", "lead", "first-listed-rule"), ("教育部", "participant", "first-listed-rule"),
          ("科技部", "participant", "first-listed-rule")]),
        ("（财政部、教育部等按职责分工负责）",
         [("财政部", "lead", "first-listed-rule"), ("教育部", "participant", "first-listed-rule")]),
        ("（财政部、教育部）", [("财政部", "lead", "first-listed-rule"), ("教育部", "participant", "first-listed-rule")]),
        # an explicit lead wins over the rule
        ("（教育部牵头，财政部配合）", [("教育部", "lead", "inline"), ("财政部", "participant", "inline")]),
    ],
)
@pytest.mark.parametrize("rule", ["列第一位者为牵头单位，下同", "排在第一位的部门为牵头部门", "列在首位的为牵头单位", "排名第一的为牵头单位"])
def test_inline_forms_under_a_first_listed_rule(paren, expected, rule):
    plan = parse(f"（以下各项任务，{rule}。）\n一、改革\n1.推进A{paren}。\n")
    assert plan.rule == rule.split("，")[0]
    assert [(s, r, b) for s, _, r, b in roles(plan.items[0])] == expected


def test_rule_applies_to_later_parentheticals_only():
    plan = parse("一、改革\n1.推进A。（财政部、教育部负责）\n2.推进B。（科技部、教育部负责，列第一位者为牵头单位，下同）\n"
                 "3.推进C。（民政部、财政部负责）\n")
    bases = [[(a.role, a.basis) for a in item.assignments] for item in plan.items]
    assert bases[0] == [("responsible", "unranked")] * 2
    assert bases[1] == bases[2] == [("lead", "first-listed-rule"), ("participant", "first-listed-rule")]


def test_rule_in_a_closing_note_applies_to_the_whole_list():
    plan = parse("一、改革\n1.推进A。（财政部、教育部负责）\n2.推进B。（科技部、教育部负责）\n注：各项任务中列第一位者为牵头单位。\n")
    assert [[(a.role, a.basis) for a in i.assignments] for i in plan.items] == [
        [("lead", "first-listed-rule"), ("participant", "first-listed-rule")]] * 2
    assert plan.items[1].text == "推进B。（科技部、教育部负责）"


def test_rule_applies_to_a_responsible_field(fixture_plans):
    item = fixture_plans["hunan-fieldlines.utf16.txt"].items[0]
    assert [(a.surface, a.role, a.basis) for a in item.assignments] == [
        ("省农业农村厅", "lead", "first-listed-rule"), ("省发展改革委", "participant", "first-listed-rule"),
        ("省财政厅", "participant", "first-listed-rule")]


def test_dates_inside_parentheticals(fixture_plans):
    items = {(i.number, i.sub_number): i for i in fixture_plans["state-council-inline.txt"].items}
    assert [(d.due.wording, d.due.end) for d in items[(3, None)].deliverables] == [("2019年底前", datetime.date(2019, 12, 31))]
    assert [(d.due.wording, d.due.end) for d in items[(7, None)].deliverables] == [("年内", datetime.date(2019, 12, 31))]
    assert [(d.due.wording, d.due.end) for d in items[(8, None)].deliverables] == [("长期坚持", None)]
    assert [(d.due.wording, d.due.end) for d in items[(5, 2)].deliverables] == [("持续推进", None)]


def test_dates_in_prose(fixture_plans):
    items = {(i.number, i.sub_number): i for i in fixture_plans["state-council-inline.txt"].items}
    assert [(d.text, d.due.end, d.due.qualifier) for d in items[(6, None)].deliverables] == [
        ("2020年6月底前出台监管办法", datetime.date(2020, 6, 30), "by")]
    assert [(d.due.wording, d.due.end) for d in items[(1, None)].deliverables] == [("2019年底前", datetime.date(2019, 12, 31))]


def test_parenthetical_that_is_not_an_assignment():
    plan = parse("一、改革\n1.推进城镇（含县城）建设。（财政部负责）\n2.加快发展（南宁、柳州）。（教育部负责）\n")
    assert [[a.surface for a in i.assignments] for i in plan.items] == [["财政部"], ["教育部"]]
    assert plan.warnings == []


def test_parenthetical_not_understood_is_a_warning(fixture_plans):
    warnings = [w.split("fixtures/")[-1] for w in fixture_plans["county-unknown-issuer.bom.txt"].warnings]
    assert "county-unknown-issuer.bom.txt:12: parenthetical looks like an assignment but was not understood: '由相关牵头落实'" in warnings


def test_read_parenthetical_offsets():
    text = "推进A（牵头单位：财政部；配合单位：教育部）"
    p = inline.read_parenthetical(text, 3)
    assert [(text[n.start : n.start + len(n.surface)], n.role) for n in p.names] == [("财政部", "lead"), ("教育部", "participant")]


# -- numbering and sub-tasks ------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, numerals",
    [
        ("一、甲\n（一）推进A。（财政部负责）\n（二）推进B。（教育部负责）\n", ["一", "二"]),
        ("一、甲\n(一)推进A。(财政部负责)\n(二)推进B。(教育部负责)\n", ["一", "二"]),
        ("一、甲\n1.推进A。（财政部负责）\n2.推进B。（教育部负责）\n", ["1", "2"]),
        ("一、甲\n1、推进A。（财政部负责）\n2、推进B。（教育部负责）\n", ["1", "2"]),
        ("一、甲\n（1）推进A。（财政部负责）\n（2）推进B。（教育部负责）\n", ["1", "2"]),
        ("第一条 推进A。（财政部负责）\n第二条 推进B。（教育部负责）\n", ["一", "二"]),
        ("一、推进A。（财政部负责）\n二、推进B。（教育部负责）\n", ["一", "二"]),
    ],
)
def test_numbering_styles(body, numerals):
    plan = parse(body)
    assert [i.numeral for i in plan.items] == numerals
    assert [i.number for i in plan.items] == [1, 2]
    assert [i.title for i in plan.items] == ["推进A", "推进B"]


def test_items_under_groups_keep_written_numbers(fixture_plans):
    plan = fixture_plans["state-council-inline.txt"]
    assert [(i.number, i.sub_number, i.section) for i in plan.items] == [
        (1, None, 1), (2, None, 1), (3, None, 1), (4, None, 1), (5, 1, 1), (5, 2, 1),
        (6, None, 2), (7, None, 2), (8, None, 2), (9, None, 2), (10, None, 2)]


def test_restarting_numbers_are_numbered_in_order():
    plan = parse("一、甲\n1.推进A。（财政部负责）\n二、乙\n1.推进B。（教育部负责）\n")
    assert [(i.number, i.numeral, i.section) for i in plan.items] == [(1, "一.1", 1), (2, "二.1", 2)]


def test_one_task_per_sentence_with_its_own_parenthetical(fixture_plans):
    plan = fixture_plans["state-council-inline.txt"]
    five = [i for i in plan.items if i.number == 5]
    assert [(i.sub_number, i.title, [a.actor.id for a in i.assignments]) for i in five] == [
        (1, "推进养老服务改革", ["cn-civil-affairs"]), (2, "加快城镇住房保障建设", ["cn-housing"])]
    assert five[0].text.startswith("完善基层服务体系。推进养老服务改革")


def test_sub_items_belong_to_their_item(fixture_plans):
    plan = fixture_plans["county-unknown-issuer.bom.txt"]
    three = next(i for i in plan.items if i.number == 3)
    assert three.text.startswith("开展农村人居环境整治。（1）推进厕所改造")
    assert [a.surface for a in three.assignments] == ["县农业农村局"]


def test_heading_styles():
    assert [outline.heading(t).style for t in ("一、甲", "（一）甲", "(一)甲", "1.甲", "1、甲", "（1）甲", "第一条 甲", "第一部分 甲")] == [
        "section", "cn-paren", "cn-paren", "arabic", "arabic", "arabic-paren", "article", "part"]
    assert outline.heading("2014年底出台") is None and outline.heading("1.5倍以上") is None


def test_covering_notice_with_its_own_numbering_is_header():
    text = ("广州市人民政府印发重点工作责任分工的通知\n穗府〔2012〕4号\n一、加强共识\n各级各部门要统一思想。\n二、加强督查\n"
            "市府办公厅要加强督查。\n广州市人民政府\n2012年2月20日\n2012年重点工作责任分工\n一、加快转型\n"
            "1.推进产业调整。责任单位：市发展改革委、市经贸委（列第一位者为牵头单位，下同）。\n")
    plan = parse_text(text, "notice.txt")
    assert [s.title for s in plan.sections] == ["加快转型"]
    assert [(a.surface, a.role, a.basis) for a in plan.items[0].assignments] == [
        ("市发展改革委", "lead", "first-listed-rule"), ("市经贸委", "participant", "first-listed-rule")]
    assert (plan.issued, plan.jurisdiction) == (datetime.date(2012, 2, 20), "guangzhou")


# -- tables ----------------------------------------------------------------------------------


def test_table_one_cell_per_line(fixture_plans):
    plan = fixture_plans["shenzhen-table.txt"]
    assert [s.title for s in plan.sections] == ["强化科技创新", "提升民生水平"]
    assert [(i.number, i.section, i.title) for i in plan.items] == [
        (1, 1, "加快建设综合性国家科学中心"), (2, 1, "建设技术创新中心"), (3, 1, "推动成果转化"), (4, 2, "扩大优质教育供给")]
    one, two, three, four = plan.items
    assert [(a.surface, a.actor.kind, a.role) for a in one.assignments] == [
        ("分管副市长", "post", "lead"), ("市科技创新委", "commission", "lead"), ("市发展改革委", "commission", "participant"),
        ("南山区", "local-government", "participant"), ("福田区政府", "local-government", "participant")]
    # an empty leader cell is skipped; an empty participant cell before a date too
    assert [(a.surface, a.role) for a in two.assignments] == [("市科技创新委", "lead"), ("市工业和信息化局", "participant")]
    assert [(a.surface, a.role) for a in three.assignments] == [("市发展改革委", "lead")]
    assert [d.due.end for d in three.deliverables] == [datetime.date(2021, 6, 30)]
    assert [(d.due.wording, d.due.end) for d in four.deliverables] == [("长期坚持", None)]
    assert all(a.basis == "field" for i in plan.items for a in i.assignments)


def test_table_tab_separated_with_a_rule(fixture_plans):
    plan = fixture_plans["zhejiang-table.tsv.txt"]
    assert (plan.jurisdiction, plan.rule, plan.title) == ("zj", "列第一位者为牵头单位", "数字政府测试建设任务分工表")
    assert [[(a.actor.id, a.role, a.basis) for a in i.assignments] for i in plan.items][1] == [
        ("zj-cai-zheng-ting-0993aa", "lead", "first-listed-rule"), ("zj-da-shu-ju-ju-f3b0e8", "participant", "first-listed-rule"),
        ("zj-ge-she-qu-shi-zheng-fu-164bcc", "participant", "first-listed-rule")]


def test_table_header_is_found_in_both_forms():
    from fengong.layouts import common, table

    per_line = table.find_header(common.split_lines("通知\n序号\n工作任务\n牵头单位\n配合单位\n1\n推进A"))
    delimited = table.find_header(common.split_lines("通知\n序号 | 工作任务 | 牵头单位 | 配合单位\n1 | 推进A | 财政部 | 教育部"))
    assert (per_line.start, per_line.end, per_line.delimited) == (1, 5, False)
    assert (delimited.labels, delimited.delimited) == (["序号", "工作任务", "牵头单位", "配合单位"], True)


# -- actors that are not single agencies --------------------------------------------------------


def test_collectives_are_one_actor_each(fixture_plans):
    found = {a.surface: a.actor for p in fixture_plans.values() for i in p.items for a in i.assignments}
    for surface in ("各有关省级人民政府", "各省级人民政府", "各有关部门和单位", "各区、县级市", "各有关区、县级市",
                    "各地、各部门", "各项目牵头单位"):
        assert found[surface].collective, surface
    assert found["各省级人民政府"].level == "provincial"
    assert found["各区、县级市"].kind == "local-government-collective"
    assert found["各有关部门和单位"].kind == "department-collective"


def test_posts_are_posts(fixture_plans):
    found = {a.surface: a.actor for name in ("hunan-fieldlines.utf16.txt", "guangzhou-mixed.gbk.txt")
             for i in fixture_plans[name].items for a in i.assignments}
    assert {s: (found[s].kind, found[s].jurisdiction) for s in ("分管副省长", "协管副秘书长", "分管副市长")} == {
        "分管副省长": ("post", "hn"), "协管副秘书长": ("post", "hn"), "分管副市长": ("post", "guangzhou")}


def test_districts_are_local_governments(fixture_plans):
    found = {a.surface: a.actor for p in fixture_plans.values() for i in p.items for a in i.assignments}
    assert (found["越秀区"].id, found["越秀区"].kind) == ("yuexiu-gov", "local-government")
    assert found["越秀区政府"] is found["越秀区"]


# -- provenance ------------------------------------------------------------------------------


def test_every_span_slices_to_its_surface(fixture_plans, guangxi_plan):
    for plan in [*fixture_plans.values(), guangxi_plan]:
        assert plan.items
        for item in plan.items:
            for a in item.assignments:
                assert plan.text[a.span.char_start : a.span.char_end] == a.surface
                assert a.snippet == plan.text.split("\n")[a.span.line_start - 1].strip(" \u3000\t\ufeff")


def test_inline_span_points_inside_the_parenthetical(fixture_plans):
    plan = fixture_plans["state-council-inline.txt"]
    a = next(a for i in plan.items if i.number == 2 for a in i.assignments if a.surface == "教育部")
    line = plan.text.split("\n")[a.span.line_start - 1]
    assert line.strip().startswith("2.推进证照分离改革。（国家发展改革委牵头，教育部")
    before = plan.text[: a.span.char_start]
    assert before.endswith("（国家发展改革委牵头，")


def test_classify_is_classify_text_placed_on_its_line():
    from fengong.layouts import body, common

    text = "一、目标\n（一）推进A（市发展改革委牵头）。牵头单位：市财政局；配合单位：市教育局\n责任人：张三\n"
    for line in common.split_lines(text):
        row, info = body.classify(line), body.classify_text(line.text)
        assert row.heading == info.heading and row.text_start == line.start + info.text_start
        assert row.text == line.text[info.text_start : info.text_end]
        assert [(r.label, r.meaning, r.value, r.value_start - line.start) for r in row.runs] == list(info.runs)
        assert row.parens == info.text_parens and row.unknown_label == info.unknown_label


def test_inline_score_is_the_same_with_a_byte_order_mark():
    text = doc("一、改革\n1.推进A。（发展改革委牵头，财政部配合）\n2.推进B。\n")
    assert inline.score("\ufeff" + text) == inline.score(text) == 0.5
