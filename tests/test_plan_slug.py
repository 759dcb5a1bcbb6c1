"""Plan IRI slugs: a function of the document number alone, distinct across provinces.

Provinces whose issuer abbreviations share pinyin initials (桂/贵, 京/晋/吉, 湘/新 …) get
codes of their own from ``fengong/data/plan_slugs.csv``; the slugs already published
(tests, docs, README) stay as they were.
"""

from __future__ import annotations

import csv
import itertools
from importlib import resources

import pytest

from fengong.build import build
from fengong.cli import cli
from fengong.parse import _issuer_codes, plan_slug
from fengong.places import default_gazetteer
from fengong.records import Plan
from fengong.vocab import ID


def slug(number: str | None, source: str = "x.txt") -> str:
    return plan_slug(Plan(title="", source=source, text="", encoding="utf-8", layout="", doc_number=number))


def test_guangxi_and_guizhou_numbers_get_different_stable_slugs():
    gx, gz = slug("桂政办发〔2014〕94号"), slug("贵政办发〔2014〕94号")
    assert gx == "gzbf-2014-94" and gz == "gui-zbf-2014-94"
    assert [slug("桂政办发〔2014〕94号") for _ in range(3)] == [gx] * 3
    assert [slug("贵政办发〔2014〕94号", source=f"other-{i}.txt") for i in range(3)] == [gz] * 3


@pytest.mark.parametrize("number, expected", [
    # every slug published in the tests, fixtures, docs and README
    ("桂政办发〔2014〕94号", "gzbf-2014-94"),
    ("桂发〔2014〕13号", "gf-2014-13"),
    ("国办发〔2019〕99号", "gbf-2019-99"),
    ("国办发〔2014〕2号", "gbf-2014-2"),
    ("穗府办〔2019〕88号", "sfb-2019-88"),
    ("湘政办发〔2018〕12号", "xzbf-2018-12"),
    ("深府办〔2020〕7号", "sfb-2020-7"),
    ("浙政办发〔2019〕3号", "zzbf-2019-3"),
    # issuers not in the list keep the initials; full-width and ASCII brackets read alike
    ("某发〔2019〕1号", "mf-2019-1"),
    ("桂政办发[2014]94号", "gzbf-2014-94"),
    ("桂政办发（2014）94号", "gzbf-2014-94"),
])
def test_published_slugs_are_unchanged(number, expected):
    assert slug(number) == expected


def test_file_name_slug_without_a_number():
    assert slug(None, source="dir/county-unknown-issuer-bom.txt") == "county-unknown-issuer-bom"
    assert slug("无年份的文号", source="dir/县方案.txt") == "xian-fang-an"


@pytest.mark.parametrize("numbers", [
    ("桂政办发", "贵政办发", "黔政办发"),
    ("京政办发", "晋政办发", "吉政办发", "津政办发", "冀政办发"),
    ("湘政办发", "新政办发"),
    ("浙政办发", "藏政办发"),
    ("苏政办发", "陕政办发"),
    ("国发", "桂发", "中发"),
    ("国办发", "桂办发", "中办发"),
])
def test_colliding_initials_are_told_apart(numbers):
    slugs = [slug(f"{n}〔2014〕94号") for n in numbers]
    assert len(set(slugs)) == len(slugs), dict(zip(numbers, slugs))


SHORT_NAMES = list("京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵黔云滇藏陕甘陇青宁新国") + ["内蒙古"]
SUFFIXES = ["发", "政发", "政办发", "办发", "政办", "政办函", "政函", "府发", "府办", "府办发", "府函", "办", "函", "政"]


def test_every_province_and_suffix_gets_its_own_slug():
    numbers = {f"{name}{suffix}" for name, suffix in itertools.product(SHORT_NAMES, SUFFIXES)}
    numbers |= {"中发", "中办发", "中办", "内政发", "内政办发"}
    slugs: dict[str, str] = {}
    for abbreviation in sorted(numbers):
        s = slug(f"{abbreviation}〔2020〕5号")
        assert s not in slugs, f"{abbreviation} and {slugs.get(s)} both make {s}"
        slugs[s] = abbreviation
    assert all(s.isascii() and s.endswith("-2020-5") for s in slugs)


def test_registry_data_is_sound():
    text = (resources.files("fengong.data") / "plan_slugs.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert rows and set(rows[0]) == {"abbreviation", "code", "jurisdiction"}
    assert len({r["abbreviation"] for r in rows}) == len(rows)
    gazetteer = default_gazetteer()
    for r in rows:
        assert r["jurisdiction"] in gazetteer, r
        assert r["code"] and r["code"].isascii() and r["code"] == r["code"].lower(), r
    # every one-character short name of the brief has a row
    assert set("京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵黔云滇藏陕甘陇青宁新国") <= set(_issuer_codes())
    assert _issuer_codes() is _issuer_codes()  # read once


DOC = """{issuer}关于印发测试工作分工方案的通知
{number}
各市、县人民政府，省直各部门：
一、加快发展
(一)推进城镇化。
牵头单位:{lead}
完成时间:2015年
"""


def _write_pair(tmp_path, first, second):
    a = tmp_path / "docs" / "a.txt"
    b = tmp_path / "docs" / "b.txt"
    a.parent.mkdir()
    a.write_text(DOC.format(issuer="广西壮族自治区人民政府办公厅", number=first, lead="自治区发展改革委"), encoding="utf-8")
    b.write_text(DOC.format(issuer="贵州省人民政府办公厅", number=second, lead="省发展改革委"), encoding="utf-8")
    return a, b


def test_build_of_guangxi_and_guizhou_numbers_gives_two_plan_graphs(tmp_path):
    a, b = _write_pair(tmp_path, "桂政办发〔2014〕94号", "贵政办发〔2014〕94号")
    result = build([str(a), str(b)], tmp_path / "out")
    rows = result.store.query(
        "SELECT ?g ?n WHERE { GRAPH ?g { ?g a fg:Plan ; fg:documentNumber ?n ; fg:sourceFile ?f } } ORDER BY ?g").rows
    assert [(r[0].value, r[1].value) for r in rows] == [
        (ID["plan"] + "gui-zbf-2014-94", "贵政办发〔2014〕94号"),
        (ID["plan"] + "gzbf-2014-94", "桂政办发〔2014〕94号"),
    ]


def test_two_numbers_sharing_a_slug_is_one_line_naming_both(runner, tmp_path):
    # invented issuers, not in the list: their initials coincide (jyf)
    a, b = _write_pair(tmp_path, "甲乙发〔2019〕1号", "假以发〔2019〕1号")
    result = runner.invoke(cli, ["build", "--no-views", "--quiet", str(a), str(b), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fengong: error: "), lines
    line = lines[0]
    for needed in (str(a), str(b), "甲乙发〔2019〕1号", "假以发〔2019〕1号", "jyf-2019-1", "plan_slugs.csv"):
        assert needed in line, needed
    assert "same document number" not in line
    assert not (tmp_path / "out").exists()


def test_one_number_twice_keeps_its_message(runner, tmp_path):
    a, b = _write_pair(tmp_path, "桂政办发〔2014〕94号", "桂政办发〔2014〕94号")
    result = runner.invoke(cli, ["build", "--no-views", "--quiet", str(a), str(b), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "same document number as" in lines[0] and "gzbf-2014-94" in lines[0]
    assert str(a) in lines[0] and str(b) in lines[0]
