"""What the CITATION.cff 1.2 schema (citation-file-format ``schema.json``) says about its keys:
which hold integers, and which are text even when YAML reads them as numbers."""

from __future__ import annotations

from typing import Any

from zenodeploy.manifest.yamlpos import PathT

#: Keys the schema types as integer (or integer-or-string): a YAML integer stays one. Every
#: other key is text (``version``, ``issue``, ``number``, ``section`` and ``post-code`` are
#: string-or-number, meaning the number's text).
INTEGER_KEYS = frozenset(
    {
        "end",
        "loc-end",
        "loc-start",
        "month",
        "number-volumes",
        "pages",
        "start",
        "volume",
        "year",
        "year-original",
    }
)


def as_written(value: Any, written: dict[PathT, str], path: PathT = ()) -> Any:
    """``value`` with each number or boolean YAML read from a plain scalar (``version: 1.10`` →
    1.1) back to the text the file has (``'1.10'``), except integers under ``INTEGER_KEYS``;
    ``written`` maps a scalar's path to its text as written (``yamlpos.Positions.written``)."""
    if isinstance(value, dict):
        return {k: as_written(v, written, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [as_written(v, written, (*path, i)) for i, v in enumerate(value)]
    text = written.get(path)
    if text is None:
        return value
    key = next((p for p in reversed(path) if isinstance(p, str)), None)
    if key in INTEGER_KEYS and isinstance(value, int) and not isinstance(value, bool):
        return value
    return text
