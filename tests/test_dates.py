"""Tests for fengong.dates: due-date expressions and deliverable splitting."""

import datetime
import re
from importlib import resources

import pytest

from fengong.dates import Clause, Due, find_dues, parse_due, split_deliverables

D = datetime.date
DOC = "guangxi-urbanization-2014-94.txt"
ITEM_RE = re.compile(r"^\s*\(([一二三四五六七八九十]+)\)")
FIELD_RE = re.compile(r"^\s*(预期成果和时间进度|预期成果|完成时间)[:：](.*)$")


def document_fields():
    """{item numeral: field text} for every 预期成果/完成时间 line of the bundled plan."""
    text = resources.files("fengong.data").joinpath(DOC).read_text(encoding="utf-8")
    fields, item = {}, None
    for line in text.splitlines():
        m = ITEM_RE.match(line)
        if m:
            item = m.group(1)
        m = FIELD_RE.match(line)
        if m:
            assert item not in fields, f"two fields for item {item}"
            fields[item] = m.group(2)
    return fields


# --- parse_due: the rules pinned by the brief ----------------------------------

@pytest.mark.parametrize(
    "text, wording, end, start, year, precision, qualifier",
    [
        ("2014年底出台推进户籍制度改革的政策措施", "2014年底", D(2014, 12, 31), None, 2014, "year", "by"),
        ("2014年底前出台实施方案", "2014年底前", D(2014, 12, 31), None, 2014, "year", "by"),
        ("2015年出台保障政策", "2015年", D(2015, 12, 31), None, 2015, "year", "in"),
        ("到2020年基本形成", "到2020年", D(2020, 12, 31), None, 2020, "year", "by"),
        ("2016年前编制完成城镇群发展规划", "2016年前", D(2015, 12, 31), None, 2015, "year", "before"),
        ("“十三五”城镇保障性住房", "“十三五”", D(2020, 12, 31), D(2016, 1, 1), 2020, "period", "during"),
        ("十三五期间", "十三五期间", D(2020, 12, 31), D(2016, 1, 1), 2020, "period", "during"),
        ("“十四五”规划", "“十四五”", D(2025, 12, 31), D(2021, 1, 1), 2025, "period", "during"),
        ("十二五", "十二五", D(2015, 12, 31), D(2011, 1, 1), 2015, "period", "during"),
        ("2020年6月底前完成", "2020年6月底前", D(2020, 6, 30), None, 2020, "month", "by"),
        ("2020年六月底前完成", "2020年六月底前", D(2020, 6, 30), None, 2020, "month", "by"),
        ("2019年底前", "2019年底前", D(2019, 12, 31), None, 2019, "year", "by"),
        ("２０１５年出台", "２０１５年", D(2015, 12, 31), None, 2015, "year", "in"),
        ("二〇一五年出台", "二〇一五年", D(2015, 12, 31), None, 2015, "year", "in"),
        ("2014-2020年", "2014-2020年", D(2020, 12, 31), D(2014, 1, 1), 2020, "period", "during"),
        ("规划(2014—2020年)", "2014—2020年", D(2020, 12, 31), D(2014, 1, 1), 2020, "period", "during"),
        ("2015年6月30日前", "2015年6月30日前", D(2015, 6, 30), None, 2015, "day", "by"),
        ("2017年基本完成确权", "2017年", D(2017, 12, 31), None, 2017, "year", "in"),
    ],
)
def test_parse_due_rules(text, wording, end, start, year, precision, qualifier):
    assert parse_due(text) == Due(wording, end, start, year, precision, qualifier)


def test_relative_years_count_from_ref_year():
    assert parse_due("年内出台", ref_year=2014).end == D(2014, 12, 31)
    assert parse_due("5年内完成", ref_year=2014).end == D(2019, 12, 31)
    assert parse_due("三年内完成", ref_year=2014).year == 2017
    assert parse_due("年底前完成", ref_year=2015) == Due("年底前", D(2015, 12, 31), None, 2015, "year", "by")


def test_relative_years_without_ref_year_keep_wording():
    due = parse_due("年内出台")
    assert (due.wording, due.end, due.year, due.precision) == ("年内", None, None, "none")
    assert parse_due("5年内完成").end is None


@pytest.mark.parametrize("text, wording", [("长期坚持", "长期坚持"), ("持续推进", "持续推进"), ("逐步实现城乡均衡配置", "逐步")])
def test_open_ended_wordings(text, wording):
    assert parse_due(text) == Due(wording, None, None, None, "none", "none")


def test_real_date_wins_over_open_ended_wording():
    assert parse_due("逐步推进,到2020年基本实现").year == 2020


@pytest.mark.parametrize("text", ["健全工作机制", "城区人口50-100万", "第十五条", "十五个", "3个月", "可持续发展", ""])
def test_no_date(text):
    assert parse_due(text) is None


def test_month_before_is_end_of_previous_month():
    due = parse_due("2020年6月前")
    assert (due.end, due.qualifier, due.precision) == (D(2020, 5, 31), "before", "month")


def test_starts_are_not_deadlines():
    due = parse_due("从2015年起每年报告")
    assert (due.start, due.end, due.year) == (D(2015, 1, 1), None, None)


def test_year_equals_end_year():
    for field in document_fields().values():
        for due, _, _ in find_dues(field, 2014):
            assert due.year == (due.end.year if due.end else None)


def test_find_dues_offsets_slice_to_wording():
    text = "2015年出台方案,到2020年,“十三五”期间完成"
    dues = find_dues(text)
    assert [d.wording for d, _, _ in dues] == ["2015年", "到2020年", "“十三五”期间"]
    for due, start, end in dues:
        assert text[start:end] == due.wording


# --- split_deliverables: unit cases --------------------------------------------

def test_comma_splits_only_before_a_date():
    clauses = split_deliverables("2014年出台产城互动工业园区试点方案,2015年出台产城融合发展示范工程行动方案。")
    assert [c.text for c in clauses] == ["2014年出台产城互动工业园区试点方案", "2015年出台产城融合发展示范工程行动方案"]
    clauses = split_deliverables("2014年完成清洁乡村活动目标任务,出台指导意见,启动生态乡村活动。")
    assert len(clauses) == 1


def test_undated_sentence_merges_into_previous_clause():
    text = "到2020年,平均每个县城建成区人口规模达到10万。将博白、北流等25个县市,培育成为中小城市。"
    (clause,) = split_deliverables(text)
    assert clause.text == text.rstrip("。")
    assert clause.due.year == 2020


def test_leading_undated_part_is_its_own_clause():
    clauses = split_deliverables("各市出台实施细则,2015年底前完成试点。")
    assert [(c.text, c.due) for c in clauses][0] == ("各市出台实施细则", None)
    assert clauses[1].due.end == D(2015, 12, 31)


def test_only_leading_date_counts():
    (clause,) = split_deliverables("2016年出台“十三五”城镇保障性住房建设规划。")
    assert clause.due.year == 2016 and clause.due.precision == "year"


def test_particles_before_a_date_still_split():
    clauses = split_deliverables("2015年出台方案,力争2017年全面完成。")
    assert [c.due.year for c in clauses] == [2015, 2017]


def test_open_ended_field():
    (clause,) = split_deliverables("长期坚持")
    assert clause == Clause("长期坚持", 0, 4, Due("长期坚持", None, None, None, "none", "none"))


def test_empty_field():
    assert split_deliverables("") == []
    assert split_deliverables("。") == []


# --- split_deliverables on every field of the bundled plan ------------------------

# item -> [(due year, qualifier), ...] per clause.  Items 一–十六 are "完成时间:2020年".
EXPECTED = {
    **{n: [(2020, "in")] for n in "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六".split()},
    "十七": [(2014, "by"), (2020, "in")],
    "十八": [(2015, "in")],
    "十九": [(2014, "in")],
    "二十": [(2015, "in")],
    "二十一": [(2015, "in"), (2020, "in")],
    "二十二": [(2015, "in")],
    "二十三": [(2015, "in"), (2020, "during")],
    "二十四": [(2020, "by")],
    "二十五": [(2020, "by")],
    "二十六": [(2014, "by"), (2020, "by")],
    "二十七": [(2015, "before"), (2020, "by")],
    "二十八": [(2020, "by")],
    "二十九": [(2020, "in")],
    "三十": [(2015, "in"), (2020, "in")],
    "三十一": [(2014, "in")],
    "三十二": [(2015, "in")],
    "三十三": [(2015, "in")],
    "三十四": [(2015, "in")],
    "三十五": [(2015, "in")],
    "三十六": [(2015, "in")],
    "三十七": [(2015, "in")],
    "三十八": [(2015, "in"), (2020, "by")],
    "三十九": [(2015, "in")],
    "四十": [(2014, "in"), (2015, "in")],
    "四十一": [(2015, "in")],
    "四十二": [(2014, "in"), (2015, "in")],
    "四十三": [(2014, "in")],
    "四十四": [(2015, "in")],
    "四十五": [(2015, "in")],
    "四十六": [(2015, "in"), (2020, "by")],
    "四十七": [(2015, "in"), (2017, "by")],
    "四十八": [(2015, "in"), (2020, "by")],
    "四十九": [(2014, "by")],
    "五十": [(2014, "by"), (2017, "in")],
    "五十一": [(2014, "in")],
    "五十二": [(2014, "by")],
    "五十三": [(2014, "by")],
    "五十四": [(2015, "in")],
    "五十五": [(2015, "in"), (2016, "in"), (2020, "by")],
    "五十六": [(2020, "by")],
    "五十七": [(2014, "by"), (2015, "in")],
    "五十八": [(2014, "by")],
    "五十九": [(2014, "by")],
    "六十": [(2015, "in")],
    "六十一": [(2015, "in")],
    "六十二": [(2015, "in")],
    "六十三": [(2015, "in")],
}


def test_document_has_a_field_for_every_expected_item():
    fields = document_fields()
    assert set(fields) == set(EXPECTED)  # items 六十四–六十六 have no field
    assert len(fields) == 63


@pytest.mark.parametrize("item", list(EXPECTED))
def test_document_fields_split(item):
    field = document_fields()[item]
    clauses = split_deliverables(field, ref_year=2014)
    assert [(c.due.year, c.due.qualifier) for c in clauses] == EXPECTED[item]
    for clause in clauses:
        assert field[clause.start:clause.end] == clause.text
        assert clause.text and clause.text[-1] not in "。,，；;"


def test_document_specific_clauses():
    fields = document_fields()
    c17 = split_deliverables(fields["十七"])
    assert c17[0].due.end == D(2014, 12, 31)
    assert c17[0].text == "2014年底出台推进户籍制度改革的政策措施"
    c23 = split_deliverables(fields["二十三"])
    assert (c23[1].due.wording, c23[1].due.start, c23[1].due.end) == ("“十三五”", D(2016, 1, 1), D(2020, 12, 31))
    assert c23[1].text == "“十三五”城镇保障性住房重点解决农民工住房问题"
    c27 = split_deliverables(fields["二十七"])
    assert c27[0].due.end == D(2015, 12, 31) and c27[0].due.wording == "2016年前"
    c30 = split_deliverables(fields["三十"])
    assert c30[1].text.startswith("2020年,南宁五象新区") and c30[1].text.endswith("成为新的增长区域")
    (c53,) = split_deliverables(fields["五十三"])
    assert "国家开发银行广西分行出台" in c53.text
    (c25,) = split_deliverables(fields["二十五"])
    assert "将博白" in c25.text and c25.due.wording == "到2020年"
    c55 = split_deliverables(fields["五十五"])
    assert c55[1].due.wording == "2016年" and "“十三五”" in c55[1].text
    assert split_deliverables(fields["一"]) == [Clause("2020年", 0, 5, Due("2020年", D(2020, 12, 31), None, 2020, "year", "in"))]


def test_find_dues_gives_a_new_list_each_time():
    dues = find_dues("2015年出台,到2020年完成")
    dues.clear()
    assert [d.wording for d, _, _ in find_dues("2015年出台,到2020年完成")] == ["2015年", "到2020年"]


@pytest.mark.parametrize(
    "text, wordings",
    [
        ("“十三五”期间完成，2020年第三季度末验收", ["“十三五”期间", "2020年第三季度末"]),
        ("6月底前完成，今年内启动", ["6月底前", "今年内"]),
        ("年底前出台，3年内建成", ["年底前", "3年内"]),
        ("健全工作机制", []),
    ],
)
def test_find_dues_with_and_without_the_characters_dates_need(text, wordings):
    assert [d.wording for d, _, _ in find_dues(text, ref_year=2016)] == wordings
