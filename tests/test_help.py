"""Every command's --help shows an example; shell completion offers commands, options and keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from zenodeploy.cli import cli


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


ALL = [(), *_commands(cli)]


def test_the_group_has_the_commands_users_expect() -> None:
    names = {path[-1] for path in ALL if path}
    assert {"init", "login", "logout", "validate", "render", "plan", "apply", "schema"} <= names


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "zenodeploy")
def test_every_help_shows_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    example = result.output.split("Example:", 1)
    assert len(example) == 2, f"zenodeploy {' '.join(path)} --help has no 'Example:' block"
    first = example[1].strip().splitlines()[0]
    assert first.startswith("zenodeploy " if path else "zenodeploy"), first
    if path:
        assert path[-1] in first or "zenodeploy" in first


def _complete(words: str, env: dict[str, str] | None = None) -> list[str]:
    parts = words.split(" ")
    environ = {
        "_ZENODEPLOY_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(parts) - 1),
    }
    result = CliRunner().invoke(cli, [], prog_name="zenodeploy", env={**environ, **(env or {})})
    assert result.exit_code == 0, result.output
    return [line.split(",", 1)[1] for line in result.output.splitlines() if line]


def test_completion_of_commands_and_options() -> None:
    assert {"init", "login", "validate"} <= set(_complete("zenodeploy "))
    assert "--token-stdin" in _complete("zenodeploy login --")


def test_completion_of_only_lists_the_manifests_keys_offline(repo_root: Path, tmp_path: Path) -> None:
    bulk = repo_root / "examples" / "bulk-studies" / "zenodeploy.yaml"
    assert _complete(f"zenodeploy render {bulk} --only ") == [
        "study-river-2023",
        "study-soil-2021",
        "study-soil-2022",
    ]
    assert _complete(f"zenodeploy plan {bulk} --only study-s") == ["study-soil-2021", "study-soil-2022"]
    broken = tmp_path / "zenodeploy.yaml"
    broken.write_text("version: [\n", "utf-8")
    assert _complete(f"zenodeploy render {broken} --only ") == []
    assert _complete(f"zenodeploy render {tmp_path / 'missing.yaml'} --only ") == []
