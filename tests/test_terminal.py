"""Control characters in a document's text reach the reader's terminal as escapes, never raw:
ESC, BEL and the one-byte CSI (U+009B) would clear the screen or retitle the window."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from fengong.build import bundled_path
from fengong.cli import cli
from fengong.terminal import printable

#: What a terminal obeys: C0 but tab and line feed, DEL, C1.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The bundled plan with terminal controls in agency names and in a task's text."""
    text = bundled_path().read_text(encoding="utf-8")
    text = text.replace("牵头单位:公安厅", "牵头单位:公安厅、\x1b]0;PWNED\x07红局、\x9b31m蓝局", 1)
    text = text.replace("(三)", "(三)\x1b[2J", 1)
    path = tmp_path_factory.mktemp("hostile") / "hostile.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_printable_escapes_every_control_a_terminal_obeys():
    controls = "".join(map(chr, [*range(0x20), 0x7F, *range(0x80, 0xA0)]))
    assert RAW.search(printable(controls)) is None and "\n" in printable(controls) and "\t" in printable(controls)
    assert "\n" not in printable(controls, one_line=True) and "\t" not in printable(controls, one_line=True)
    assert printable("分工 (一) 牵头单位：公安厅\n") == "分工 (一) 牵头单位：公安厅\n"  # text itself is untouched


@pytest.mark.parametrize("args", [
    ["inspect", "{doc}"],
    ["build", "{doc}", "-o", "{out}"],  # the warnings about the unknown agencies
    ["analyze", "--graph", "{out}/plan.trig"],
    ["matrix", "--graph", "{out}/plan.trig", "--agency", "公安厅"],
    ["query", "-e", 'SELECT ?l WHERE { ?a fg:shortLabel ?l }', "--graph", "{out}/plan.trig"],
    ["viz", "--graph", "{out}/plan.trig", "--view", "agencies", "-o", "{out}/v.html"],
])
def test_no_command_prints_a_documents_controls_raw(hostile, tmp_path, args):
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(hostile), "-o", str(out), "-q"]).exit_code == 0
    result = runner.invoke(cli, [a.replace("{doc}", str(hostile)).replace("{out}", str(out)) for a in args])
    assert result.exit_code == 0, result.output
    printed = result.stdout + result.stderr
    assert RAW.search(printed) is None
    if args[0] in ("inspect", "build"):
        # shown, as escapes (the ";" splits the name in two)
        assert "'\\x1b]0'" in printed and "PWNED\\x07红局" in printed and "\\x9b31m蓝局" in printed


def test_data_formats_keep_the_text_as_it_is(hostile, tmp_path):
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(hostile), "-o", str(out), "-q"]).exit_code == 0
    csv = runner.invoke(cli, ["query", "-e", 'SELECT ?l WHERE { ?a fg:shortLabel ?l }', "--graph", f"{out}/plan.trig", "-f", "csv"])
    assert "\x9b31m蓝局" in csv.stdout  # CSV is data: what the document said


def test_an_error_naming_a_file_prints_its_controls_escaped(tmp_path):
    missing = tmp_path / "no\x1b[2Jsuch.txt"
    result = CliRunner().invoke(cli, ["inspect", str(missing)])
    assert result.exit_code == 2 and RAW.search(result.stderr) is None and "no\\x1b[2Jsuch.txt" in result.stderr
