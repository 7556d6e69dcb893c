"""Opening a lab notebook's export: a ``.eln`` zip or an unpacked RO-Crate folder.

An ``.eln`` file is a zip with one folder holding ``ro-crate-metadata.json`` and the files
it describes. Only the zip's central directory and the metadata file are read here; a
file's bytes are read later, in place, through a ``ZipMember`` (never extracted). Every
path the metadata names is checked: no ``..``, no absolute path, no link out of the crate.
"""

from __future__ import annotations

import json
import os
import posixpath
import stat
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from zenodeploy.content.globs import is_inside
from zenodeploy.errors import FilesError
from zenodeploy.model import ZipMember

METADATA = "ro-crate-metadata.json"
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


@dataclass(frozen=True, slots=True)
class Crate:
    """An export's graph (nodes by ``@id``), its root dataset, and a way to its files."""

    export: Path
    nodes: Mapping[str, Mapping[str, Any]]
    root: Mapping[str, Any]
    where: str
    members: Mapping[str, zipfile.ZipInfo] | None = None  # crate-relative name → entry (a zip)
    stamp: tuple[int, int] = (0, 0)
    folder: Path | None = None  # an unpacked crate
    _real: str = field(default="", repr=False)

    def fail(self, what: str, todo: str = "export it again from the notebook, or fix the file") -> FilesError:
        return FilesError(f"The lab notebook export {self.export} {what}; {todo}.", path=self.where)

    def local(self, node_id: str) -> str | None:
        """The crate-relative path of a local ``@id`` (``./a/b.txt`` → ``a/b.txt``); None for a URL."""
        if "://" in node_id or node_id.startswith(("#", "_:", "mailto:", "doi:")):
            return None
        if node_id.startswith("/") or (len(node_id) > 1 and node_id[1] == ":"):
            raise self.fail(f"names the absolute path `{node_id}`, which points outside the export")
        parts = [p for p in node_id.split("/") if p not in ("", ".")]
        if ".." in parts or ".." in unquote(node_id).split("/"):
            raise self.fail(f"names `{node_id}`, which leads out of the export through `..`")
        rel = "/".join(parts)
        decoded = unquote(rel)  # an RO-Crate @id is a URI: `a%20b.txt` names `a b.txt`
        return decoded if decoded != rel and not self._holds(rel) and self._holds(decoded) else rel

    def _holds(self, rel: str) -> bool:
        if self.members is not None:
            return rel in self.members
        return self.folder is not None and (self.folder / rel).exists()

    def source(self, rel: str, node_id: str) -> Path | ZipMember | None:
        """Where the bytes of the file at ``rel`` are; None if the export does not hold it."""
        if self.members is not None:
            info = self.members.get(rel)
            if info is None:
                return None
            if stat.S_ISLNK(info.external_attr >> 16):
                raise self.fail(f"holds `{node_id}` as a symbolic link; links are not followed")
            if info.compress_type not in _METHODS or info.flag_bits & 0x1:
                raise self.fail(
                    f"stores `{node_id}` encrypted or with compression method {info.compress_type}",
                    "export it again with ordinary (deflate) compression",
                )
            return ZipMember(
                self.export,
                info.filename,
                info.file_size,
                info.CRC,
                info.header_offset,
                info.compress_type,
                info.compress_size,
                self.stamp,
            )
        assert self.folder is not None
        path = self.folder / rel
        if not path.is_file():
            return None
        if not is_inside(os.path.realpath(path), self._real):
            raise self.fail(f"links `{node_id}` to {os.path.realpath(path)}, outside the crate")
        return path


def open_crate(export: Path, where: str) -> Crate:
    """Read an export's metadata and index its files; every problem is a located ``FilesError``."""
    if export.is_dir():
        meta = export / METADATA
        if not meta.is_file():
            raise FilesError(
                f"The folder {export} has no {METADATA}; point `eln:` at an unpacked RO-Crate or a .eln file.",
                path=where,
            )
        text = meta.read_bytes()
        nodes, root = _graph(text, export, where)
        real = os.path.realpath(export)
        return Crate(export, nodes, root, where, folder=export, _real=real)
    try:
        st = export.stat()
        archive = zipfile.ZipFile(export)
    except FileNotFoundError:
        raise FilesError(
            f"The lab notebook export {export} does not exist; check the path.", path=where
        ) from None
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise FilesError(
            f"The lab notebook export {export} is not a readable zip ({exc}); a .eln file is a zip archive, "
            "export it again from the notebook.",
            path=where,
        ) from None
    with archive:
        prefix, meta_info = _find_metadata(archive, export, where)
        members: dict[str, zipfile.ZipInfo] = {}
        for info in archive.infolist():
            name = _member_name(info)
            if info.is_dir() or not name.startswith(prefix) or name.startswith(("../", "/")):
                continue
            members[name[len(prefix) :]] = info
        try:
            text = archive.read(meta_info)
        except (OSError, zipfile.BadZipFile, EOFError) as exc:
            raise FilesError(
                f"The lab notebook export {export} has a damaged {METADATA} ({exc}); export it again.",
                path=where,
            ) from None
    nodes, root = _graph(text, export, where)
    return Crate(export, nodes, root, where, members=members, stamp=(st.st_size, st.st_mtime_ns))


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's path with ``/`` between its parts, also when the zip was written on Windows
    with ``\\`` (``export\\ro-crate-metadata.json``)."""
    return posixpath.normpath(info.filename.replace("\\", "/")) if info.filename else ""


def _find_metadata(archive: zipfile.ZipFile, export: Path, where: str) -> tuple[str, zipfile.ZipInfo]:
    """The crate folder's prefix inside the zip (``name/``) and its metadata entry."""
    found = [
        info
        for info in archive.infolist()
        if posixpath.basename(name := _member_name(info)) == METADATA and name.count("/") <= 1
    ]
    if not found:
        raise FilesError(
            f"The lab notebook export {export} has no {METADATA} in its top folder, so it is not a .eln "
            "export; export it again from the notebook in the .eln (RO-Crate) format.",
            path=where,
        )
    if len(found) > 1:
        names = ", ".join(sorted(i.filename for i in found))
        raise FilesError(
            f"The lab notebook export {export} holds several crates ({names}); a .eln file holds one. "
            "Split it into one export per crate.",
            path=where,
        )
    head = posixpath.dirname(_member_name(found[0]))
    if head in ("..", ".") or head.startswith("/"):
        raise FilesError(
            f"The lab notebook export {export} has its metadata at `{found[0].filename}`.", path=where
        )
    return (f"{head}/" if head else ""), found[0]


def _graph(text: bytes, export: Path, where: str) -> tuple[dict[str, Mapping[str, Any]], Mapping[str, Any]]:
    """Nodes by ``@id`` and the root dataset, found through the descriptor's ``about``."""

    def fail(what: str) -> FilesError:
        return FilesError(
            f"The lab notebook export {export}: {METADATA} {what}; export it again from the notebook.",
            path=where,
        )

    try:
        data = json.loads(text.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise fail(f"is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise fail(f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    graph = data.get("@graph") if isinstance(data, dict) else None
    if not isinstance(graph, list):
        raise fail("has no `@graph` list")
    nodes: dict[str, Mapping[str, Any]] = {}
    for index, node in enumerate(graph):
        if not isinstance(node, dict) or not isinstance(node.get("@id"), str):
            raise fail(f"has a node without an `@id` at @graph[{index}]")
        nodes[node["@id"]] = node
    descriptor = nodes.get(METADATA) or nodes.get(f"./{METADATA}")
    about = descriptor.get("about") if descriptor else None
    root_id = about.get("@id") if isinstance(about, dict) else about
    if not isinstance(root_id, str):
        raise fail(f"has no `{METADATA}` descriptor node whose `about` names the root dataset")
    root = nodes.get(root_id)
    if root is None:
        raise fail(f"names `{root_id}` as its root dataset, but the graph has no such node")
    if "Dataset" not in types(root):
        raise fail(f"has a root `{root_id}` that is not a Dataset")
    return nodes, root


def types(node: Mapping[str, Any]) -> list[str]:
    """``@type`` as a list, whether given as one string or a list."""
    value = node.get("@type")
    if isinstance(value, str):
        return [value]
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def refs(value: Any) -> list[str]:
    """The ``@id``s in a reference or list of references (a bare string counts as an id)."""
    items = value if isinstance(value, list) else [value] if value is not None else []
    out = []
    for item in items:
        ident = item.get("@id") if isinstance(item, dict) else item
        if isinstance(ident, str):
            out.append(ident)
    return out
