"""apply asks before writing when a person is at the terminal; CI needs --yes for production."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from zenodeploy.cli import cli, remote

MINIMAL = Path(__file__).resolve().parents[2] / "examples" / "minimal"


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    shutil.copytree(MINIMAL, tmp_path / "project")
    return tmp_path / "project" / "zenodeploy.yaml"


def test_declining_the_prompt_changes_nothing(manifest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remote, "stdin_is_terminal", lambda: True)
    result = CliRunner().invoke(cli, ["apply", str(manifest), "--server", "local"], input="n\n")
    assert result.exit_code == 1
    assert "Apply these changes? [y/N]" in result.output
    assert "error: apply cancelled; nothing was changed." in result.stderr
    assert not manifest.with_name("zenodeploy.yaml.lock").exists()


def test_accepting_the_prompt_applies(manifest: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(remote, "stdin_is_terminal", lambda: True)
    result = CliRunner().invoke(cli, ["apply", str(manifest), "--server", "local"], input="y\n")
    assert result.exit_code == 0, result.output
    assert "✓ hello-zenodo: draft" in result.stdout


def test_publishing_to_production_without_a_terminal_needs_yes(
    manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zenodeploy.reconcile import run as reconcile

    monkeypatch.setattr(remote, "stdin_is_terminal", lambda: False)
    monkeypatch.setattr(reconcile, "publishes_to_production", lambda session, plans: True)
    result = CliRunner().invoke(cli, ["apply", str(manifest), "--server", "local", "--publish"])
    assert result.exit_code == 2
    assert "publishes to zenodo.org (permanent DOIs); confirm with --yes" in result.stderr
    assert not manifest.with_name("zenodeploy.yaml.lock").exists()
