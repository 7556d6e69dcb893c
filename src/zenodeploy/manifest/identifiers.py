"""Identifier schemes detected, checked and normalised with idutils, the library InvenioRDM runs.

The server detects a missing scheme as the first scheme idutils finds that the field allows,
checks it with ``idutils.is_<scheme>`` and stores ``idutils.normalize_pid`` of the value
(marshmallow-utils: ``marshmallow_utils/schemas/identifier.py``). Doing the same here means
what we send is what the server stores, and a value it would refuse is refused offline.
"""

from __future__ import annotations

from collections.abc import Callable

import idutils

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


def detect_scheme(identifier: str, allowed: frozenset[str] = RELATED_SCHEMES) -> str | None:
    """The scheme the server would give ``identifier``: idutils' first detected one that is allowed."""
    return next((s for s in idutils.detect_identifier_schemes(identifier.strip()) if s in allowed), None)


def normalize(scheme: str, identifier: str) -> str:
    """The form the server stores: ``10.1/x`` for a DOI URL, ``arXiv:2101.00001``, a bare ORCID/ROR…"""
    value = identifier.strip()
    try:
        return str(idutils.normalize_pid(value, scheme))
    except Exception:  # idutils raises on values it cannot parse; the server then keeps them as sent
        return value


def is_valid(scheme: str, identifier: str) -> bool:
    """Whether the server's check for ``scheme`` accepts ``identifier`` (unknown schemes: non-empty)."""
    value = identifier.strip()
    if scheme in _UNCHECKED:
        return bool(value)
    test: Callable[[str], object] | None = getattr(idutils, f"is_{_TESTS.get(scheme, scheme)}", None)
    if test is None:
        return bool(value)
    try:
        return bool(test(value))
    except Exception:
        return False
