"""A deposition key made from a title, as ``convert`` and ``import`` write it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

_LIMIT = 60


def key_from_title(title: str, taken: Collection[str] = ()) -> str:
    """Lower-case ASCII words of ``title`` joined by hyphens (``record`` when none is left), with
    ``-2``, ``-3``… added until it is not in ``taken``. A slug longer than ``_LIMIT`` characters
    ends at the last whole word that fits (a single longer word is cut at the limit)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-") or "record"
    if len(slug) > _LIMIT:
        cut = slug.rfind("-", 0, _LIMIT + 1)
        slug = slug[:cut] if cut > 0 else slug[:_LIMIT]
    key, n = slug, 1
    while key in taken:
        n += 1
        key = f"{slug}-{n}"
    return key
