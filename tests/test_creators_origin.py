"""Where creators come from is shown by render, and validate warns when only the profile gives them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from zenodeploy.cli import cli
from zenodeploy.manifest.profile import profile_path, save_profile

CFF = """cff-version: 1.2.0
message: Cite it.
title: Weather
authors:
  - family-names: Lovelace
    given-names: Ada
"""
HEAD = "version: 1\n"
ENTRY = "  - key: data\n    title: Weather data\n    resource_type: dataset\n    license: cc-by-4.0\n"
ENTRY += "    files: [data.csv]\n"
OWN = "    creators: [{family: Doe, given: Jane}]\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "data.csv").write_text("a\n1\n", "utf-8")
    (tmp_path / "CITATION.cff").write_text(CFF, "utf-8")
    save_profile({"creator": {"family": "Mine", "given": "Me", "type": "personal"}})
    return tmp_path


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        (HEAD + "depositions:\n" + ENTRY + OWN, "the manifest"),
        (HEAD + "defaults:\n  creators: [{family: Doe}]\ndepositions:\n" + ENTRY, "the manifest's defaults"),
        (HEAD + "depositions:\n" + ENTRY + "    creators: {from: CITATION.cff}\n", "CITATION.cff"),
        (HEAD + "depositions:\n" + ENTRY, "your profile {profile}"),
    ],
)
def test_render_names_the_origin_and_validate_warns_only_for_the_profile(
    project: Path, text: str, origin: str
) -> None:
    origin = origin.format(profile=profile_path())
    manifest = project / "zenodeploy.yaml"
    manifest.write_text(text, "utf-8")
    shown = CliRunner().invoke(cli, ["render", str(manifest)])
    assert shown.exit_code == 0, shown.output
    assert f"creators from {origin}" in shown.output.splitlines()
    as_json = CliRunner().invoke(cli, ["render", str(manifest), "--format", "json"])
    assert json.loads(as_json.stdout)[0]["creators_from"] == origin
    checked = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert checked.exit_code == 0, checked.output
    warned = f"depositions[0]: warning: the creators of 'data' come only from your profile {profile_path()}"
    assert (warned in checked.output) == origin.startswith("your profile"), checked.output
