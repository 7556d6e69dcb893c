"""Frozen values shared by every stage of the pipeline (load → resolve → observe → plan → apply)."""

from __future__ import annotations

import io
import os
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One validation result, pointing at a place in a user's file.

    ``path`` is a JSON path in the manifest such as ``depositions[0].creators[1].orcid``
    (empty for the document itself); ``line`` and ``column`` are 1-based.
    """

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: Severity = "error"

    def format(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        label = "" if self.severity == "error" else "warning: "
        return (
            f"{where}: {self.path}: {label}{self.message}" if self.path else f"{where}: {label}{self.message}"
        )


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A file as it will be stored remotely: its key, where its bytes come from, size and md5.

    ``packed_from`` lists the relative source paths inside an archive built by zenodeploy
    (empty for a plain file); ``sample`` names the sample the file belongs to, if any.
    """

    name: str
    source: Path | ZipMember
    size: int
    md5: str
    packed_from: tuple[str, ...] = ()
    sample: str | None = None


@dataclass(frozen=True, slots=True)
class ZipMember:
    """A file inside a zip archive (a lab notebook's ``.eln`` export), read in place.

    ``offset`` is its local header's position; ``method`` 0 (stored) or 8 (deflated);
    ``crc`` and ``archive_stamp`` (the archive's size and mtime_ns when it was indexed) make
    its identity for the checksum cache without reading it.
    """

    archive: Path
    member: str
    size: int
    crc: int
    offset: int
    method: int
    packed: int
    archive_stamp: tuple[int, int]

    def __str__(self) -> str:
        return f"{self.archive}!/{self.member}"

    def open(self) -> io.BufferedReader:
        """A stream of the member's bytes, decompressed while read; a wrong CRC is an ``OSError``."""
        raw = open(self.archive, "rb")  # noqa: PTH123, SIM115 - closed by the returned reader
        try:
            st = os.fstat(raw.fileno())
            if (st.st_size, st.st_mtime_ns) != self.archive_stamp:
                raise OSError(f"{self.archive} changed since it was read; run again")
            raw.seek(self.offset)
            header = raw.read(30)
            if len(header) != 30 or header[:4] != b"PK\x03\x04":
                raise OSError(f"{self.archive} has no zip entry where it should start")
            name_len, extra_len = struct.unpack("<HH", header[26:30])
            raw.seek(name_len + extra_len, io.SEEK_CUR)
        except BaseException:
            raw.close()
            raise
        return io.BufferedReader(_MemberReader(raw, self), buffer_size=1 << 16)


class _MemberReader(io.RawIOBase):
    """Raw reads of one stored or deflated member, checking its CRC-32 at the end."""

    def __init__(self, raw: IO[bytes], member: ZipMember) -> None:
        self._raw = raw
        self._member = member
        self._left = member.packed  # compressed bytes not yet read
        self._inflate = zlib.decompressobj(-15) if member.method == 8 else None
        self._pending = b""
        self._crc = 0
        self._out = 0

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        while not self._pending and (data := self._next()) is not None:
            self._pending = data
        count = min(len(view), len(self._pending))
        view[:count] = self._pending[:count]
        self._crc = zlib.crc32(self._pending[:count], self._crc)
        self._pending = self._pending[count:]
        self._out += count
        if count == 0 and len(view) and (self._out != self._member.size or self._crc != self._member.crc):
            raise OSError("its bytes do not match their CRC-32 or size: the zip is damaged")
        return count

    def _next(self) -> bytes | None:
        """The next piece of the member's bytes (at most 1 MiB), or None at its end."""
        inflate = self._inflate
        try:
            if inflate is not None and inflate.unconsumed_tail:
                return inflate.decompress(inflate.unconsumed_tail, 1 << 20)
            if self._left:
                chunk = self._raw.read(min(self._left, 1 << 18))
                if not chunk:
                    raise OSError("it ends early: the zip is truncated")
                self._left -= len(chunk)
                return chunk if inflate is None else inflate.decompress(chunk, 1 << 20)
            if inflate is not None and not inflate.eof:
                return inflate.flush() or None
        except zlib.error as exc:
            raise OSError(f"it cannot be decompressed ({exc}): the zip is damaged") from None
        return None


@dataclass(frozen=True, slots=True)
class Sample:
    """A sample folder with its sidecar metadata and its selected files."""

    name: str
    folder: Path
    metadata: Mapping[str, Any]
    files: tuple[LocalFile, ...] = ()


@dataclass(frozen=True, slots=True)
class Description:
    """A rendered description: the Markdown, the sanitised HTML Zenodo stores, and warnings."""

    markdown: str
    html: str
    warnings: tuple[Finding, ...] = ()


@dataclass(frozen=True, slots=True)
class DesiredDeposition:
    """What one manifest entry asks to exist remotely, fully resolved and offline.

    ``record`` is the metadata in the RDM request shape: ``{"metadata": ..., "access": ...,
    "custom_fields": ...}`` (no ids, no files); ``communities`` are slugs or ids.
    """

    key: str
    record: Mapping[str, Any]
    files: tuple[LocalFile, ...]
    samples: tuple[Sample, ...] = ()
    description: Description | None = None
    pin: str | None = None
    publish: bool = False
    on_published: Literal["new-version", "edit", "fail"] = "new-version"
    communities: tuple[str, ...] = ()
    source_path: str = ""
    # Record fields left as they are on the server (``keep_on_server``), by their labels
    # (``rights``, ``custom_fields.NAME``); ``keep_files``: the files too (never synced).
    kept: frozenset[str] = frozenset()
    keep_files: bool = False
