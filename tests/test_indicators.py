"""Tests for fengong.indicators: numeric targets and per-place targets."""

import re
from decimal import Decimal
from importlib import resources

import pytest

from fengong.indicators import Indicator, parse_indicators, parse_place_targets

DOC = "guangxi-urbanization-2014-94.txt"
NUMERALS = "一 二 三 四 五 六 七 八 九 十 十一 十二 十三 十四 十五 十六".split()
TARGET_RE = re.compile(r"^\s*\((十六|十五|十四|十三|十二|十一|十|九|八|七|六|五|四|三|二|一)\)(.*)$")


def document_lines():
    return resources.files("fengong.data").joinpath(DOC).read_text(encoding="utf-8").splitlines()


def target_sentences():
    """{numeral: first sentence} of target items 一–十六 of the bundled plan."""
    found = {}
    for line in document_lines():
        m = TARGET_RE.match(line)
        if m:
            found[m.group(1)] = m.group(2).split("。")[0]
    return found


# numeral -> [(name, value, unit, comparator), ...]
EXPECTED = {
    "一": [("常住人口城镇化率", "54", "%", "reach"), ("新增城镇常住人口", "7000000", "人", "about")],
    "二": [("户籍人口城镇化率", "34.5", "%", "reach"),
           ("农业转移人口和其他常住人口落户城镇新增", "6000000", "人", "about")],
    "三": [("农民工随迁子女接受义务教育比例", "99", "%", "at-least")],
    "四": [("城镇失业人员、农民工、新成长劳动力基本职业技能培训覆盖率", "95", "%", "at-least"),
           ("城镇新增就业人数", "3200000", "人", "reach")],
    "五": [("城镇常住人口基本养老保险覆盖率", "90", "%", "at-least")],
    "六": [("城镇常住人口基本医疗保险覆盖率", "97", "%", "at-least")],
    "七": [("城镇保障性住房常住人口覆盖率", "23", "%", "at-least")],
    "八": [("设区城市公共交通占机动出行比例", "30", "%", "reach")],
    "九": [("城镇公共供水普及率", "97", "%", "reach"), ("城镇污水处理率", "95", "%", "reach"),
           ("生活垃圾无害化处理率", "95", "%", "reach")],
    "十": [("城市家庭宽带接入能力", "50", "Mbps", "reach")],
    "十一": [("城市社区综合服务设施覆盖率", "98", "%", "reach")],
    "十二": [("城镇建设用地面积", "3000", "平方公里", "at-most"), ("人均城镇建设用地", "110", "平方米/人", "at-most")],
    "十三": [("城镇可再生能源消费比重", "20", "%", "at-least")],
    "十四": [("城镇绿色建筑占新建建筑比重", "50", "%", "reach")],
    "十五": [("城镇建成区绿化覆盖率", "40", "%", "reach")],
    "十六": [("设区城市空气质量达到国家标准的比例", "75", "%", "reach")],
}


def test_document_has_sixteen_targets():
    assert list(target_sentences()) == NUMERALS


@pytest.mark.parametrize("numeral", NUMERALS)
def test_document_targets(numeral):
    sentence = target_sentences()[numeral]
    found = parse_indicators(sentence, year=2020)
    assert [(i.name, i.value, i.unit, i.comparator) for i in found] == [
        (name, Decimal(value), unit, comparator) for name, value, unit, comparator in EXPECTED[numeral]
    ]
    for indicator in found:
        assert indicator.year == 2020 and indicator.place is None
        assert indicator.text in sentence


def test_values_are_canonical_decimals():
    (people,) = parse_indicators("新增城镇常住人口700万人左右")
    assert str(people.value) == "7000000"
    (rate,) = parse_indicators("户籍人口城镇化率达到34.5%")
    assert str(rate.value) == "34.5"
    (money,) = parse_indicators("完成投资1.5亿元")
    assert (money.value, money.unit) == (Decimal("150000000"), "元")


def test_both_names_share_value_with_jun():
    text = "城镇污水处理率和生活垃圾无害化处理率均达到95%"
    found = parse_indicators(text)
    assert [i.name for i in found] == ["城镇污水处理率", "生活垃圾无害化处理率"]
    assert all(i.text == text for i in found)


@pytest.mark.parametrize(
    "text, comparator",
    [
        ("覆盖率达到95%以上", "at-least"),
        ("覆盖率不低于95%", "at-least"),
        ("人数不少于30万人", "at-least"),
        ("面积控制在3000平方公里以内", "at-most"),
        ("比例不超过10%", "at-most"),
        ("比例在10%以下", "at-most"),
        ("人口700万人左右", "about"),
        ("比重约30%", "about"),
        ("规模超过300万", "exceed"),
        ("能力达到50Mbps", "reach"),
        ("比重达到50%", "reach"),
    ],
)
def test_comparators(text, comparator):
    (indicator,) = parse_indicators(text)
    assert indicator.comparator == comparator


def test_not_targets():
    assert parse_indicators("培育成为20-50万规模的中小城市") == []
    assert parse_indicators("建成南宁、柳州、桂林、梧州4个核心城市") == []
    assert parse_indicators("把东兴、凭祥等8个边境县建设成为口岸城镇") == []
    assert parse_indicators("2015年出台实施方案") == []
    assert parse_indicators("培育一批建成区人口5万乃至10万以上的重点镇") == []


def test_leading_date_is_not_part_of_name():
    (indicator,) = parse_indicators("到2020年,城镇化率提高到60%左右", year=2020)
    assert (indicator.name, indicator.value, indicator.comparator) == ("城镇化率", Decimal(60), "about")


def test_number_first_phrase_takes_name_after_value():
    (indicator,) = parse_indicators("2020年实现600万左右符合条件的农业转移人口落户城镇")
    assert (indicator.name, indicator.value, indicator.unit, indicator.comparator) == (
        "符合条件的农业转移人口落户城镇", Decimal("6000000"), "人", "about")


# --- per-place targets (item 二十四) --------------------------------------------

ITEM_24_FIELD = ("到2020年各市城区人口规模,南宁超过300万,柳州达到210万,桂林130万,梧州、玉林100万,"
                 "北海、贵港60万,钦州、来宾50万,百色、贺州40万,防城港、河池35万,崇左30万。")

PLACE_TARGETS = [
    ("南宁", 3000000, "exceed"), ("柳州", 2100000, "reach"), ("桂林", 1300000, "reach"),
    ("梧州", 1000000, "reach"), ("玉林", 1000000, "reach"), ("北海", 600000, "reach"),
    ("贵港", 600000, "reach"), ("钦州", 500000, "reach"), ("来宾", 500000, "reach"),
    ("百色", 400000, "reach"), ("贺州", 400000, "reach"), ("防城港", 350000, "reach"),
    ("河池", 350000, "reach"), ("崇左", 300000, "reach"),
]


def test_item_24_field_is_in_document():
    assert any(ITEM_24_FIELD in line for line in document_lines())


def test_place_targets_item_24():
    found = parse_place_targets(ITEM_24_FIELD, year=2020)
    assert [(i.place, i.value, i.comparator) for i in found] == [
        (place, Decimal(value), comparator) for place, value, comparator in PLACE_TARGETS
    ]
    assert {i.name for i in found} == {"城区人口规模"}
    assert {i.unit for i in found} == {"人"}
    assert {i.year for i in found} == {2020}
    assert found[0] == Indicator("城区人口规模", Decimal(3000000), "人", "exceed", 2020, "南宁超过300万", "南宁")
    assert found[3].text == found[4].text == "梧州、玉林100万"


def test_place_targets_short_name_from_full_name():
    found = parse_place_targets("各市城区人口规模,南宁市达到300万")
    assert [(i.place, i.comparator) for i in found] == [("南宁", "reach")]


def test_place_targets_bare_value_defaults_to_reach():
    found = parse_place_targets("城区人口规模,桂林130万")
    assert [(i.place, i.value, i.comparator) for i in found] == [("桂林", Decimal(1300000), "reach")]


def test_place_targets_skip_non_place_subjects():
    field = "到2020年,平均每个县城建成区人口规模达到10万。将博白、北流等25个县市,培育成为中小城市。"
    assert parse_place_targets(field, year=2020) == []
    found = parse_place_targets("城区人口规模,某某市50万,平均每个县城100万")
    assert [(i.place, i.value) for i in found] == [("某某", Decimal(500000))]
