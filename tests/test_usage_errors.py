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
