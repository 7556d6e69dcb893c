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


BULK = Path(__file__).resolve().parent.parent / "examples" / "bulk-studies"
ALL_STUDIES = "(for_each items studies/river-2023, studies/soil-2021, studies/soil-2022)"


@pytest.mark.parametrize(
    ("good", "typo", "field"),
    [
        ("{{ item.name }}", "{{ item.nme }}", "depositions[0].key"),
        ("{{ item.path }}/data", "{{ item.pth }}/data", "depositions[0].files[0].path"),
        ("{{ item.meta.summary }}", "{{ item.meta.sumary }}", "depositions[0].description"),
    ],
)
def test_a_template_error_in_for_each_is_one_finding_naming_the_folders(
    tmp_path: Path, good: str, typo: str, field: str
) -> None:
    import shutil

    from zenodeploy.reconcile.resolve import check

    shutil.copytree(BULK, tmp_path, dirs_exist_ok=True)
    manifest = tmp_path / "zenodeploy.yaml"
    manifest.write_text(manifest.read_text("utf-8").replace(good, typo), "utf-8")
    findings, _ = check(manifest)
    assert [f.path for f in findings] == [field]
    assert findings[0].message.endswith(ALL_STUDIES)
    assert "has no attribute" in findings[0].message
