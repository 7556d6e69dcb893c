"""What goes into one deposition: its selected files and samples, packed, with sizes and md5s.

``resolve_deposition`` is the whole offline file stage of the pipeline. It selects the
plain file entries (``selection``) and the samples (``samples``), packs sample files
as ``pack`` says (``none``: ``<sample>/<path>``; ``per-sample``: ``<sample>.zip``;
``single``: ``<key>-samples.zip`` with members under ``<sample>/``), checks the rules
Zenodo enforces (unique names, at most 100 files, no empty files) before anything is
hashed or uploaded, then computes md5s through the checksum cache and builds the
deterministic archives.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zenodeploy.content.archive import Member, build_archive
from zenodeploy.content.checksums import ChecksumCache, Digest, UnreadableFile, cache_dir
from zenodeploy.content.sample_folder import SampleFolder
from zenodeploy.content.samples import select_samples
from zenodeploy.content.selection import Planned, PlannedZip, Scope, select_entry
from zenodeploy.errors import FilesError
from zenodeploy.model import LocalFile, Sample, ZipMember

MAX_FILES = 100  # Zenodo's limit per record
# zenodo-rdm invenio.cfg: FILES_REST_DEFAULT_QUOTA_SIZE (a record's bucket) is 50 GB.
MAX_BYTES = 50 * 1000**3
PACK_MODES = ("none", "per-sample", "single")


@dataclass(frozen=True, slots=True)
class Resolved:
    """A deposition's files (sorted by remote name), its samples (sorted by name) and warnings.

    A warning starts with the entry it is about, relative to the deposition (``files[1]: …``,
    ``samples: …``).
    """

    files: tuple[LocalFile, ...]
    samples: tuple[Sample, ...]
    warnings: tuple[str, ...] = ()


def resolve_deposition(
    deposition: Mapping[str, Any],
    *,
    base_dir: Path,
    sample_sources: Mapping[str, Mapping[str, Any]],
    where: str,
    allow_outside: bool = False,
    cache: ChecksumCache | None = None,
    build_dir: Path | None = None,
    max_files: int | None = MAX_FILES,
    manifest: Path | None = None,
    defer: bool = False,
) -> Resolved:
    """Resolve one loaded deposition (a plain dict) against the manifest's folder ``base_dir``.

    ``where`` is the deposition's JSON path; every ``FilesError`` carries a path below it.
    ``allow_outside`` is the manifest-wide default, overridden by the deposition's own key.
    ``cache`` defaults to the user's checksum cache; archives go to ``build_dir``
    (default ``<cache dir>/archives``). ``max_files`` is the server's per-record limit
    (None: no limit). ``manifest``, its lock and the lock's journal and fragments never go in.
    ``defer`` leaves the md5 of a plain file the cache does not know empty (``""``): it is then
    computed while the file is sent, or on demand when the remote side has a same-sized file of
    that name. Archive members are always hashed (the archive is built from them).
    """
    base = base_dir.resolve()
    own = os.path.abspath(manifest) if manifest is not None else None  # noqa: PTH100 - lexical
    scope = Scope(base, bool(deposition.get("allow_outside", allow_outside)), own)
    plain: list[Planned] = []
    zips: list[PlannedZip] = []
    warnings: list[str] = []
    entries = deposition.get("files") or []
    if not isinstance(entries, Sequence) or isinstance(entries, str):
        raise FilesError("`files` must be a list of paths, globs or file entries.", path=f"{where}.files")
    for index, raw in enumerate(entries):
        files, archive, notes = select_entry(raw, index, base=base, scope=scope, where=where)
        plain.extend(files)
        zips.extend([archive] if archive else [])
        warnings.extend(notes)
    folders, notes = select_samples(
        deposition, base=base, scope=scope, sample_sources=sample_sources, where=where
    )
    warnings.extend(notes)
    sample_files, sample_zips = _pack(folders, deposition, where)
    plain.extend(sample_files)
    zips.extend(sample_zips)
    _check_names(plain, zips)
    _check_count(len(plain) + len(zips), max_files, deposition, where)
    in_archives = [m.source for z in zips for m in z.members]
    sources = [p.source for p in plain] + in_archives
    sources += [path for folder in folders for _, path in folder.files]
    _check_quota(sources, where)

    own_cache = cache is None
    checksums = ChecksumCache() if cache is None else cache
    try:
        try:
            if defer:
                digests = checksums.digests(sources, cached_only=True)
                digests.update(checksums.digests(in_archives))
            else:
                digests = checksums.digests(sources)
        except UnreadableFile as exc:  # point at the entry that selected the file, not at 1:1
            entries = {str(p.source): p.where for p in plain} | {
                str(m.source): m.where for z in zips for m in z.members
            }
            raise FilesError(str(exc), path=entries.get(exc.source, f"{where}.files")) from None
        _check_empty(plain, digests)
        archives = {
            z.remote: build_archive(_members(z, digests), build_dir or cache_dir() / "archives") for z in zips
        }
        digests.update(checksums.digests(archives.values(), immutable=True))
    finally:
        if own_cache:
            checksums.close()

    def digest(path: Path | ZipMember) -> Digest:
        return digests[path]

    result = [LocalFile(p.remote, p.source, *_sm(digest(p.source)), sample=p.sample) for p in plain]
    for z in zips:
        packed = tuple(m.remote for m in z.members)
        source = archives[z.remote]
        result.append(LocalFile(z.remote, source, *_sm(digest(source)), packed_from=packed, sample=z.sample))
    samples = tuple(
        Sample(
            f.name,
            f.folder,
            f.metadata,
            tuple(
                LocalFile(f"{f.name}/{rel}", path, *_sm(digest(path)), sample=f.name) for rel, path in f.files
            ),
        )
        for f in folders
    )
    return Resolved(tuple(sorted(result, key=lambda f: f.name)), samples, tuple(warnings))


def _check_quota(sources: Sequence[Path | ZipMember], where: str) -> None:
    """Refuse before hashing what Zenodo would refuse half-way through the uploads."""
    total = sum(p.size if isinstance(p, ZipMember) else p.stat().st_size for p in set(sources))
    if total > MAX_BYTES:
        raise FilesError(
            f"{total / 1000**3:.1f} GB of files, but Zenodo takes at most 50 GB per record; split the "
            "deposition, or ask Zenodo support for a larger quota first.",
            path=f"{where}.files",
        )


def _sm(d: Digest) -> tuple[int, str]:
    return d.size, d.md5


def _members(planned: PlannedZip, digests: Mapping[Path | ZipMember, Digest]) -> list[Member]:
    members = []
    for item in planned.members:
        d = digests[item.source]
        members.append(Member(item.remote, item.source, d.size, d.md5))
    return members


def _pack(
    folders: Sequence[SampleFolder], deposition: Mapping[str, Any], where: str
) -> tuple[list[Planned], list[PlannedZip]]:
    """Turn selected samples into plain files or archives, as ``pack`` says."""
    mode = deposition.get("pack") or "none"
    if mode not in PACK_MODES:
        raise FilesError(
            f"`pack: {mode}` is not known; use one of {', '.join(PACK_MODES)}.", path=f"{where}.pack"
        )
    here = f"{where}.samples"

    def item(folder: SampleFolder, rel: str, path: Path | ZipMember, prefix: bool) -> Planned:
        origin = f"sample `{folder.name}` ({path})"
        return Planned(f"{folder.name}/{rel}" if prefix else rel, path, origin, here, folder.name)

    if mode == "none":
        return [item(f, rel, path, True) for f in folders for rel, path in f.files], []

    def members(folder: SampleFolder, prefix: bool) -> list[Planned]:
        found = [item(folder, rel, path, prefix) for rel, path in folder.files]
        if folder.sidecar is not None:
            found.append(item(folder, folder.sidecar.name, folder.sidecar, prefix))
        return found

    if mode == "per-sample":
        return [], [
            PlannedZip(f"{f.name}.zip", tuple(members(f, False)), f"sample `{f.name}`", here, f.name)
            for f in folders
            if f.files or f.sidecar
        ]
    everything = tuple(m for f in folders for m in members(f, True))
    if not everything:
        return [], []
    key = str(deposition.get("key") or "deposition")
    return [], [PlannedZip(f"{key}-samples.zip", everything, "the samples archive", here)]


def _check_names(plain: Sequence[Planned], zips: Sequence[PlannedZip]) -> None:
    seen: dict[str, str] = {}
    items = [(p.remote, p.origin, p.where) for p in plain] + [
        (z.remote, f"{z.origin} (zip)", z.where) for z in zips
    ]
    for remote, origin, where in items + [(m.remote, m.origin, m.where) for z in zips for m in z.members]:
        _check_remote_name(remote, origin, where)
    for remote, origin, where in items:
        if remote in seen:
            raise FilesError(
                f"Two files map to the remote name `{remote}`: {seen[remote]} and {origin}; "
                "rename one with `as:`, or leave one out with `exclude:`.",
                path=where,
            )
        seen[remote] = origin
    for z in zips:
        inside: dict[str, str] = {}
        for member in z.members:
            if member.remote in inside:
                raise FilesError(
                    f"Two files would be stored as `{member.remote}` in `{z.remote}`: {inside[member.remote]} "
                    f"and {member.origin}; rename one with `as:`, or leave one out with `exclude:`.",
                    path=member.where,
                )
            inside[member.remote] = member.origin


def _check_remote_name(remote: str, origin: str, where: str) -> None:
    """Names as Zenodo can store and show them: no control characters, no backslash."""
    bad = next((c for c in remote if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")), None)
    if bad is not None:
        what = "a line break" if bad in "\n\r\u2028\u2029" else f"the control character {bad!r}"
        raise FilesError(
            f"The remote name {remote!r} of {origin} contains {what}; Zenodo cannot store such a name "
            "and plans would show it garbled. Rename the file, or give it a name with `as:`.",
            path=where,
        )
    if "\\" in remote:
        raise FilesError(
            f"The remote name {remote!r} of {origin} contains a backslash, which is not a folder "
            "separator (use `/`) and Zenodo shows it as part of the name. Rename the file, or give "
            "it a name with `as:`.",
            path=where,
        )


def _check_count(count: int, limit: int | None, deposition: Mapping[str, Any], where: str) -> None:
    if limit is None or count <= limit:
        return
    key = deposition.get("key") or where
    raise FilesError(
        f"Deposition `{key}` would hold {count} files, more than the {limit} a record may have; "
        "pack them: `pack: per-sample` or `pack: single` for samples, `zip: name.zip` on a file entry.",
        path=f"{where}.files",
    )


def _check_empty(plain: Sequence[Planned], digests: Mapping[Path | ZipMember, Digest]) -> None:
    for item in plain:
        if digests[item.source].size == 0:
            raise FilesError(
                f"{item.source} is empty, and Zenodo refuses empty files; give it content, "
                "leave it out with `exclude:`, or pack it into an archive with `zip:`.",
                path=item.where,
            )
