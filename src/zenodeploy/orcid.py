"""How an ORCID iD is written: sixteen digits in four groups of four joined by hyphens, the last
of which may be X (``0000-0002-1825-0097``), bare or after its ``https://orcid.org/`` address.

Only the written form lives here, for every stage that reads one (lab notebook exports, manifests,
CITATION.cff and .zenodo.json); whether the check digit is right is ``manifest.identifiers``'."""

from __future__ import annotations

import re

#: The bare iD (upper-case X); embed it in a larger pattern, or use :func:`has_form`.
FORM = r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]"
#: The address an iD may be written after (match it case-insensitively).
URL = r"https?://orcid\.org/"

_FORM = re.compile(FORM)
_URL = re.compile(f"^{URL}", re.IGNORECASE)
_EXAMPLE = "16 digits in four groups of four, the last may be X, e.g. 0000-0002-1825-0097"


def has_form(bare: str) -> bool:
    """Whether ``bare`` is written exactly as an ORCID iD, without an address."""
    return _FORM.fullmatch(bare) is not None


def shape_problem(value: str) -> str | None:
    """What is wrong with the form of ``value`` as an ORCID iD, bare or as its https://orcid.org/
    address (None when the form is right; the check digit is not looked at)."""
    bare = _URL.sub("", value.strip())
    if has_form(bare):
        return None
    if not re.fullmatch(r"[\dXx -]+", bare):
        return f"'{value}' is not an ORCID iD, which is {_EXAMPLE} (or its https://orcid.org/ URL)"
    digits = re.sub(r"[^\dXx]", "", bare)
    if len(digits) != 16:
        return f"'{value}' has {len(digits)} digits; an ORCID iD has {_EXAMPLE}"
    grouped = "-".join(digits[i : i + 4] for i in range(0, 16, 4)).upper()
    return f"'{value}' is not written as an ORCID iD; write it as {grouped}"
