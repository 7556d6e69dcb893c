"""``zenodeploy import``: existing records written into the manifest, and their lock entries.

Each record becomes a deposition entry in the manifest's terms (``from_record``). Before it is
written, the entry is turned back into the record JSON the way ``plan`` does it (defaults
merged, description rendered, ``to_rdm``) and compared field by field with the server's record:
a field that would not come back the same is left to the server (``keep_on_server``) and named
in the report, so that ``plan`` right after the import has nothing to change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from zenodeploy.errors import ConfigError
from zenodeploy.manifest import append, from_record
from zenodeploy.manifest.keys import key_from_title
from zenodeploy.manifest.load import deep_merge
from zenodeploy.manifest.profile import load_profile, profile_defaults
from zenodeploy.reconcile import import_check, import_download, import_fetch
from zenodeploy.reconcile.lock import Lock, LockEntry, lock_path
from zenodeploy.reconcile.observe import Remote
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.refs import record_id

_SERVER_LINE = re.compile(r"^(sandbox|zenodo|local|https://[^\s/]+(/\S*)?)$")


@dataclass(frozen=True, slots=True)
class Imported:
    key: str
    record_id: str
    doi: str | None
    title: str
    kept: tuple[str, ...]  # fields left as the server has them, by their record names
    files: int


@dataclass(slots=True)
class ImportReport:
    manifest: Path
    lock: Path
    imported: list[Imported] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    requests: int = 0


def manifest_server(manifest: Path) -> str:
    """The server an existing manifest names (sandbox when it names none, or does not exist yet)."""
    data = _plain(manifest.read_text("utf-8"), manifest) if manifest.exists() else {}
    return str(data.get("server") or "sandbox")


def manifest_keys(manifest: Path) -> set[str]:
    """The deposition keys an existing manifest spells out."""
    data = _plain(manifest.read_text("utf-8"), manifest)
    return {str(d.get("key")) for d in data.get("depositions") or [] if isinstance(d, dict)}


def references(refs: Sequence[str], client: ZenodoClient) -> list[str]:
    """Record ids from ids, DOIs and addresses (``UsageError`` naming the first that is none)."""
    return [record_id(ref, client.base_url) for ref in refs]


def import_records(
    client: ZenodoClient,
    manifest: Path,
    server: str,
    found: import_fetch.Found,
    *,
    download: Path | None = None,
) -> ImportReport:
    """Write ``found``'s records into ``manifest`` (created if missing) and their lock entries."""
    text = manifest.read_text("utf-8") if manifest.exists() else None
    data = _plain(text, manifest)
    if text is not None:
        append.refuse_inline(text, str(manifest))
    lock = Lock.load(lock_path(manifest))
    report = ImportReport(manifest, lock.path, skipped=list(found.skipped))
    taken = {str(d.get("key")) for d in data.get("depositions") or [] if isinstance(d, Mapping)}
    known = {e.record_id: k for k, e in lock.entries(server).items()}
    known |= {e.parent_id: k for k, e in lock.entries(server).items() if e.parent_id}
    blocks: list[str] = []
    entries: list[tuple[str, LockEntry]] = []
    defaults = deep_merge(profile_defaults(load_profile()), data.get("defaults") or {})
    for remote in sorted(found.remotes, key=lambda r: (len(r.record_id), r.record_id)):
        already = known.get(remote.record_id) or known.get(remote.parent_id or "")
        if already is not None:
            report.skipped.append((remote.record_id, f"already in the lock file as '{already}'"))
            continue
        key = key_from_title(remote.doc.title or f"record-{remote.record_id}", taken)
        taken.add(key)
        known[remote.record_id] = key  # named twice (an id and --mine): imported once
        entry, kept, comments = _entry(remote, key, defaults, manifest, client, download)
        blocks.append(append.entry_text(entry, comments))
        entries.append((key, remote.lock_entry()))
        report.imported.append(
            Imported(key, remote.record_id, remote.doi, remote.doc.title, kept, len(remote.files))
        )
    if blocks:
        if text is None:
            line = (
                f"server: {server}"
                if _SERVER_LINE.match(server)
                else f"# server: {server}  (given with --server)"
            )
            manifest.write_text(append.new_manifest(blocks, line), "utf-8")
        else:
            manifest.write_text(append.append(text, blocks), "utf-8")
    for key, lock_entry in entries:  # after the manifest: a lock entry always has its entry
        lock.set(server, key, lock_entry)
    lock.compact()
    return report


def _entry(
    remote: Remote,
    key: str,
    defaults: Mapping[str, Any],
    manifest: Path,
    client: ZenodoClient,
    download: Path | None,
) -> tuple[dict[str, Any], tuple[str, ...], list[str]]:
    doc = remote.doc
    body = from_record.entry_for(doc.json)
    kept = import_check.settle(doc.json, body, defaults, manifest.parent)
    communities = sorted({slug for _, slug in doc.communities if slug})
    entry: dict[str, Any] = {"key": key, **body}
    if communities:
        entry["communities"] = communities
    names = sorted(remote.files)
    comments: list[str] = []
    selection = None
    unsafe = import_download.unsafe_name(names)
    folder = (download or Path()) / key
    if download is not None and names and unsafe is None:
        import_download.download(client, remote, manifest.parent / folder)
        selection = import_download.files_entry(remote.files, folder.as_posix(), manifest)
    if selection is not None:
        entry["files"] = selection
    else:
        kept.add("files")
        if download is not None and names:
            why = (
                f"'{unsafe}' is no plain relative path"
                if unsafe
                else "no files: pattern selects exactly them"
            )
            comments.append(f"not managed from {folder.as_posix()}: {why}")
        comments += [f"files on the server (kept there): {len(names)}"] + [
            f"  {name}  md5:{remote.files[name].md5}  {remote.files[name].size} bytes" for name in names
        ]
    if kept:
        entry["keep_on_server"] = sorted(kept)
    # An open edit is left for you to publish or discard: publish: true would publish it.
    entry["publish"] = remote.state == "published"
    if remote.state == "edit-pending":
        comments.insert(0, "an edit of this record is open on the server (read from the edit, not published)")
    left = (kept - {"files"}) | set(from_record.unmapped(doc.json))
    return entry, tuple(sorted(left)), comments


def _plain(text: str | None, manifest: Path) -> dict[str, Any]:
    if text is None:
        return {}
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(
            f"{manifest} is not valid YAML ({exc}); correct it before importing into it."
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"{manifest} is not a manifest (a mapping with depositions:); name another file.")
    return data
