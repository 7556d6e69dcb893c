"""Glob matching over a folder tree, with the rules every file selection shares.

Patterns use ``/`` separators: ``*`` and ``?`` and ``[...]`` match within one path
segment, ``**`` matches any number of folders (including none). As in a shell, a
wildcard does not match a leading dot: hidden files and folders, and so the VCS
folders ``.git``, ``.hg`` and ``.svn``, are left out unless a pattern segment itself
starts with a dot. Symbolic links are followed; where a link leads is checked by the
caller (``real`` of each ``Match``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from zenodeploy.errors import FilesError

_MAGIC = re.compile(r"[*?\[]")
VCS_FOLDERS = frozenset({".git", ".hg", ".svn"})


@dataclass(frozen=True, slots=True)
class Match:
    """A matched file or folder. Plain strings, because a walk makes tens of thousands.

    ``path`` is the path as reached (links kept), ``real`` the same with every link
    resolved, ``rel`` the ``/``-separated path relative to the walk's root; ``link`` says
    the entry itself is a symbolic link, ``broken`` that it leads nowhere.
    """

    path: str
    real: str
    rel: str
    link: bool = False
    broken: bool = False


def has_magic(pattern: str) -> bool:
    return _MAGIC.search(pattern) is not None


def split_literal(pattern: str) -> tuple[str, str]:
    """Split ``a/b/*.csv`` into the literal folder part ``a/b`` and the glob part ``*.csv``."""
    parts = pattern.split("/")
    for index, part in enumerate(parts):
        if has_magic(part):
            return "/".join(parts[:index]), "/".join(parts[index:])
    return pattern, ""


def _segment(segment: str, hide_dots: bool) -> str:
    out = ["(?!\\.)" if hide_dots and not segment.startswith(".") else ""]
    i = 0
    while i < len(segment):
        char = segment[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and (end := segment.find("]", i + 2)) != -1:
            body = segment[i + 1 : end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            out.append(("[^/" if negate else "[") + body.replace("\\", "\\\\") + "]")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def translate(pattern: str, *, hide_dots: bool = True) -> re.Pattern[str]:
    """Compile a ``/``-separated glob into a regular expression over relative paths."""
    segments = [s for s in pattern.split("/") if s not in ("", ".")]
    if not segments:
        return re.compile(r"(?s:.*)\Z")
    pieces: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            folder = "(?!\\.)[^/]*/" if hide_dots else "[^/]*/"
            pieces.append(f"(?:{folder})*" + ("(?!\\.)[^/]+" if hide_dots else "[^/]+") * last)
        else:
            pieces.append(_segment(segment, hide_dots) + ("" if last else "/"))
    return re.compile("(?s:" + "".join(pieces) + r")\Z")


def _wants_dots(glob: str) -> bool:
    return any(part.startswith(".") and part not in (".", "..") for part in glob.split("/"))


def walk(root: Path, glob: str, *, folders: bool = False, where: str = "") -> list[Match]:
    """The files (or, with ``folders``, the folders) under ``root`` whose path relative to
    ``root`` matches ``glob``, sorted by that path. An empty ``glob`` means every file.

    Hidden and VCS folders are not entered unless ``glob`` names a dotted segment. Folder
    links are followed once per real folder, so a link cycle ends. A folder that cannot be read
    is a ``FilesError`` at ``where`` (never skipped: its files would be left out without a word).
    """
    glob = glob or "**"
    regex = translate(glob)
    max_depth = 1 << 30 if "**" in glob else len([s for s in glob.split("/") if s])
    enter_dots = _wants_dots(glob)
    seen: set[str] = set()
    found: list[Match] = []

    def visit(folder: str, real_folder: str, rel: str, depth: int) -> None:
        if real_folder in seen:
            return
        seen.add(real_folder)
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except FileNotFoundError:
            if depth == 0:
                return  # the root is missing: the caller says the pattern matches nothing
            raise FilesError(f"{folder} disappeared while it was being listed; run again.", where) from None
        except OSError as exc:
            raise FilesError(
                f"{folder} cannot be read ({exc.strerror}); fix its permissions, or leave it out with `exclude:`.",
                where,
            ) from None
        for entry in entries:
            child_rel = rel + entry.name
            link = entry.is_symlink()
            # Strings, not Path: ten thousand Path objects cost a third of a warm resolve.
            real = os.path.realpath(entry.path) if link else os.path.join(real_folder, entry.name)  # noqa: PTH118
            if entry.is_dir():  # follows links
                if entry.name in VCS_FOLDERS and not enter_dots:
                    continue
                if folders and regex.match(child_rel):
                    found.append(Match(entry.path, real, child_rel, link))
                if (not entry.name.startswith(".") or enter_dots) and depth + 1 < max_depth:
                    visit(entry.path, real, child_rel + "/", depth + 1)
            elif not folders and regex.match(child_rel):
                found.append(Match(entry.path, real, child_rel, link, link and not entry.is_file()))

    visit(str(root), os.path.realpath(root), "", 0)
    return sorted(found, key=lambda match: match.rel)


def is_inside(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or below it (both absolute and resolved)."""
    return path == folder or path.startswith(folder if folder.endswith("/") else folder + "/")


def normal_remote(name: str) -> str | None:
    """A remote name with ``/`` separators, no empty or ``.`` segments; None if it has ``..``."""
    parts = [p for p in name.split("/") if p not in ("", ".")]  # a backslash is refused later, not split
    if not parts or ".." in parts:
        return None
    return "/".join(parts)
