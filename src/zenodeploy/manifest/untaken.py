"""Keys of the entries of a list in CITATION.cff or .zenodo.json (authors, references,
identifiers…) that have no counterpart: one warning per key and list, located at its first
place and counting the entries that have it, so that nine authors' e-mails are one line."""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable, Mapping
from typing import Any

from zenodeploy.manifest.sourcenotes import Notes
from zenodeploy.manifest.yamlpos import PathT, format_path


def report(
    notes: Notes,
    field: str | None,
    entries: Iterable[tuple[PathT, Any, Container[str]]],
    why: Callable[[str], str],
) -> None:
    """Warn once per key of the mappings in ``entries`` (``(path, entry, taken keys)``) that is
    not taken and has a value; ``why(key)`` says why it is not taken. The warning names the key,
    the count and the pattern: ``'email' of 9 authors (authors[*].email) is not taken: …``."""
    found: dict[tuple[str, str], list[PathT]] = {}
    for path, entry, taken in entries:
        if not isinstance(entry, Mapping):
            continue
        pattern = format_path(tuple("*" if isinstance(p, int) else p for p in path))
        pattern = pattern.replace(".*", "[*]")
        for key, value in entry.items():
            if str(key) not in taken and value not in (None, "", [], {}):
                found.setdefault((pattern, str(key)), []).append((*path, str(key)))
    for (pattern, key), paths in found.items():
        last = next(str(p) for p in reversed(paths[0][:-1]) if isinstance(p, str))
        noun = last if last.endswith("s") else f"{last} entries"
        many = f" of {len(paths)} {noun} ({pattern}.{key})" if len(paths) > 1 else ""
        notes.warn(field, paths[0], f"'{key}'{many} is not taken: {why(key)}")
