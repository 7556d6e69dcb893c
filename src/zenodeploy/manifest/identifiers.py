"""Identifier schemes detected, checked and normalised with idutils, the library InvenioRDM runs.

The server detects a missing scheme as the first scheme idutils finds that the field allows,
checks it with ``idutils.is_<scheme>`` and stores ``idutils.normalize_pid`` of the value
(marshmallow-utils: ``marshmallow_utils/schemas/identifier.py``). Doing the same here means
what we send is what the server stores, and a value it would refuse is refused offline.

idutils is imported on first use: its import compiles RFC 3987 expressions (~0.3 s), which
most manifests never need. ORCID and ROR, in nearly every manifest, are checked and normalised
by ``_PERSON`` without it: the ISNI/ORCID check digit (ISO 7064 MOD 11-2) written here, with
the facts idutils 1.7.0 applies (its ORCID number ranges and ROR pattern, ``utils.py``; the
URL prefixes it strips, ``validators.py``). tests/test_identifiers.py compares both with idutils.
"""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

# invenio-rdm-records: config.py RDM_RECORDS_IDENTIFIERS_SCHEMES (related identifiers).
RELATED_SCHEMES = frozenset(
    {
        "ark", "arxiv", "ads", "crossreffunderid", "cstr", "doi", "ean13", "eissn", "grid", "handle",
        "igsn", "isbn", "isni", "issn", "istc", "lissn", "lsid", "pmid", "purl", "rrid", "upc",
        "url", "urn", "w3id", "wikidata", "other",
    }
)  # fmt: skip
# invenio-rdm-records: config.py RDM_RECORDS_PERSONORG_SCHEMES (creators, contributors).
PERSON_SCHEMES = frozenset({"orcid", "isni", "gnd", "ror"})

# Schemes the server accepts without a format check (no idutils test behind them).
_UNCHECKED = frozenset({"crossreffunderid", "grid", "igsn", "upc", "w3id", "other"})
_TESTS: dict[str, str] = {"eissn": "issn", "lissn": "issn"}


@functools.cache
def _idutils() -> ModuleType:
    return importlib.import_module("idutils")


_ORCID_URLS = ("http://orcid.org/", "https://orcid.org/")
_ORCID_ISNI_RANGES = ((15_000_000, 35_000_000), (900_000_000_000, 900_100_000_000))
_ROR = re.compile(r"(?:https?://)?(?:ror\.org/)?(0\w{6}\d{2})$", flags=re.IGNORECASE)


def _bare_orcid(value: str) -> str:
    for url in _ORCID_URLS:
        if value.startswith(url):
            value = value[len(url) :]
            break
    return value.replace("-", "").replace(" ", "")


def _is_isni(value: str) -> bool:
    """16 characters: 15 decimal digits and a MOD 11-2 check character (a digit, or X for ten)."""
    chars = value.replace("-", "").replace(" ", "").upper()
    if len(chars) != 16 or not chars[:15].isdecimal() or not (chars[15].isdecimal() or chars[15] == "X"):
        return False
    total = 0
    for char in chars[:15]:
        total = (total + int(char)) * 2
    return (12 - total % 11) % 11 == (10 if chars[15] == "X" else int(chars[15]))


def _is_orcid(value: str) -> bool:
    bare = _bare_orcid(value)
    return _is_isni(bare) and any(low <= int(bare[:-1], 10) <= high for low, high in _ORCID_ISNI_RANGES)


def _normalize_orcid(value: str) -> str:
    bare = _bare_orcid(value)
    return "-".join([bare[0:4], bare[4:8], bare[8:12], bare[12:16]])


def _normalize_ror(value: str) -> str:
    match = _ROR.match(value)
    if match is None:
        raise ValueError(value)  # idutils fails here too (None.group)
    return match.group(1)


_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"  # base32 without i, l, o, u


def ror_matches(value: str) -> bool:
    """Whether ``value`` has the form of a ROR id (bare or its https://ror.org/ address)."""
    return _ROR.match(value.strip()) is not None


def ror_check_digits_ok(value: str) -> bool:
    """Whether a ROR id's last two digits are the checksum of the six characters before them.

    ROR ids are '0', six Crockford base32 characters and a two-digit ISO 7064 MOD 97-10
    checksum of their number (ror.org, "ROR identifier pattern"). The server's idutils checks
    only the pattern; a mistyped id then fails on Zenodo, where no such organisation exists.
    """
    match = _ROR.match(value.strip())
    if match is None:
        return False
    body = match.group(1).lower()
    number = 0
    for char in body[1:7]:
        if char not in _CROCKFORD:
            return False
        number = number * 32 + _CROCKFORD.index(char)
    return 98 - (number * 100) % 97 == int(body[7:9])


_PERSON: dict[str, tuple[Callable[[str], object], Callable[[str], str]]] = {
    "orcid": (_is_orcid, _normalize_orcid),
    "ror": (_ROR.match, _normalize_ror),
}


def detect_scheme(identifier: str, allowed: frozenset[str] = RELATED_SCHEMES) -> str | None:
    """The scheme the server would give ``identifier``: idutils' first detected one that is allowed."""
    found = _idutils().detect_identifier_schemes(identifier.strip())
    return next((s for s in found if s in allowed), None)


def normalize(scheme: str, identifier: str) -> str:
    """The form the server stores: ``10.1/x`` for a DOI URL, ``arXiv:2101.00001``, a bare ORCID/ROR…"""
    value = identifier.strip()
    try:
        if scheme in _PERSON:
            return _PERSON[scheme][1](value) if value else value
        return str(_idutils().normalize_pid(value, scheme))
    except Exception:  # idutils raises on values it cannot parse; the server then keeps them as sent
        return value


def is_valid(scheme: str, identifier: str) -> bool:
    """Whether the server's check for ``scheme`` accepts ``identifier`` (unknown schemes: non-empty)."""
    value = identifier.strip()
    if scheme in _UNCHECKED:
        return bool(value)
    known: Any = _PERSON.get(scheme, (None,))[0]
    test: Callable[[str], object] | None = known or getattr(
        _idutils(), f"is_{_TESTS.get(scheme, scheme)}", None
    )
    if test is None:
        return bool(value)
    try:
        return bool(test(value))
    except Exception:
        return False
