"""Reading documents: encodings (GBK, UTF-16, UTF-8 with BOM) and robustness.

The encoded fixtures in tests/fixtures were written for fengong's tests (each
says so in its first line). The property tests feed arbitrary text and the
Guangxi plan mangled (lines cut, shuffled, re-punctuated between full-width
and ASCII, random bytes) to the reader and the parser: they may refuse the
input, but only ever with a FengongError.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fengong import FengongError
from fengong.build import bundled_path
from fengong.parse import parse_file, parse_text
from fengong.read import decode, read_document

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_NOTE = "written for fengong's tests"


@pytest.mark.parametrize(
    "name, encoding, title_word",
    [
        ("guangzhou-mixed.gbk.txt", "gb18030", "广州市营商环境测试行动分工方案"),
        ("hunan-fieldlines.utf16.txt", "utf-16", "乡村测试振兴重点工作分工方案"),
        ("county-unknown-issuer.bom.txt", "utf-8-sig", "青松县测试工作任务清单"),
        ("state-council-inline.txt", "utf-8", "推进政务服务测试工作重点任务分工方案"),
    ],
)
def test_fixture_encodings(name, encoding, title_word):
    raw = (FIXTURES / name).read_bytes()
    text, found = read_document(FIXTURES / name)
    assert found == encoding
    assert FIXTURE_NOTE in text.splitlines()[0]
    assert not text.startswith("\ufeff") and "\r" not in text
    assert parse_file(str(FIXTURES / name)).title == title_word
    # the bytes really are in that encoding
    assert raw.decode(encoding).replace("\r\n", "\n") == text


def test_gbk_bytes_are_not_utf8():
    raw = (FIXTURES / "guangzhou-mixed.gbk.txt").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-16", "utf-8-sig", "utf-8"])
def test_the_plan_reads_the_same_in_every_encoding(encoding):
    text = bundled_path().read_text(encoding="utf-8")
    decoded, _ = decode(text.encode(encoding), "plan")
    assert decoded == text
    plan = parse_text(decoded, "plan", encoding)
    assert len(plan.items) == 66


def test_crlf_line_ends_keep_offsets():
    text = bundled_path().read_text(encoding="utf-8")
    decoded, _ = decode(text.replace("\n", "\r\n").encode("utf-8"), "crlf")
    plan = parse_text(decoded, "crlf")
    for item in plan.items:
        for a in item.assignments:
            assert decoded[a.span.char_start : a.span.char_end] == a.surface


@pytest.mark.parametrize("data, reason", [(b"", "empty file"), (b"\x00\x01\x02\x03" * 50, "not a text document")])
def test_bad_bytes_are_refused_with_a_reason(data, reason):
    with pytest.raises(FengongError, match=reason):
        decode(data, "x.txt")


# -- properties -------------------------------------------------------------------------------

PLAN_LINES = bundled_path().read_text(encoding="utf-8").split("\n")
_TO_ASCII = str.maketrans("（），：；、", "(),:;,")
_TO_FULL = str.maketrans("(),:;", "（），：；")


def mangle(seed: int, cut: int, keep: float, how: int) -> str:
    """A copy of the plan with lines dropped, cut, shuffled and re-punctuated."""
    rnd = random.Random(seed)
    lines = [l for l in PLAN_LINES if rnd.random() < keep]
    lines = [l[: rnd.randrange(len(l) + 1)] if rnd.random() < cut / 10 else l for l in lines]
    if how & 1:
        start = rnd.randrange(len(lines) + 1)
        block = lines[start : start + rnd.randrange(1, 40)]
        rnd.shuffle(block)
        lines[start : start + len(block)] = block
    text = "\n".join(lines)
    if how & 2:
        text = text.translate(_TO_ASCII)
    if how & 4:
        text = text.translate(_TO_FULL)
    return text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_decode_any_bytes(data):
    try:
        text, encoding = decode(data, "fuzz.txt")
    except FengongError:
        return
    assert isinstance(text, str) and encoding


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("（）()、，,：:；;。牵头单位配合负责一二三四五六十1234567890.各市县区人民政府厅局委办\n 年月底前列第位者为")), max_size=400))
def test_parse_any_text(text):
    try:
        plan = parse_text(text, "fuzz.txt")
    except FengongError:
        return
    for item in plan.items:
        for a in item.assignments:
            assert text[a.span.char_start : a.span.char_end] == a.surface


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10**6), st.integers(0, 10), st.floats(0.05, 1.0), st.integers(0, 7), st.binary(max_size=20))
def test_parse_mangled_plan(seed, cut, keep, how, noise):
    text = mangle(seed, cut, keep, how)
    data = text.encode("utf-8")
    at = random.Random(seed).randrange(len(data) + 1)
    data = data[:at] + noise + data[at:]
    try:
        decoded, encoding = decode(data, "mangled.txt")
        plan = parse_text(decoded, "mangled.txt", encoding)
    except FengongError:
        return
    for item in plan.items:
        for a in item.assignments:
            assert decoded[a.span.char_start : a.span.char_end] == a.surface


def test_iter_documents_skips_hidden_entries_and_repeats(tmp_path):
    from fengong.read import iter_documents

    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD.txt").write_text("ref", encoding="utf-8")
    (tmp_path / ".~lock.a.txt").write_text("lock", encoding="utf-8")
    (tmp_path / "a.txt").write_text("一", encoding="utf-8")
    (tmp_path / "b.md").write_text("二", encoding="utf-8")
    (tmp_path / "same.txt").symlink_to(tmp_path / "a.txt")
    found = iter_documents([str(tmp_path), str(tmp_path / "a.txt"), "-", "-"])
    assert found == [str(tmp_path / "a.txt"), str(tmp_path / "b.md"), "-"]
    # a hidden directory named on purpose is still read
    assert iter_documents([str(tmp_path / ".git")]) == [str(tmp_path / ".git" / "HEAD.txt")]


def test_a_subdirectory_that_cannot_be_read_is_an_error_not_skipped(tmp_path, monkeypatch):
    import os

    from fengong.read import iter_documents

    (tmp_path / "locked").mkdir()
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    (tmp_path / "locked" / "b.txt").write_text("x", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    assert iter_documents([str(tmp_path)]) == [str(tmp_path / "a.txt"), str(tmp_path / "locked" / "b.txt")]
    real = os.scandir

    def scandir(path="."):  # as for a directory of mode 000 when not root
        if str(path).endswith("locked") or str(path).endswith(".hidden"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(FengongError, match=r"locked: cannot read directory \(Permission denied\)$"):
        iter_documents([str(tmp_path)])
