"""The words of ``validate`` findings that suggest what to write instead."""

from __future__ import annotations

import pytest

from zenodeploy.manifest.checks import check_vocab, unknown_language


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("english", "did you mean 'eng' (English)?"),
        ("GERMAN", "did you mean 'deu' (German)?"),
        ("Englsh", "did you mean 'eng' (English)?"),
        ("en-US", "did you mean 'eng' (English)?"),
        ("pt_BR", "did you mean 'por' (Portuguese)?"),
        ("xx", "use an ISO 639-3 code such as eng"),
        ("New Zealand English", "use an ISO 639-3 code such as eng"),
    ],
)
def test_a_language_name_or_locale_gets_its_code(written: str, hint: str) -> None:
    assert unknown_language(written).startswith(f"unknown language code '{written}'; {hint}")


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("cc-by-4", "cc-by-4.0"),
        ("CC BY 4.0", "cc-by-4.0"),
        ("mit license", "mit"),
        ("MIT-License-2", "mit"),  # was 'unlicense'
        ("apache 2", "apache-2.0"),
        ("gpl3", "gpl-3.0-only"),  # was 'ngpl'
        ("GNU GPLv3+", "gpl-3.0-or-later"),
        ("the ISC licence", "isc"),
        ("unlicensed", "unlicense"),
        ("BSD", None),  # was '0bsd', another licence: better no guess
        ("mpl", None),  # was 'smppl'
        ("foo", None),
    ],
)
def test_a_licence_suggestion_is_the_licence_meant_or_none(written: str, meant: str | None) -> None:
    (problem,) = check_vocab("licenses", written, "license", ("license",))
    hint = f"; did you mean '{meant}'?" if meant else ""
    assert problem == (("license",), f"unknown license '{written}'{hint}")
