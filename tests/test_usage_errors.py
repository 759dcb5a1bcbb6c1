"""A mistake on the command line is one line on stderr, exit 2, saying where the usage is:
not click's four lines of usage, hint, blank and error."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from fengong.cli import cli


@pytest.mark.parametrize("args, says", [
    (["--bogus"], "No such option '--bogus' (see fengong --help)"),
    (["frobnicate"], "No such command 'frobnicate' (see fengong --help)"),
    (["inspect", "{dir}"], "File '{dir}' is a directory (see fengong inspect --help)"),
    (["validate", "--shapes", "{dir}/nosuch.ttl"], "does not exist (see fengong validate --help)"),
    (["query", "plans", "--timeout", "-1"], "Invalid value for '--timeout'"),
    (["build", "-o", "{file}"], "is a file (see fengong build --help)"),
    (["analyze", "--store", "{file}"], "is a file (see fengong analyze --help)"),
    (["serve", "--port", "70000"], "Invalid value for '--port'"),
])
def test_a_usage_error_is_one_line(tmp_path, args, says):
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    fill = lambda a: a.replace("{dir}", str(tmp_path)).replace("{file}", str(tmp_path / "afile"))  # noqa: E731
    result = CliRunner().invoke(cli, [fill(a) for a in args], prog_name="fengong")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("fengong: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert fill(says) in result.stderr


@pytest.mark.parametrize("args, says", [
    (["build", "-o", ""], "--output: an empty name; give a directory"),
    (["build", "--store", ""], "--store: an empty name; give a directory"),
    (["viz", "-o", "{dir}/adir/"], "adir/: not a file name"),
    (["query", "plans", "-o", "{dir}/qdir/"], "qdir/: not a file name"),
    (["viz", "--view", "agency:公安厅", "extra"], "a second name 'extra' after it"),
    (["query", "deliverables-due-by", "-p", "year=99999999999999999999999"], "must be an integer from -9223372036854775808 to 9223372036854775807"),
])
def test_small_mistakes_are_refused_before_anything_is_written(tmp_path, args, says):
    result = CliRunner().invoke(cli, [a.replace("{dir}", str(tmp_path)) for a in args], prog_name="fengong")
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and says in result.stderr, result.stderr
    assert list(tmp_path.iterdir()) == []


def test_inspect_dash_o_dash_is_stdout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["inspect", "-o", "-"])
    assert result.exit_code == 0 and result.stdout.startswith("file: ") and not (tmp_path / "-").exists()


def test_fengong_alone_shows_its_help_not_an_error():
    result = CliRunner().invoke(cli, [], prog_name="fengong")
    text = result.stdout + result.stderr
    assert "Usage: fengong [OPTIONS] COMMAND" in text and "\nCommands:\n" in text and "error" not in text


@pytest.mark.parametrize("args, says", [
    (["analyze", "--graph", "{g}"], "{g}: no tasks to analyse (an empty graph, or not one fengong built)"),
    (["analyze", "--graph", "{g}", "--format", "json"], "{g}: no tasks to analyse"),
    (["viz", "--graph", "{g}", "-o", "{dir}/v.html"], "{g}: nothing to draw (no tasks or agencies in the graph)"),
    (["viz", "--graph", "{g}", "--view", "agencies", "-o", "{dir}/v.html"], "{g}: nothing to draw"),
])
@pytest.mark.parametrize("content", ["", '<http://ex/a> <http://ex/b> "c" .\n'])
def test_a_graph_with_no_tasks_is_an_error_not_an_empty_report(tmp_path, args, says, content):
    # A truncated file, or a graph fengong did not build: an empty ranking or page would hide it.
    graph = tmp_path / "g.nt"
    graph.write_text(content, encoding="utf-8")
    fill = lambda a: a.replace("{g}", str(graph)).replace("{dir}", str(tmp_path))  # noqa: E731
    result = CliRunner().invoke(cli, [fill(a) for a in args], prog_name="fengong")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(f"fengong: error: {fill(says)}") and result.stderr.count("\n") == 1
    assert not (tmp_path / "v.html").exists()
