"""``--shard I/N``: a deterministic split of depositions by key, for parallel CI jobs.

A key belongs to shard ``sha256(key) mod N + 1``. The hash is stable across processes,
machines and Python versions (unlike ``hash()``, which is salted per process), so every job
of a matrix computes the same split and each key lands in exactly one job. Adding or removing
a deposition never moves another key between shards of the same N.
"""

from __future__ import annotations

import glob
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from zenodeploy.errors import UsageError

_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True, slots=True)
class Shard:
    """Shard ``index`` (1-based) of ``count``; always ``1 <= index <= count``."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 1 <= self.index <= self.count:
            raise UsageError(
                f"--shard {self.index}/{self.count} is out of range; use I/N with 1 <= I <= N, e.g. --shard 1/4."
            )

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"2/4"`` → ``Shard(2, 4)``; anything else raises ``UsageError`` (exit 2)."""
        match = _SPEC.match(text)
        if match is None:
            raise UsageError(f"--shard expects I/N, e.g. --shard 1/4, not '{text}'.")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns(self, key: str) -> bool:
        return shard_of(key, self.count) == self.index

    def select(self, keys: Iterable[str]) -> tuple[str, ...]:
        """The keys of this shard, in their original order."""
        return tuple(key for key in keys if self.owns(key))

    def fragment(self, manifest: Path) -> Path:
        """This shard's lock fragment beside the manifest: ``<manifest>.lock.shard-I-of-N``."""
        return manifest.with_name(f"{manifest.name}.lock.shard-{self.index}-of-{self.count}")


def shard_of(key: str, count: int) -> int:
    """The 1-based shard of ``key`` among ``count`` shards."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def fragments(manifest: Path) -> list[Path]:
    """Every lock fragment beside ``manifest`` (``<manifest>.lock.shard-*``), sorted by name."""
    found = manifest.parent.glob(f"{glob.escape(manifest.name)}.lock.shard-*")
    return sorted(p for p in found if not p.name.endswith(".journal"))  # a crashed shard's journal
