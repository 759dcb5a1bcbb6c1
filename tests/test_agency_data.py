"""Data-quality checks for the agency registry (graph/data/agencies.csv, agency_terms.csv).

Reads the CSV files by path (no install needed) and checks them against the
牵头单位/参加单位 field lines of the Guangxi urbanization plan (桂政办发〔2014〕94号).
"""
import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "graph" / "data"
AGENCIES = DATA / "agencies.csv"
TERMS = DATA / "agency_terms.csv"
GUANGXI_DOC = DATA / "guangxi-urbanization-2014-94.txt"

HEADER = ["key", "jurisdiction", "kind", "level", "name_zh", "short_zh", "name_en", "aliases"]
JURISDICTIONS = {"gx", "cn"}
KINDS = {
    "department", "commission", "bureau", "office", "local-government",
    "local-government-collective", "department-collective", "central-branch",
    "state-enterprise", "leading-group", "public-institution", "other",
}
LEVELS = {"national", "provincial", "prefectural", "county"}
KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# The resolver strips these prefixes (longest first) and quotation marks before lookup.
PREFIXES = ("广西壮族自治区", "自治区", "广西")
QUOTES = "“”‘’\"'「」『』"

EXPECTED_NAMED = 52       # named agencies in the fields (水利局 merged into 水利厅)
EXPECTED_COLLECTIVE = 6   # 各市/各市县/各县/相关县/相关市县/相关市 governments


def normalize(name: str) -> str:
    s = name.strip()
    for q in QUOTES:
        s = s.replace(q, "")
    for p in PREFIXES:
        if s.startswith(p) and len(s) > len(p):
            s = s[len(p):]
            break
    return s.strip()


def load_rows(path: Path):
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [r for r in reader if r]
    return header, rows


@pytest.fixture(scope="module")
def agencies():
    header, rows = load_rows(AGENCIES)
    assert header == HEADER
    return [dict(zip(HEADER, r)) for r in rows]


def surface_forms(row):
    forms = [row["name_zh"], row["short_zh"]]
    forms += [a for a in row["aliases"].split("|") if a]
    return forms


def build_index(agencies, jurisdiction):
    index = defaultdict(set)
    for row in agencies:
        if row["jurisdiction"] != jurisdiction:
            continue
        for form in surface_forms(row):
            index[normalize(form)].add(row["key"])
    return index


def split_field(value: str):
    """Split a 牵头单位/参加单位 field value on 、 , ， ; outside parentheses.

    "各市、县(市、区)人民政府" and "相关市、县(市、区)..." are single collective actors,
    so a 、 between 市 and 县 that opens such a phrase is not a separator.
    """
    value = re.sub(r"(各|相关|有关)市、县", lambda m: m.group(1) + "市\0县", value)
    parts, buf, depth = [], "", 0
    for ch in value:
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        if depth == 0 and ch in "、,，;；":
            parts.append(buf)
            buf = ""
        else:
            buf += ch
    parts.append(buf)
    return [p.replace("\0", "、").strip() for p in parts if p.strip()]


def field_names():
    names = []
    text = GUANGXI_DOC.read_text(encoding="utf-8")
    for line in text.splitlines():
        m = re.match(r"^\s*(牵头单位|参加单位)\s*[:：](.*)$", line)
        if m:
            names.extend(split_field(m.group(2)))
    return names


def test_header_and_row_shape():
    header, rows = load_rows(AGENCIES)
    assert header == HEADER
    for r in rows:
        assert len(r) == len(HEADER), r
        row = dict(zip(HEADER, r))
        for col in ("key", "jurisdiction", "kind", "level", "name_zh", "short_zh", "name_en"):
            assert row[col].strip(), (col, r)
            assert row[col] == row[col].strip(), (col, r)
        for alias in row["aliases"].split("|"):
            assert alias == alias.strip(), r


def test_allowed_values(agencies):
    for row in agencies:
        assert row["jurisdiction"] in JURISDICTIONS, row
        assert row["kind"] in KINDS, row
        assert row["level"] in LEVELS, row
        assert KEY_RE.match(row["key"]), row["key"]
        assert row["name_en"].isascii(), row["name_en"]
        if row["jurisdiction"] == "cn":
            assert row["level"] == "national", row


def test_keys_unique_per_jurisdiction(agencies):
    seen = set()
    for row in agencies:
        k = (row["jurisdiction"], row["key"])
        assert k not in seen, k
        seen.add(k)


@pytest.mark.parametrize("jurisdiction", sorted(JURISDICTIONS))
def test_no_surface_form_maps_to_two_rows(agencies, jurisdiction):
    index = build_index(agencies, jurisdiction)
    clashes = {form: keys for form, keys in index.items() if len(keys) > 1}
    assert not clashes, clashes


def test_parenthesis_spellings_both_present(agencies):
    for row in agencies:
        aliases = set(row["aliases"].split("|"))
        for a in aliases:
            if "(" in a or "（" in a:
                ascii_form = a.replace("（", "(").replace("）", ")")
                full_form = a.replace("(", "（").replace(")", "）")
                assert {ascii_form, full_form} <= aliases | {row["name_zh"]}, (row["key"], a)


def test_required_rows(agencies):
    keys = {(r["jurisdiction"], r["key"]): r for r in agencies}
    assert keys[("gx", "gov-office")]["name_zh"] == "广西壮族自治区人民政府办公厅"
    assert keys[("gx", "gov-office")]["kind"] == "office"
    assert keys[("gx", "gov")]["kind"] == "local-government"
    assert keys[("gx", "drc")]["short_zh"] == "发展改革委"
    assert keys[("gx", "housing")]["short_zh"] == "住房城乡建设厅"
    assert keys[("gx", "cities-all")]["kind"] == "local-government-collective"
    gx = build_index(agencies, "gx")
    for prose in ("自治区新型城镇化领导小组办公室", "自治区新型城镇化领导小组", "自治区党委",
                  "广西壮族自治区人民政府办公厅", "广西壮族自治区人民政府", "自治区人民政府"):
        assert len(gx.get(normalize(prose), ())) == 1, prose
    assert gx[normalize("自治区新型城镇化领导小组")] == {"urbanization-group"}
    assert gx[normalize("自治区新型城镇化领导小组办公室")] == {"urbanization-office"}
    # 水利局 (item 四十二) is the 水利厅; the collectives are one actor each
    assert gx["水利局"] == gx["水利厅"] == {"water-resources"}
    assert gx["相关市、县(市、区)政府"] == gx["相关市县人民政府"] == {"cities-counties-relevant"}
    assert gx["各市、县（市、区）人民政府"] == gx["各市、县(市、区)人民政府"] == {"cities-counties-all"}
    cn = build_index(agencies, "cn")
    for short in ("发展改革委", "教育部", "科技部", "工业和信息化部", "公安部", "民政部", "司法部",
                  "财政部", "人力资源社会保障部", "自然资源部", "国土资源部", "生态环境部",
                  "环境保护部", "住房城乡建设部", "交通运输部", "水利部", "农业农村部", "农业部",
                  "商务部", "文化和旅游部", "卫生健康委", "国家卫生计生委", "应急管理部", "人民银行",
                  "审计署", "国资委", "海关总署", "税务总局", "市场监管总局", "银保监会", "证监会",
                  "统计局", "国家医保局", "国家林草局", "国家能源局", "国务院办公厅", "国务院"):
        assert len(cn.get(short, ())) == 1, short


def test_field_names_resolve_to_one_row_each(agencies):
    names = field_names()
    assert len(names) > 150  # sanity: the splitter found the field lines
    index = build_index(agencies, "gx")
    by_key = {r["key"]: r for r in agencies if r["jurisdiction"] == "gx"}
    unresolved = sorted({n for n in names if len(index.get(normalize(n), ())) != 1})
    assert not unresolved, unresolved
    matched = {next(iter(index[normalize(n)])) for n in names}
    collective = {k for k in matched if by_key[k]["kind"] == "local-government-collective"}
    named = matched - collective
    assert len(named) == EXPECTED_NAMED, sorted(named)
    assert len(collective) == EXPECTED_COLLECTIVE, sorted(collective)
    assert all(by_key[k]["level"] in {"prefectural", "county"} for k in collective)
    assert all(by_key[k]["level"] == "provincial" for k in named)


def test_terms_file():
    header, rows = load_rows(TERMS)
    assert header == ["suffix_zh", "name_en"]
    suffixes = [r[0] for r in rows]
    assert len(suffixes) == len(set(suffixes)), "duplicate suffix"
    assert len(rows) >= 80
    for r in rows:
        assert len(r) == 2 and r[0].strip() and r[1].strip(), r
        assert r[1].isascii(), r
    for generic in ("厅", "局", "委", "办"):
        assert generic in suffixes
    # the single-character generic endings come last
    assert set(suffixes[-4:]) == {"厅", "局", "委", "办"}
    assert "人民政府" in suffixes and "发展改革委" in suffixes
