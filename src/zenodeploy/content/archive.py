"""Deterministic zip archives: the same members give byte-identical files on any machine.

Why each choice:

- Entries are sorted by name, with no folder entries, a fixed timestamp
  (1980-01-01 00:00, the earliest a zip can hold), fixed permissions (0644, Unix),
  no extra fields and no comment, so nothing of the local clock, umask or file system
  reaches the bytes. (Zip64 extra fields appear only where sizes or offsets pass
  4 GiB; they depend on the sizes alone, so they are deterministic too. Checked by
  hand with a 4.5 GB member: ``unzip -l`` lists it, version needed 4.5.)
- Members are STORED, not deflated. Deflate output is not specified by the format,
  only its decoding: zlib versions, zlib-ng (the default "zlib" of several
  distributions) and vendor-patched builds emit different bytes for the same input
  and level. An archive that differed between a laptop and a CI runner would look
  changed and be uploaded again, which is exactly what determinism is for; spectra
  and tables are also often already compressed. The cost is size, not correctness.
- An archive is named by a digest of its member list (names, sizes, md5s), so one
  whose inputs are unchanged is found and not rebuilt. It is written to a temporary
  file and renamed into place, so a crash never leaves a half archive under that name.
- Member bytes are streamed in chunks and their md5 checked against the expected one
  while copying, so a file that changed after it was hashed cannot be packed under
  the old digest.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from zenodeploy.errors import FilesError
from zenodeploy.model import ZipMember

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # regular file, rw-r--r--
FORMAT = "zenodeploy-zip-1"  # bump when the byte layout changes, to rebuild cached archives
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Member:
    """One file inside an archive: its name there, where its bytes are, and their size and md5."""

    name: str
    source: Path | ZipMember
    size: int
    md5: str


def archive_key(members: Sequence[Member]) -> str:
    """A digest of the member list; equal keys mean byte-identical archives."""
    listing = [[m.name, m.size, m.md5] for m in sorted(members, key=lambda m: m.name)]
    text = json.dumps([FORMAT, listing], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def build_archive(members: Sequence[Member], build_dir: Path) -> Path:
    """Return ``build_dir/<key>.zip`` holding ``members``, building it only if it is not there yet."""
    names = [m.name for m in members]
    if len(set(names)) != len(names):
        duplicate = sorted(n for n in set(names) if names.count(n) > 1)[0]
        raise FilesError(f"Two files would be stored as `{duplicate}` in one archive; rename one of them.")
    target = build_dir / f"{archive_key(members)}.zip"
    if target.is_file():
        return target
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=".building-", suffix=".zip", dir=build_dir)
    except OSError as exc:
        raise FilesError(
            f"The archive folder {build_dir} is not writable ({exc.strerror}); "
            "set ZENODEPLOY_CACHE_DIR to a writable folder."
        ) from exc
    try:
        with os.fdopen(fd, "w+b") as stream:
            _write(stream, sorted(members, key=lambda m: m.name.encode("utf-8")))
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def _write(stream: IO[bytes], members: Sequence[Member]) -> None:
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for member in members:
            info = zipfile.ZipInfo(member.name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # Unix, whatever the building machine is
            info.external_attr = FILE_MODE << 16
            info.file_size = member.size
            with archive.open(info, "w") as target:
                _copy(member, target)


def _copy(member: Member, target: IO[bytes]) -> None:
    digest = hashlib.md5(usedforsecurity=False)
    buffer = bytearray(_CHUNK)
    view = memoryview(buffer)
    size = 0
    try:
        source = member.source
        opened = source.open() if isinstance(source, ZipMember) else open(source, "rb", buffering=0)  # noqa: PTH123, SIM115 - tests count calls to this `open`
        with opened as stream:
            while count := stream.readinto(buffer):
                digest.update(view[:count])
                target.write(view[:count])
                size += count
    except OSError as exc:
        raise FilesError(f"{member.source} cannot be read ({exc.strerror}); check its permissions.") from exc
    if size != member.size or digest.hexdigest() != member.md5:
        raise FilesError(f"{member.source} changed while it was being packed; run again once it is written.")
