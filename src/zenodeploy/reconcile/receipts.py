"""Write receipts: convergence on servers that store a field differently from what was sent.

Instances configure their own HTML allow-lists, vocabularies and text fix-ups, and the client
cannot predict them all. After each metadata save, the lock keeps, for every managed field the
server stored differently, a fingerprint of what was sent and of what was stored. Next run, such
a field is unchanged while the manifest still produces what was sent and the server still holds
what it stored then: an unpredicted rewrite costs one write, never one per run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from zenodeploy.manifest.metadata import comparable

Receipt = tuple[str, str, str]  # (field, fingerprint sent, fingerprint stored)


def fingerprint(value: Any) -> str:
    """A short stable digest of a field's normal form (no content of the field is kept)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def fields(
    record: Mapping[str, Any], managed: Mapping[str, Any], kept: Collection[str] = ()
) -> Iterator[tuple[str, Any]]:
    """``(label, normal value)`` of every field the manifest manages, ``record`` projected onto
    ``managed``; fields ``kept`` on the server are left out."""
    for section, values in comparable(record, managed, kept).items():
        for name, value in values.items():
            yield (name if section == "metadata" else f"{section}.{name}"), value


def receipts(sent: Mapping[str, Any], stored: Mapping[str, Any]) -> tuple[Receipt, ...]:
    """The receipts of one save: ``sent`` the body we sent, ``stored`` the document the server answered."""
    ours = dict(fields(sent, sent))
    return tuple(
        (label, fingerprint(ours[label]), fingerprint(value))
        for label, value in fields(stored, sent)
        if value != ours[label]
    )


def settled(label: str, mine: Any, theirs: Any, kept: tuple[Receipt, ...]) -> bool:
    """Whether a field that differs is one the server rewrote on the last save, unchanged since."""
    wanted = (label, fingerprint(mine), fingerprint(theirs))
    return wanted in kept
