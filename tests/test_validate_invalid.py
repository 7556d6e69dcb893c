"""Every broken manifest under tests/data/manifests/invalid/ produces the findings its ``# expect:``
lines name and, where a ``# errors: N`` line says so, exactly that many errors (none twice)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zenodeploy.reconcile.resolve import check

INVALID = sorted((Path(__file__).parent / "data/manifests/invalid").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+):(\d+) (\S+): (.+)$", re.M)
COUNT = re.compile(r"^# errors: (\d+)$", re.M)


def test_there_are_at_least_thirty_cases() -> None:
    assert len(INVALID) >= 30


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_manifest_reports_expected_finding(path: Path) -> None:
    text = path.read_text("utf-8")
    expected = EXPECT.findall(text)
    assert expected, f"{path.name} has no '# expect:' line"
    findings, count = check(path, check_files=False)
    errors = [f for f in findings if f.severity == "error"]
    assert count == 0 and errors, f"{path.name} was accepted"
    shown = "\n".join(f.format() for f in errors)
    for line, column, json_path, fragment in expected:
        assert any(
            f.file == str(path)
            and (f.line, f.column) == (int(line), int(column))
            and f.path == ("" if json_path == "-" else json_path)
            and fragment in f.message
            for f in errors
        ), f"expected {line}:{column} {json_path}: {fragment}\n{shown}"
    if number := COUNT.search(text):
        assert len(errors) == int(number[1]), shown
