"""``import --download``: a record's files fetched into a folder, and the ``files:`` entry that
selects exactly them.

The entry is checked the way ``plan`` reads it (``resolve_deposition``): its file names and md5s
must be the server's, or ``plan`` would upload, replace or delete files. ``**`` leaves hidden
files out, so ``**/.*`` is added when the record has some; names in hidden folders (or with
glob characters) are listed one by one. When no entry gives back the record, the files stay on
the server (``keep_on_server: [files]``).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterable, Mapping
from functools import partial
from pathlib import Path
from typing import IO, Any

from zenodeploy.content.files import resolve_deposition
from zenodeploy.content.globs import has_magic
from zenodeploy.errors import ConfigError, FilesError
from zenodeploy.reconcile.observe import Remote
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.records import RemoteFile


def unsafe_name(names: Iterable[str]) -> str | None:
    """The first name that is no plain relative path (``..``, empty or ``.`` segments, ``\\``), if any."""
    for name in names:
        if "\\" in name or "\0" in name or any(part in ("", ".", "..") for part in name.split("/")):
            return name
    return None


def download(client: ZenodoClient, remote: Remote, folder: Path) -> None:
    """Every file of ``remote`` into ``folder`` (names checked by ``unsafe_name`` first), each
    streamed to a temporary file beside its target, checked against the server's md5, then renamed."""
    record = remote.published or remote.doc
    root = folder.resolve()
    for name, info in sorted(remote.files.items()):
        target = folder / name
        if not target.resolve().is_relative_to(root):
            raise ConfigError(
                f"{target} leads out of {folder} (a symbolic link); remove it and run the import again."
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then renamed
            dir=target.parent, prefix=".zenodeploy-", suffix=".part", delete=False
        )
        try:
            with handle:
                md5 = client.record_file_content(record.id, name, partial(_write, handle))
            if md5 != info.md5:
                raise ConfigError(
                    f"{name} of record {record.id} arrived with another md5 than the server lists; run the import again."
                )
            Path(handle.name).replace(target)
        finally:
            Path(handle.name).unlink(missing_ok=True)


def _write(handle: IO[bytes], chunks: Iterable[bytes]) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    for chunk in chunks:
        digest.update(chunk)
        handle.write(chunk)
    return digest.hexdigest()


def files_entry(files: Mapping[str, RemoteFile], folder: str, manifest: Path) -> list[dict[str, Any]] | None:
    """The ``files:`` list selecting exactly ``files`` in ``folder`` (relative to ``manifest``'s
    folder), or None when none does (the files then stay on the server)."""
    want = {name: info.md5 for name, info in files.items()}
    for candidate in _candidates(sorted(want), folder):
        if _selects(candidate, manifest) == want:
            return candidate
    return None


def _candidates(names: list[str], folder: str) -> list[list[dict[str, Any]]]:
    out = [[{"path": "**", "from": folder}]]
    if any(part.startswith(".") for name in names for part in name.split("/")):
        out.append([*out[0], {"path": "**/.*", "from": folder}])
        if not any(has_magic(name) for name in names):
            out.append([{"path": name, "from": folder} for name in names])
    return out


def _selects(entry: list[dict[str, Any]], manifest: Path) -> dict[str, str] | None:
    try:
        resolved = resolve_deposition(
            {"files": entry},
            base_dir=manifest.parent,
            sample_sources={},
            where="import",
            max_files=None,
            manifest=manifest,
        )
    except FilesError:
        return None
    names = [f.name for f in resolved.files]
    return {f.name: f.md5 for f in resolved.files} if len(set(names)) == len(names) else None
