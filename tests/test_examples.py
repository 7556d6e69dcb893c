"""Every example manifest validates, files and templates included (as users first run them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from zenodeploy.cli import cli

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*/zenodeploy.yaml"))


def test_the_four_documented_examples_exist() -> None:
    assert {p.parent.name for p in EXAMPLES} >= {"minimal", "nmr-study", "bulk-studies", "ci-release"}


@pytest.mark.parametrize("manifest", EXAMPLES, ids=[p.parent.name for p in EXAMPLES])
def test_example_validates(manifest: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert result.exit_code == 0, result.output
    assert f"✓ {manifest}" in result.output
    assert manifest.read_text("utf-8").startswith("# yaml-language-server: $schema=")
