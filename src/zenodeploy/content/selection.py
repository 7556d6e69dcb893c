"""File entries of a deposition → the files they select and the remote name of each.

An entry is a path, folder or glob, or an object ``{path, from, exclude, as, optional,
zip}``. ``path`` is relative to ``from``, which is relative to the manifest's folder and
defaults to it; a folder means every file below it. Remote names come from the ``as``
template (default ``{path}``), with ``{path}`` relative to ``from``. Nothing may lead
outside the manifest's folder (``..``, absolute paths, symbolic links) unless the
deposition allows it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zenodeploy.content.globs import (
    Match,
    has_magic,
    is_inside,
    normal_remote,
    split_literal,
    translate,
    walk,
)
from zenodeploy.errors import FilesError
from zenodeploy.model import ZipMember

# A last segment that reads like a file name (`data.csv`): a folder named so is worth a word.
_FILE_LIKE = re.compile(r"(?:^|/)[^/]+\.[A-Za-z][A-Za-z0-9]{0,4}$")

PLACEHOLDERS = ("path", "name", "stem", "ext", "parent")


@dataclass(frozen=True, slots=True)
class Planned:
    """One file to upload (or to pack): its remote or member name, source, and where it was asked for."""

    remote: str
    source: Path | ZipMember
    origin: str
    where: str
    sample: str | None = None


@dataclass(frozen=True, slots=True)
class PlannedZip:
    """An archive to build: its remote name and its members (``remote`` of each is the member name)."""

    remote: str
    members: tuple[Planned, ...]
    origin: str
    where: str
    sample: str | None = None


@dataclass(frozen=True, slots=True)
class Scope:
    """The folder everything must stay in, and whether this deposition may leave it."""

    base: Path  # resolved manifest folder
    allow_outside: bool
    manifest: str | None = None  # the manifest's absolute path: it and its lock are never data

    def is_own(self, path: str) -> bool:
        """Whether ``path`` is zenodeploy's own state: the manifest, its lock, the lock's journal
        and shard fragments (``.zenodeploy/`` and ``.git/`` are hidden from wildcards already)."""
        if self.manifest is None:
            return False
        real = os.path.abspath(path)  # noqa: PTH100 - lexical, like the manifest's own path
        lock = f"{self.manifest}.lock"
        return real in (self.manifest, lock, f"{lock}.journal") or real.startswith(f"{lock}.shard-")

    def check(self, match: Match, shown: str, where: str) -> None:
        """Refuse a selected file whose real location is outside the manifest's folder."""
        if self.allow_outside or is_inside(match.real, str(self.base)):
            return
        if match.link or match.real != os.path.abspath(match.path):  # noqa: PTH100 - lexical on purpose
            raise FilesError(
                f"{shown} is a symbolic link to {match.real}, outside the manifest's folder {self.base}; "
                "copy the file in, or set `allow_outside: true` on the deposition.",
                path=where,
            )
        raise FilesError(
            f"{shown} is outside the manifest's folder {self.base}; "
            "move it in, or set `allow_outside: true` on the deposition.",
            path=where,
        )

    def folder(self, relative: str, under: Path, what: str, where: str) -> Path:
        """``under / relative`` as an absolute, normalised path, refused if it leaves the scope."""
        if Path(relative).is_absolute() and not self.allow_outside:
            raise FilesError(
                f"{what} `{relative}` is an absolute path; write it relative to the manifest's folder "
                f"{self.base}, or set `allow_outside: true` on the deposition.",
                path=where,
            )
        folder = Path(os.path.normpath(under / relative))
        if not self.allow_outside and not is_inside(str(folder), str(self.base)):
            raise FilesError(
                f"{what} `{relative}` leads outside the manifest's folder {self.base} (through `..`); "
                "keep paths inside it, or set `allow_outside: true` on the deposition.",
                path=where,
            )
        return folder


def entry_options(raw: Any, where: str) -> Mapping[str, Any]:
    if isinstance(raw, str):
        return {"path": raw}
    if isinstance(raw, Mapping) and isinstance(raw.get("path"), str) and raw["path"]:
        return raw
    raise FilesError("A file entry must be a path or glob, or an object with a `path`.", path=where)


def find(pattern: str, under: Path, scope: Scope, where: str) -> tuple[Path, list[Match]]:
    """Files matching ``pattern`` relative to ``under``: the walk root, and matches with ``rel``
    relative to that root. A literal file or folder need not contain wildcards."""
    literal, glob = split_literal(pattern)
    if ".." in glob.split("/"):
        raise FilesError(f"`{pattern}` has `..` after a wildcard; put `..` only before it.", path=where)
    root = scope.folder(literal or ".", under, "The path", where)
    if glob:
        return root, walk(root, glob, where=where)
    if root.is_dir():
        return root, walk(root, "", where=where)
    if root.exists() or root.is_symlink():
        real = os.path.realpath(root)
        return root.parent, [Match(str(root), real, root.name, root.is_symlink(), not root.exists())]
    return root, []


def _excluded(rel: str, excludes: Sequence[Any]) -> bool:
    parts = rel.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(ex.match(prefix) for ex in excludes for prefix in prefixes)


def remote_name(template: str, rel: str, where: str) -> str:
    """Fill the ``as`` template for a file at ``rel`` (relative to ``from``) and normalise it."""
    parent, _, name = rel.rpartition("/")
    dot = name.rfind(".")
    stem, ext = (name[:dot], name[dot:]) if 0 < dot < len(name) - 1 else (name, "")
    values = {"path": rel, "name": name, "stem": stem, "ext": ext, "parent": parent}
    try:
        filled = rel if template == "{path}" else template.format_map(values)
    except (KeyError, AttributeError, IndexError, ValueError) as exc:
        raise FilesError(
            f"The remote name template `{template}` cannot be filled ({exc!s}); "
            f"use only the placeholders {', '.join('{' + p + '}' for p in PLACEHOLDERS)}.",
            path=where,
        ) from exc
    remote = normal_remote(filled)
    if remote is None:
        raise FilesError(
            f"The remote name template `{template}` gives `{filled}` for {rel}, which is empty or has `..`; "
            "change the template.",
            path=where,
        )
    return remote


def select_entry(
    raw: Any, index: int, *, base: Path, scope: Scope, where: str
) -> tuple[list[Planned], PlannedZip | None, list[str]]:
    """Resolve the file entry ``files[index]``: plain files, or one archive when it has ``zip``."""
    here = f"{where}.files[{index}]"
    options = entry_options(raw, here)
    pattern = str(options["path"])
    source_root = scope.folder(str(options.get("from") or "."), base, "The folder `from:`", here)
    root, matches = find(pattern, source_root, scope, here)
    warnings: list[str] = []
    if not has_magic(pattern) and _FILE_LIKE.search(pattern.rstrip("/")) and (source_root / pattern).is_dir():
        warnings.append(
            f"files[{index}]: `{pattern}` is a folder, not a file: its contents are selected "
            f"({len(matches)} files). Write `{pattern.rstrip('/')}/**` to say so, or fix the path."
        )
    excludes = options.get("exclude") or []
    compiled = [
        translate(ex, hide_dots=False) for ex in ([excludes] if isinstance(excludes, str) else excludes)
    ]
    template = str(options.get("as") or "{path}")
    label = f"files[{index}] `{pattern}`"
    planned: list[Planned] = []
    # The walk root relative to `from`; None for an absolute path outside `from` (allow_outside),
    # whose remote names are then relative to the walk root.
    prefix: str | None = os.path.relpath(root, source_root)
    if prefix == ".":
        prefix = ""
    elif prefix is not None and (prefix == ".." or prefix.startswith("../")):
        prefix = None
    for match in matches:
        rel = f"{prefix}/{match.rel}" if prefix else match.rel
        if compiled and _excluded(rel, compiled):
            continue
        if scope.is_own(match.path):
            if has_magic(pattern):
                continue  # never uploaded, whatever the glob
            raise FilesError(
                f"{match.path} is zenodeploy's own manifest or lock file, not data; remove it from `files`.",
                path=here,
            )
        scope.check(match, match.path, here)
        if match.broken:
            raise FilesError(f"{match.path} is a broken symbolic link; fix or remove it.", path=here)
        planned.append(
            Planned(remote_name(template, rel, here), Path(match.path), f"{label} ({match.path})", here)
        )
    if not planned:
        what = "matches no file" if matches == [] else "selects nothing once `exclude` is applied"
        hint = _hint(pattern, base, source_root, scope)
        message = f"`{pattern}` {what} in {source_root}{hint}"
        if not options.get("optional"):
            raise FilesError(f"{message}; check the pattern or mark the entry `optional: true`.", path=here)
        warnings.append(f"files[{index}]: {message} (optional, skipped).")
    zip_name = options.get("zip")
    if zip_name and planned:
        remote = normal_remote(str(zip_name))
        if remote is None:
            raise FilesError(f"The archive name `{zip_name}` is empty or has `..`; rename it.", path=here)
        return [], PlannedZip(remote, tuple(planned), label, here), warnings
    return planned, None, warnings


def _hint(pattern: str, base: Path, source_root: Path, scope: Scope) -> str:
    """Point out the common slip of writing ``path`` relative to the manifest when ``from`` is set."""
    if source_root == base:
        return ""
    try:
        _, found = find(pattern, base, scope, "")
    except FilesError:
        return ""
    return f" (`path` is relative to `from:`; relative to {base} it would match)" if found else ""
