"""Identifier schemes as InvenioRDM detects and normalises them (idutils-like, reduced to what we need).

Shared by the client (what we send and compare) and the emulator (what it stores), so both
agree with the server: DOI URLs become bare DOIs, arXiv ids gain `arXiv:`, ORCID/ROR URLs lose
their prefix.
"""

from __future__ import annotations

import re

_DOI = re.compile(r"^(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)
_ORCID = re.compile(r"^(?:https?://orcid\.org/)?(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$", re.IGNORECASE)
_ARXIV = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5}(?:v\d+)?)$", re.IGNORECASE)
_ROR = re.compile(r"^(?:https?://ror\.org/)?(0[a-z0-9]{6}\d{2})$", re.IGNORECASE)
_ISBN = re.compile(r"^(?:97[89][- ]?)?\d{1,5}[- ]?\d+[- ]?\d+[- ]?[\dX]$")
_HANDLE = re.compile(r"^(?:https?://hdl\.handle\.net/)?(\d[\d.]*/\S+)$")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
_PMID = re.compile(r"^(?:pmid:)?(\d{1,8})$", re.IGNORECASE)


def detect_scheme(identifier: str) -> str | None:
    """The first scheme InvenioRDM would detect for ``identifier`` (doi before url), or None."""
    value = identifier.strip()
    for scheme, pattern in (
        ("doi", _DOI),
        ("arxiv", _ARXIV),
        ("orcid", _ORCID),
        ("ror", _ROR),
        ("handle", _HANDLE),
        ("url", _URL),
        ("isbn", _ISBN),
        ("pmid", _PMID),
    ):
        if pattern.match(value):
            return scheme
    return None


def normalize(scheme: str, identifier: str) -> str:
    """The stored form: DOI URLs become bare DOIs, ORCID/ROR URLs bare ids, arXiv ids get ``arXiv:``."""
    value = identifier.strip()
    for name, pattern in (("doi", _DOI), ("orcid", _ORCID), ("ror", _ROR)):
        if scheme == name and (m := pattern.match(value)):
            return m.group(1)
    if scheme == "arxiv" and (m := _ARXIV.match(value)):
        return f"arXiv:{m.group(1)}"
    return value


def is_valid(scheme: str, identifier: str) -> bool:
    """Whether ``identifier`` is well-formed for ``scheme``; schemes we do not know are accepted."""
    pattern = {
        "doi": _DOI,
        "orcid": _ORCID,
        "arxiv": _ARXIV,
        "ror": _ROR,
        "url": _URL,
        "isbn": _ISBN,
        "handle": _HANDLE,
        "pmid": _PMID,
    }.get(scheme)
    if pattern is None:
        return bool(identifier.strip())
    if not pattern.match(identifier.strip()):
        return False
    return scheme != "orcid" or _orcid_checksum_ok(normalize("orcid", identifier))


def _orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 11,2 check digit, as ORCID defines it."""
    digits = orcid.replace("-", "")
    total = 0
    for ch in digits[:-1]:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    return digits[-1].upper() == ("X" if check == 10 else str(check))
