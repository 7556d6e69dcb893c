"""The words of ``validate`` findings that suggest what to write instead."""

from __future__ import annotations

import pytest

from zenodeploy.manifest.checks import unknown_language


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
