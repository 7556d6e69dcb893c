"""The written form of an ORCID iD has one owner, ``zenodeploy.orcid``, read by lab notebook
exports, manifest checks and the CITATION.cff/.zenodo.json clean-up alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from zenodeploy import orcid
from zenodeploy.manifest import people

SRC = Path(__file__).resolve().parents[1] / "src" / "zenodeploy"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0000-0002-1825-0097", True),
        ("0000-0002-1694-233X", True),
        ("0000-0002-1694-233x", False),
        ("https://orcid.org/0000-0002-1825-0097", False),
        ("0000 0002 1825 0097", False),
        ("0000-0002-1825-00971", False),
    ],
)
def test_has_form_is_the_bare_id_with_an_upper_case_x(text: str, expected: bool) -> None:
    assert orcid.has_form(text) is expected


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0000-0002-1825-0098", None),  # the form is right; the check digit is not looked at here
        ("HTTPS://ORCID.org/0000-0002-1825-0097", None),
        (
            "orcid.org/0000-0002-1825-0097",
            "'orcid.org/0000-0002-1825-0097' is not an ORCID iD, which is 16 digits in four groups of "
            "four, the last may be X, e.g. 0000-0002-1825-0097 (or its https://orcid.org/ URL)",
        ),
        (
            "0000-0002-1825",
            "'0000-0002-1825' has 12 digits; an ORCID iD has 16 digits in four groups of four, "
            "the last may be X, e.g. 0000-0002-1825-0097",
        ),
        (
            "0000 0002 1694 233x",
            "'0000 0002 1694 233x' is not written as an ORCID iD; write it as 0000-0002-1694-233X",
        ),
    ],
)
def test_shape_problem_names_what_is_wrong_with_the_form(value: str, problem: str | None) -> None:
    assert orcid.shape_problem(value) == problem


def test_people_tell_a_wrong_check_digit_from_a_wrong_form() -> None:
    assert people.orcid("0000-0002-1825-0098")[1] == (
        "ORCID '0000-0002-1825-0098' has a wrong check digit; copy the iD from orcid.org"
    )
    assert people.orcid("0000-0002-1825-009")[1] == (
        "'0000-0002-1825-009' is not an ORCID iD (0000-0000-0000-0000 form); correct it or remove it"
    )


def test_the_form_is_written_in_one_module() -> None:
    form = orcid.FORM
    writers = sorted(str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if form in p.read_text("utf-8"))
    assert writers == ["orcid.py"]
