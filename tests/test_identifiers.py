"""ORCID and ROR are checked without importing idutils; the copies must answer as idutils does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import idutils
import pytest

from zenodeploy.errors import ManifestError
from zenodeploy.manifest import identifiers
from zenodeploy.manifest.load import load_manifest

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


# ROR ids of real organisations, as ror.org lists them (Caltech, European Commission, NSF, NIH,
# ARC, DFG, SNSF, NWO, Wellcome Trust, UKRI, FCT, CERN).
REAL_RORS = [
    "05dxps055", "00k4n6c32", "021nxhr62", "01cwqze88", "05mmh0f86", "018mejw64",
    "00yjd3n13", "04jsz6e67", "029chgv08", "001aqnf71", "00snfqn58", "01ggx4157",
]  # fmt: skip


@pytest.mark.parametrize("ror", REAL_RORS)
def test_real_ror_ids_have_right_check_digits(ror: str) -> None:
    assert identifiers.ror_check_digits_ok(ror)
    assert identifiers.ror_check_digits_ok(f"https://ror.org/{ror.upper()}")


def test_every_single_character_typo_of_a_ror_id_is_caught() -> None:
    alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
    typos = 0
    for ror in REAL_RORS:
        for i in range(1, 9):
            for char in alphabet if i < 7 else "0123456789":
                if char != ror[i]:
                    typo = ror[:i] + char + ror[i + 1 :]
                    assert not identifiers.ror_check_digits_ok(typo), typo
                    typos += 1
    assert typos == len(REAL_RORS) * (6 * 31 + 2 * 9)


def test_a_mistyped_ror_id_is_an_error_at_its_line(tmp_path: Path) -> None:
    manifest = tmp_path / "zenodeploy.yaml"
    manifest.write_text(
        "version: 1\ndepositions:\n  - key: d\n    title: Typo\n    creators:\n"
        "      - family: Doe\n        affiliations: [{ror: 01ggx4157}, {ror: 01ggx4158}]\n"
        "      - {name: CERN, type: organizational, ror: 01ggx4157}\n"
    )
    with pytest.raises(ManifestError) as caught:
        load_manifest(manifest, profile={})
    [finding] = [f for f in caught.value.findings if f.severity == "error"]
    assert (finding.line, finding.path) == (7, "depositions[0].creators[0].affiliations[1].ror")
    assert "'01ggx4158' is not a ROR id: its last two digits are not the checksum" in finding.message
