"""Metadata files a manifest can take fields from: ``.zenodo.json`` (any ``*.json``) and
CITATION.cff (anything else), read once per file version and mapped into manifest terms."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zenodeploy.manifest import jsonpos, yamlpos
from zenodeploy.manifest.sourcenotes import Note
from zenodeploy.model import Finding


class SourceError(Exception):
    """The file cannot be used at all; ``finding`` (when known) says where in it."""

    def __init__(self, message: str, finding: Finding | None = None) -> None:
        super().__init__(message)
        self.finding = finding


@dataclass(frozen=True, slots=True)
class Source:
    """A mapped file: manifest metadata and notes, each note as a finding in the file."""

    name: str
    kind: str  # "zenodo-json" | "cff"
    metadata: dict[str, Any]
    notes: tuple[tuple[Note, Finding], ...]

    def findings(self, fields: set[str] | None) -> list[Finding]:
        """Notes about ``fields`` (None: every note, those about unmapped keys too), and the
        notes about the file's syntax, which concern every field."""
        return [f for note, f in self.notes if fields is None or note.field in {*fields, SYNTAX}]


_cache: dict[tuple[Path, int, int, str], Source] = {}
SYNTAX = "*"  # the field of a note about the file's syntax (a JSON slip read through: a duplicate key, a missing comma, …)


def is_json(name: str) -> bool:
    return name.lower().endswith(".json")


def load_source(base_dir: Path, name: str, shown: str, *, allow_outside: bool = False) -> Source:
    """Read and map ``name`` (relative to ``base_dir``); ``shown`` is how findings name the file."""
    path = (base_dir / name).resolve()
    if not allow_outside and not path.is_relative_to(base_dir.resolve()):
        raise SourceError(
            f"{name} is outside the manifest's folder; 'from:' reads files next to the manifest only. "
            "Copy it there, or set 'allow_outside: true' if this is intended"
        )
    try:
        info = path.stat()
    except OSError:
        raise SourceError(
            f"{name} does not exist next to the manifest ({path}); check the 'from:' path"
        ) from None
    key = (path, info.st_mtime_ns, info.st_size, shown)
    if key not in _cache:
        _cache[key] = read_source(path, name, shown)
    return _cache[key]


def read_source(path: Path, name: str, shown: str) -> Source:
    from zenodeploy.manifest.cff import map_cff
    from zenodeploy.manifest.cff_schema import as_written
    from zenodeploy.manifest.legacy import map_zenodo_json

    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{name} is not readable UTF-8 text ({type(exc).__name__})") from None
    json_file = is_json(name)
    load, syntax = (jsonpos.load, "JSON") if json_file else (yamlpos.load, "YAML")
    try:
        data, positions, warnings = load(text, shown)
    except (jsonpos.JsonError, yamlpos.YamlError) as exc:
        where = f"{exc.finding.file}:{exc.finding.line}"
        raise SourceError(f"{name} is not valid {syntax}; see {where}", exc.finding) from None
    if json_file:
        metadata, notes = map_zenodo_json(data, positions.written)
    else:
        metadata, notes = map_cff(as_written(data, positions.written))
    kind = "zenodo-json" if json_file else "cff"
    located = [(Note(SYNTAX, (), w.message), w) for w in warnings]
    located += [
        (
            n,
            positions.finding(
                n.path, n.message, key=bool(n.path) and isinstance(n.path[-1], str), severity=n.severity
            ),
        )
        for n in notes
    ]
    return Source(name, kind, metadata, tuple(located))
