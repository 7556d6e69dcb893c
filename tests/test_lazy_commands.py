"""Commands load only what they use: ``--help`` imports no command's module, and its table of
short helps says what the commands themselves say."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from zenodeploy.cli import cli
from zenodeploy.cli.common import COMMANDS

WIDTHS = (50, 80, 200)
# Prints --help at each width and the zenodeploy.cli modules imported, in a fresh interpreter.
HELP_IN_A_FRESH_PROCESS = f"""
import json, sys
from click.testing import CliRunner
from zenodeploy.cli import cli
helps = [CliRunner().invoke(cli, ["--help"], terminal_width=w).output for w in {WIDTHS!r}]
print(json.dumps([helps, sorted(m for m in sys.modules if m.startswith("zenodeploy.cli."))]))
"""


def _fresh(code: str, cwd: Path | None = None) -> str:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=cwd
    ).stdout


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_tables_short_help_is_the_commands_own(name: str) -> None:
    module, short = COMMANDS[name]
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.name == name
    assert command.callback is not None and command.callback.__module__ == f"zenodeploy.cli.{module}"
    assert command.get_short_help_str(10**6) == short
    for limit in range(3, 130):  # shortened for --help exactly as Click shortens the docstring
        assert click.Command(name, help=short).get_short_help_str(limit) == command.get_short_help_str(
            limit
        ), limit


def test_every_command_is_in_the_table() -> None:
    assert set(cli.commands) == set(COMMANDS)
    assert cli.list_commands(click.Context(cli)) == sorted(COMMANDS)


def test_help_lists_every_command_without_importing_one() -> None:
    helps, imported = json.loads(_fresh(HELP_IN_A_FRESH_PROCESS))
    assert imported == ["zenodeploy.cli.common", "zenodeploy.cli.lazy"]
    assert set(cli.commands) == set(COMMANDS)  # every module imported here: Click's own listing
    for width, lazy in zip(WIDTHS, helps, strict=True):
        formatter = click.HelpFormatter(width=width, max_width=100)
        click.Group.format_commands(cli, click.Context(cli), formatter)
        assert formatter.getvalue() in lazy
        assert lazy == CliRunner().invoke(cli, ["--help"], terminal_width=width).output
        for name in COMMANDS:
            assert f"\n  {name} " in lazy


def test_an_unknown_command_still_suggests_the_near_one() -> None:
    result = CliRunner().invoke(cli, ["valdate"])
    assert result.exit_code == 2
    assert "No such command 'valdate'" in result.output and "validate" in result.output


VALIDATE_IN_A_FRESH_PROCESS = """
import json, sys
from zenodeploy.cli import main
sys.argv = ["zenodeploy", "validate", "zenodeploy.yaml"]
try:
    main()
except SystemExit as exit:
    print(json.dumps([exit.code, sorted(sys.modules)]))
"""


def test_validate_imports_neither_other_commands_nor_what_it_does_not_use(repo_root: Path) -> None:
    output = _fresh(VALIDATE_IN_A_FRESH_PROCESS, cwd=repo_root / "examples" / "minimal").splitlines()
    assert output[0] == "✓ zenodeploy.yaml: 1 deposition valid"
    code, imported = json.loads(output[-1])
    assert code == 0
    for unused in (
        "zenodeploy.cli.remote",
        "zenodeploy.cli.emulator",
        "zenodeploy.cli.importing",
        "zenodeploy.cli.setup",
        "zenodeploy.emulator",
        "zenodeploy.zenodo.client",
        "zenodeploy.content.eln",
        "ftfy",
        "bleach",
        "jinja2",
        "zenodeploy.describe.context",
        "zenodeploy.manifest.sources",
        "markdown_it",
        "requests",
    ):
        assert unused not in imported, unused
    assert "zenodeploy.cli.local" in imported
