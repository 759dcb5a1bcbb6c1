"""Tests for fengong.places: the place registry and place mentions in text."""

import csv
import re
from importlib import resources

import pytest

from fengong.places import PLACE_TYPES, Gazetteer, Place, default_gazetteer

DOC = "guangxi-urbanization-2014-94.txt"
ITEM_RE = re.compile(r"^\s*\(([一二三四五六七八九十]+)\)")
SECTION_RE = re.compile(r"^\s*[一二三四五六七八九十]+、")

CITY_CODES = {
    "南宁": "450100", "柳州": "450200", "桂林": "450300", "梧州": "450400", "北海": "450500",
    "防城港": "450600", "钦州": "450700", "贵港": "450800", "玉林": "450900", "百色": "451000",
    "贺州": "451100", "河池": "451200", "来宾": "451300", "崇左": "451400",
}
COUNTY_TOWNS_25 = ("博白 北流 桂平 平南 岑溪 灵山 合浦 宾阳 横县 容县 陆川 宜州 平果 靖西 鹿寨 藤县 "
                   "全州 融安 武鸣 扶绥 钟山 荔浦 武宣 东兴 凭祥").split()
BORDER_8 = "东兴 凭祥 防城 宁明 龙州 大新 靖西 那坡".split()


@pytest.fixture(scope="module")
def gaz():
    return default_gazetteer()


def item_blocks():
    """{numeral: [lines]} for every numbered item of the bundled plan (text and fields)."""
    text = resources.files("fengong.data").joinpath(DOC).read_text(encoding="utf-8")
    blocks, item = {}, None
    for line in text.splitlines():
        m = ITEM_RE.match(line)
        if m:
            item = m.group(1)
            blocks[item] = []
        elif SECTION_RE.match(line):
            item = None
        if item and line.strip():
            blocks[item].append(line)
    return blocks


def task_text(item):
    """Item text plus its 预期成果 field: the lines a parser links places from."""
    return "\n".join(l for l in item_blocks()[item] if not re.match(r"^\s*(牵头|参加)单位", l))


def mentioned(gaz, text):
    return {p.key for p, _, _ in gaz.find(text)}


# --- the registry file ---------------------------------------------------------

def test_csv_columns_and_encoding():
    raw = resources.files("fengong.data").joinpath("places.csv").read_bytes()
    rows = list(csv.reader(raw.decode("utf-8").splitlines()))
    assert rows[0] == ["key", "name_zh", "short_zh", "name_en", "type", "division_code", "parent", "aliases"]
    assert all(len(r) == 8 for r in rows)


def test_registry_is_consistent(gaz):
    keys = [p.key for p in gaz]
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", k) for k in keys)
    codes = [p.division_code for p in gaz if p.division_code]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"\d{6}", c) for c in codes)
    for place in gaz:
        assert place.type in PLACE_TYPES
        assert place.name_en and place.name_zh and place.short_zh
        if place.key != "cn":
            assert place.parent in gaz
            assert gaz.ancestors(place)[-1].key == "cn"
        if place.division_code and place.type != "province":
            parent = gaz.get(place.parent)
            # A division's code starts with its parent's code prefix.
            assert place.division_code[:2] == parent.division_code[:2]


def test_provinces(gaz):
    provinces = [p for p in gaz if p.type == "province"]
    assert len(provinces) == 31
    assert all(p.parent == "cn" and p.division_code.endswith("0000") for p in provinces)
    assert gaz.get("gx").division_code == "450000"
    assert gaz.get("gd").division_code == "440000"
    assert gaz.lookup("北京市").type == "province"
    assert gaz.lookup("上海").division_code == "310000"
    assert gaz.get("cn").division_code is None


def test_guangxi_cities(gaz):
    cities = [p for p in gaz if p.parent == "gx"]
    assert len(cities) == 14
    assert {p.short_zh: p.division_code for p in cities} == CITY_CODES
    assert all(p.type == "prefecture" and p.name_zh == p.short_zh + "市" for p in cities)
    assert gaz.get("nanning").name_en == "Nanning"


def test_other_cities(gaz):
    assert gaz.lookup("广州市").division_code == "440100"
    assert gaz.lookup("越秀区").division_code == "440104"
    assert gaz.lookup("越秀区").parent == "guangzhou"
    assert gaz.lookup("深圳").division_code == "440300"


@pytest.mark.parametrize(
    "name, key, type_, code, parent",
    [
        ("武鸣", "wuming", "county", "450122", "nanning"),
        ("横县", "hengxian", "county", "450127", "nanning"),
        ("东兴", "dongxing", "county-level-city", "450681", "fangchenggang"),
        ("凭祥", "pingxiang-chongzuo", "county-level-city", "451481", "chongzuo"),
        ("防城", "fangcheng", "district", "450603", "fangchenggang"),
        ("靖西", "jingxi", "county", "451025", "baise"),
        ("宜州", "yizhou", "county-level-city", "451281", "hechi"),
        ("柳州鱼峰区", "yufeng", "district", "450203", "liuzhou"),
        ("五象新区", "wuxiang-new-area", "new-area", None, "nanning"),
        ("南宁五象新区", "wuxiang-new-area", "new-area", None, "nanning"),
    ],
)
def test_lookup(gaz, name, key, type_, code, parent):
    place = gaz.lookup(name)
    assert (place.key, place.type, place.division_code, place.parent) == (key, type_, code, parent)


def test_lookup_misses(gaz):
    assert gaz.lookup("横") is None
    assert gaz.lookup("自治区") is None
    assert gaz.lookup("防城港").key == "fangchenggang"


def test_english_names(gaz):
    assert gaz.get("wuming").name_en == "Wuming County"
    assert gaz.get("wuxiang-new-area").name_en == "Wuxiang New Area"
    assert gaz.get("yufeng").name_en == "Yufeng District"


def test_ancestors(gaz):
    assert [p.key for p in gaz.ancestors("yufeng")] == ["liuzhou", "gx", "cn"]
    assert [p.key for p in gaz.ancestors(gaz.lookup("东兴"))] == ["fangchenggang", "gx", "cn"]
    assert gaz.ancestors("cn") == []


def test_default_gazetteer_is_cached():
    assert default_gazetteer() is default_gazetteer()


def test_by_code(gaz):
    assert gaz.by_code("450100").key == "nanning"
    assert gaz.by_code("999999") is None


# --- find() on small texts -------------------------------------------------------

def test_find_offsets_and_order(gaz):
    text = "重点推进南宁五象新区、柳州柳东新区建设"
    found = gaz.find(text)
    assert [(p.key, text[s:e]) for p, s, e in found] == [
        ("wuxiang-new-area", "南宁五象新区"), ("liudong-new-area", "柳州柳东新区")]


def test_find_longest_match(gaz):
    assert [p.key for p, _, _ in gaz.find("防城港")] == ["fangchenggang"]
    assert [p.key for p, _, _ in gaz.find("防城、宁明")] == ["fangcheng", "ningming"]
    assert [p.key for p, _, _ in gaz.find("贵港市和柳州鱼峰区")] == ["guigang", "yufeng"]


def test_find_skips_agencies(gaz):
    assert gaz.find("南宁铁路局、南宁海关") == []
    assert gaz.find("国家开发银行广西分行,广西银监局") == []
    assert [p.key for p, _, _ in gaz.find("南宁海关和南宁市")] == ["nanning"]


def test_find_skips_false_friends(gaz):
    assert gaz.find("维护金融安全") == []
    assert gaz.find("扶持重大新兴产业") == []
    assert gaz.find("实施“宽带中国”战略") == []
    assert [p.key for p, _, _ in gaz.find("融安、大新")] == ["rongan", "daxin"]


def test_find_ignores_single_characters(gaz):
    assert gaz.find("横向") == []


# --- find() on the bundled plan --------------------------------------------------------

def test_item_25_names_all_county_towns(gaz):
    keys = mentioned(gaz, task_text("二十五"))
    assert keys == {gaz.lookup(n).key for n in COUNTY_TOWNS_25}
    assert len(keys) == 25
    assert all(gaz.get(k).type in ("county", "county-level-city") for k in keys)
    assert all(gaz.get(k).division_code for k in keys)


def test_item_63_names_eight_border_places(gaz):
    block = "\n".join(item_blocks()["六十三"])  # includes 参加单位:…南宁海关
    keys = mentioned(gaz, block)
    assert keys == {gaz.lookup(n).key for n in BORDER_8}
    assert "nanning" not in keys


def test_item_30_new_areas(gaz):
    found = gaz.find(task_text("三十"))
    keys = {p.key for p, _, _ in found}
    assert keys == {"wuxiang-new-area", "liudong-new-area", "lingui-new-area", "canghai-new-area"}
    assert {gaz.get(k).parent for k in keys} == {"nanning", "liuzhou", "guilin", "wuzhou"}
    assert len(found) == 8  # each area is named in the text and again in the field


def test_item_33_smart_city_pilots(gaz):
    keys = mentioned(gaz, task_text("三十三"))
    assert keys == {"nanning", "liuzhou", "guilin", "guigang", "yufeng"}


def test_item_24_names_all_cities(gaz):
    keys = mentioned(gaz, task_text("二十四"))
    assert keys == {gaz.lookup(n).key for n in CITY_CODES}


def test_item_61_other_provinces(gaz):
    assert mentioned(gaz, task_text("六十一")) == {"gd", "hi"}


def test_agency_lines_of_document_name_no_place(gaz):
    for lines in item_blocks().values():
        for line in lines:
            if re.match(r"^\s*(牵头|参加)单位", line):
                assert [p.key for p, _, _ in gaz.find(line)] == []


def test_no_overlapping_matches_anywhere(gaz):
    text = resources.files("fengong.data").joinpath(DOC).read_text(encoding="utf-8")
    found = gaz.find(text)
    assert len(found) > 80
    for (p1, s1, e1), (p2, s2, e2) in zip(found, found[1:]):
        assert e1 <= s2
    for place, start, end in found:
        assert text[start:end] in place.names


# --- loading other registries -------------------------------------------------------

HEADER = "key,name_zh,short_zh,name_en,type,division_code,parent,aliases\n"


def test_load_custom_file(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(HEADER + "cn,中华人民共和国,中国,China,country,,,\n"
                    "x,某某市,某某,Moumou,prefecture,,cn,某某地区|某市\n", encoding="utf-8")
    gaz = Gazetteer.load(path)
    assert gaz.lookup("某某地区") == Place("x", "某某市", "某某", "Moumou", "prefecture", None, "cn", ("某某地区", "某市"))
    assert len(gaz) == 2


@pytest.mark.parametrize(
    "rows, message",
    [
        ("a,甲市,甲地,A,prefecture,,missing,\n", "unknown parent"),
        ("a,甲市,甲地,A,town,,,\n", "unknown type"),
        ("a,甲市,甲地,A,prefecture,,,\nb,乙市,甲地,B,prefecture,,,\n", "used by both"),
        ("a,甲市,甲地,A,prefecture,,,\na,乙市,乙地,B,prefecture,,,\n", "duplicate place key"),
    ],
)
def test_load_rejects_bad_data(tmp_path, rows, message):
    path = tmp_path / "p.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        Gazetteer.load(path)


def test_load_rejects_wrong_columns(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("key,name\ncn,中国\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected columns"):
        Gazetteer.load(path)


def _find_by_trying_every_length(gaz, text):
    """find() as first written: at every position, every name length, longest first."""
    names = {n: p for p in gaz for n in p.names if len(n) >= 2}
    longest = max(map(len, names))
    found, i = [], 0
    while i < len(text):
        for length in range(min(longest, len(text) - i), 1, -1):
            place = names.get(text[i : i + length])
            if place is not None and not gaz._blocked(text, i, i + length):
                found.append((place, i, i + length))
                i += length
                break
        else:
            i += 1
    return found


def test_find_jumps_to_name_openers_without_missing_any(gaz):
    import random

    rnd = random.Random(5)
    names = [n for p in gaz for n in p.names]
    filler = "推进新型城镇化建设和金融安全重大新兴海关铁路局分行"
    for _ in range(300):
        text = "".join(rnd.choice(names) if rnd.random() < 0.4 else rnd.choice(filler) for _ in range(rnd.randint(0, 12)))
        assert gaz.find(text) == _find_by_trying_every_length(gaz, text)


def test_find_with_a_name_opening_with_a_pattern_character():
    gaz = Gazetteer([Place("x", "[甲]-乙市", "[甲]-乙", "X", "prefecture", None, None, ("^丙",))])
    assert [(s, e) for _, s, e in gaz.find("在[甲]-乙和^丙")] == [(1, 6), (7, 9)]
