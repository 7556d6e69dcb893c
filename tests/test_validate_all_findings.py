"""A manifest the schema rejects still gets every other check, and no check trips on a shape the
schema rejected (each deposition field given values of every wrong kind)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from zenodeploy.manifest.schema import schema
from zenodeploy.reconcile.resolve import check

SHAPES: list[Any] = [1, True, None, "", [None], {"a": 1}, {"from": 1}, [{"a": 1}], [[1]]]
FIELDS = sorted(set(schema()["$defs"]["deposition"]["properties"]) - {"key"})


@pytest.mark.parametrize("field", FIELDS)
def test_wrong_shapes_never_crash_nor_hide_the_orcid_error(tmp_path: Path, field: str) -> None:
    path = tmp_path / "zenodeploy.yaml"
    for shape in SHAPES:
        deposition = {"key": "k", "title": "A title", "keyword": 1}
        deposition["contributors" if field == "creators" else "creators"] = [
            {"family": "Doe", "orcid": "0000-0002-1825-0098", "role": "other"}
        ]
        deposition[field] = shape
        path.write_text(yaml.safe_dump({"version": 1, "depositions": [deposition]}), "utf-8")
        findings, count = check(path, check_files=False)
        shown = [f.format() for f in findings]
        assert count == 0
        assert any(f.path == "depositions[0].keyword" for f in findings), shown
        assert any(f.path.endswith("[0].orcid") and "check digit" in f.message for f in findings), shown
        assert len(shown) == len(set(shown)), shown


def test_a_templated_deposition_is_not_checked_before_rendering(tmp_path: Path) -> None:
    """Its values are not final: '{{ vars.licence }}' is no unknown licence."""
    path = tmp_path / "zenodeploy.yaml"
    path.write_text(
        "version: 1\nvars: {licence: cc-by-4.0}\ndepositions:\n"
        "  - key: k\n    title: A title\n    license: '{{ vars.licence }}'\n    keyword: 1\n",
        "utf-8",
    )
    findings, _ = check(path, check_files=False)
    assert [f.path for f in findings] == ["depositions[0].keyword"]
