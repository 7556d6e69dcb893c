"""Deposition fields may be Jinja templates over vars, the allowed env and git (CI releases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zenodeploy.errors import ManifestError
from zenodeploy.manifest.load import load_manifest

MANIFEST = """version: 1
env: [RELEASE_VERSION]
vars: {project: Weather}
depositions:
  - key: data
    title: "{{ vars.project }} observations"
    version: "{{ env.RELEASE_VERSION }}"
    creators: [{family: Doe}]
"""


def write(tmp_path: Path, text: str = MANIFEST) -> Path:
    path = tmp_path / "zenodeploy.yaml"
    path.write_text(text)
    return path


def test_fields_render_from_vars_and_allowed_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELEASE_VERSION", "2.1.0")
    dep = load_manifest(write(tmp_path)).depositions[0]
    assert dep.data["version"] == "2.1.0"
    assert dep.data["title"] == "Weather observations"


def test_missing_env_variable_is_a_finding_on_the_fields_line(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as caught:
        load_manifest(write(tmp_path))
    finding = next(f for f in caught.value.findings if "RELEASE_VERSION" in f.message)
    assert (finding.line, finding.path) == (7, "depositions[0].version")


def test_a_variable_not_listed_under_env_is_not_visible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SECRET_THING", "x")
    text = MANIFEST.replace("env.RELEASE_VERSION", "env.SECRET_THING")
    with pytest.raises(ManifestError) as caught:
        load_manifest(write(tmp_path, text))
    assert any("SECRET_THING" in f.message and "env:" in f.message for f in caught.value.findings)
