"""A deposition's licence, in either spelling ('license' or 'licenses'), replaces the one of the
defaults and of the profile, in either spelling: the two are one field."""

from __future__ import annotations

from pathlib import Path

import pytest

from zenodeploy.manifest.load import load_manifest

MANIFEST = """\
version: 1
defaults:
  creators: [{{family: Doe, given: Jane}}]
{defaults}depositions:
  - key: one
    title: A record
    resource_type: dataset
{own}"""


@pytest.mark.parametrize(
    ("profile", "defaults", "own", "expected"),
    [
        (
            {"license": "mit"},
            "",
            "    licenses: [cc-by-4.0, cc0-1.0]\n",
            {"licenses": ["cc-by-4.0", "cc0-1.0"]},
        ),
        ({}, "  license: mit\n", "    licenses: [cc-by-4.0]\n", {"licenses": ["cc-by-4.0"]}),
        ({}, "  licenses: [mit, cc0-1.0]\n", "    license: cc-by-4.0\n", {"license": "cc-by-4.0"}),
        ({"license": "mit"}, "  licenses: [cc0-1.0]\n", "", {"licenses": ["cc0-1.0"]}),
        (
            {"license": "mit"},
            "  licenses: [cc0-1.0]\n",
            "    license: apache-2.0\n",
            {"license": "apache-2.0"},
        ),
        ({"license": "mit"}, "", "", {"license": "mit"}),
    ],
)
def test_a_deposition_licence_replaces_the_default_in_either_spelling(
    tmp_path: Path, profile: dict[str, str], defaults: str, own: str, expected: dict[str, object]
) -> None:
    path = tmp_path / "zenodeploy.yaml"
    path.write_text(MANIFEST.format(defaults=defaults, own=own), "utf-8")
    manifest = load_manifest(path, profile=profile)
    meta = manifest.depositions[0].data
    assert {k: meta[k] for k in ("license", "licenses") if k in meta} == expected
    assert not [w for w in manifest.warnings if "licen" in w.message]
