"""docs/cli.md is generated from the CLI and must match it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent


def _script():
    spec = importlib.util.spec_from_file_location("cli_docs", ROOT / "scripts" / "cli_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_current():
    expected = _script().render()
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == expected, "docs/cli.md is out of date: run python scripts/cli_docs.py"


def test_reference_covers_every_command():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    from fengong.cli import COMMANDS

    for name in COMMANDS:
        assert f"## fengong {name}" in text


def test_reference_ignores_help_options_cached_by_earlier_invocations(monkeypatch):
    # Click keeps a command's help option built for the first context that asked; a command invoked on
    # its own (as doctests used to) gets --help alone, not the group's -h, --help. monkeypatch puts the
    # cached option back afterwards, so later tests see the command as it was.
    from fengong.commands.inspect import inspect_doc
    from fengong.commands.query import query

    for command in (inspect_doc, query):
        monkeypatch.setattr(command, "_help_option", None)
        CliRunner().invoke(command, ["--help"])
        assert command.get_help_option(click.Context(command)).opts == ["--help"]

    text = _script().render()
    assert text == (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    inspect_section = text.split("## fengong inspect\n", 1)[1].split("## fengong", 1)[0]
    assert "  -h, --help " in inspect_section
    # Rendering leaves the commands as they were.
    assert inspect_doc.get_help_option(click.Context(inspect_doc)).opts == ["--help"]
