"""Every broken manifest under tests/data/manifests/invalid/ produces the finding its last line expects."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zenodeploy.reconcile.resolve import check

INVALID = sorted((Path(__file__).parent / "data/manifests/invalid").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+):(\d+) (\S+): (.+)$", re.M)


def test_there_are_at_least_thirty_cases() -> None:
    assert len(INVALID) >= 30


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_manifest_reports_expected_finding(path: Path) -> None:
    match = EXPECT.search(path.read_text("utf-8"))
    assert match, f"{path.name} has no '# expect:' line"
    line, column, json_path, fragment = int(match[1]), int(match[2]), match[3], match[4]
    findings, count = check(path, check_files=False)
    errors = [f for f in findings if f.severity == "error"]
    assert count == 0 and errors, f"{path.name} was accepted"
    assert any(
        f.file == str(path)
        and (f.line, f.column) == (line, column)
        and f.path == ("" if json_path == "-" else json_path)
        and fragment in f.message
        for f in errors
    ), "\n".join(f.format() for f in errors)
