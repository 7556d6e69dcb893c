"""ORCID and ROR are checked without importing idutils; the copies must answer as idutils does."""

from __future__ import annotations

import subprocess
import sys

import idutils
import pytest

from zenodeploy.manifest import identifiers

ORCIDS = [
    "0000-0002-1825-0097",
    "0000-0002-1825-0098",
    "0000-0002-1694-233X",
    "0000-0002-1694-233x",
    "https://orcid.org/0000-0002-1825-0097",
    "http://orcid.org/0000-0002-1825-0097",
    "orcid.org/0000-0002-1825-0097",
    "0000 0002 1825 0097",
    "000000021825009",
    "0000-0002-1825-00977",
    "9000-0000-0000-0000",
    "0000-0001-5000-0007",
    "0000-0000-0000-0000",
    "abcd-efgh-ijkl-mnop",
    "",
    "-",
    "https://orcid.org/",
    "0000-0002-1825-009X",
    "0000-0002-1694-233X",
    "0000-0002-1694-233x",
    "\uff10\uff10\uff10\uff10-0002-1825-0097",
    "0000-0002-1825-009\u00b2",
    "+000-0002-1825-0097",
]
RORS = [
    "03yrm5c26",
    "https://ror.org/03yrm5c26",
    "ror.org/03YRM5C26",
    "http://ror.org/03yrm5c26",
    "3yrm5c26",
    "x",
    "",
]


@pytest.mark.parametrize(("scheme", "value"), [("orcid", v) for v in ORCIDS] + [("ror", v) for v in RORS])
def test_person_identifiers_match_idutils(scheme: str, value: str) -> None:
    test = getattr(idutils, f"is_{scheme}")
    try:
        expected_valid = bool(test(value))
    except Exception:
        expected_valid = False
    try:
        expected_form = str(idutils.normalize_pid(value, scheme))
    except Exception:
        expected_form = value
    assert identifiers.is_valid(scheme, value) == (expected_valid if value else False)
    assert identifiers.normalize(scheme, value) == expected_form


def test_checking_an_orcid_does_not_import_idutils() -> None:
    code = (
        "import sys; from zenodeploy.manifest import identifiers as i; "
        "assert i.is_valid('orcid', '0000-0002-1825-0097'); assert i.normalize('ror', 'https://ror.org/03yrm5c26') == '03yrm5c26'; "
        "print('idutils' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
