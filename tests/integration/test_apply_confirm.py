"""apply asks before writing when a person is at the terminal; CI needs --yes for production."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from zenodeploy.cli import cli, remote
from zenodeploy.emulator import LOCAL_TOKEN, Emulator

WRITES = ("POST", "PUT", "DELETE", "PATCH")

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


def test_without_a_terminal_apply_changes_no_server_unless_told_yes(
    manifest: Path, monkeypatch: pytest.MonkeyPatch, emulator: Emulator
) -> None:
    monkeypatch.setattr(remote, "stdin_is_terminal", lambda: False)
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)
    args = ["apply", str(manifest), "--server", emulator.url, "--token-env", "ZENODO_TOKEN"]

    refused = CliRunner().invoke(cli, args, input="y\n")  # piped input is not a person

    assert refused.exit_code == 2
    assert f"this run would change {emulator.url} and there is no terminal to confirm it" in refused.stderr
    assert "Run it again with --yes" in refused.stderr
    assert not manifest.with_name("zenodeploy.yaml.lock").exists()
    assert sum(emulator.stats()["requests"].get(m, 0) for m in WRITES) == 0

    told = CliRunner().invoke(cli, [*args, "--yes"])
    assert told.exit_code == 0, told.output
    assert "✓ hello-zenodo: draft" in told.stdout


def test_without_a_terminal_the_local_emulator_needs_no_yes(
    manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote, "stdin_is_terminal", lambda: False)
    result = CliRunner().invoke(cli, ["apply", str(manifest), "--server", "local"])
    assert result.exit_code == 0, result.output
    assert "✓ hello-zenodo: draft" in result.stdout


def test_addresses_of_the_local_emulator_come_with_how_to_browse_them(manifest: Path) -> None:
    applied = CliRunner().invoke(cli, ["apply", str(manifest), "--server", "local", "--yes"])
    status = CliRunner().invoke(cli, ["status", str(manifest), "--server", "local"])
    for result in (applied, status):
        assert result.exit_code == 0, result.output
        assert "/uploads/" in result.stdout
        assert "run 'zenodeploy emulator --data .zenodeploy/local' in the manifest's folder" in result.stderr
