"""A deposition key made from a title, as ``convert`` and ``import`` write it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection


def key_from_title(title: str, taken: Collection[str] = ()) -> str:
    """Lower-case ASCII words of ``title`` joined by hyphens (at most 60 characters; ``record``
    when none is left), with ``-2``, ``-3``… added until it is not in ``taken``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].rstrip("-") or "record"
    key, n = slug, 1
    while key in taken:
        n += 1
        key = f"{slug}-{n}"
    return key
