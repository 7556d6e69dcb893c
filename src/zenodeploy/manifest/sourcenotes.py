"""What mapping another metadata file (``.zenodo.json``, CITATION.cff) into manifest terms found:
notes located in that file, shared helpers for licences, descriptions and Jinja-safe text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zenodeploy import vocabularies
from zenodeploy.manifest.yamlpos import PathT

_TAG = re.compile(r"<[a-zA-Z][a-zA-Z0-9]*[\s/>]")
_BLOCK = re.compile(r"^<(p|div|h[1-6]|ul|ol|table|blockquote)[\s>]", re.IGNORECASE)
_JINJA = re.compile(r"{{|{%|{#")
_BLOCK_END = re.compile(r"</(p|div|h[1-6]|ul|ol|li|table|tr|blockquote)>\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Note:
    """A finding about the source file. ``field`` is the manifest field it concerns (None: a key
    with no counterpart at all); ``path`` is the key's place in the source file."""

    field: str | None
    path: PathT
    message: str
    severity: str = "warning"


class Notes(list[Note]):
    def warn(self, field: str | None, path: PathT, message: str) -> None:
        self.append(Note(field, path, message))

    def error(self, field: str | None, path: PathT, message: str) -> None:
        self.append(Note(field, path, message, "error"))


def text_items(
    data: Mapping[str, Any], key: str, notes: Notes, field: str, written: Mapping[PathT, str] | None = None
) -> list[str]:
    """The texts of the list ``data[key]`` (keywords, references). A text where the list belongs
    is an error, not a list of its letters; a number is taken as written, with a warning (both
    files' schemas, and Zenodo's reader, want a list of texts)."""
    value = data.get(key)
    if value is None or value == []:
        return []
    if not isinstance(value, list):
        notes.error(
            field,
            (key,),
            f"{key} must be a list (one item per keyword or reference), not {value!r}; not taken",
        )
        return []
    out = []
    for i, item in enumerate(value):
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = (written or {}).get((key, i), str(item))
            notes.warn(
                field,
                (key, i),
                f"{key}[{i}] is the number {item}; taken as the text '{item}' (write it in quotes)",
            )
        if not isinstance(item, str):
            notes.error(field, (key, i), f"{key}[{i}] must be text, not {item!r}; not taken")
        elif item.strip():
            out.append(item.strip())
    return out


def license_id(value: Any) -> str | None:
    """Zenodo's licence id for an SPDX or legacy id, a ``{id}``, a GitHub licence object
    (``spdx_id``/``key``), a licence URL or a licence title; None when nothing matches."""
    if isinstance(value, Mapping):
        for key in ("id", "spdx_id", "key", "url", "title", "name"):
            if isinstance(value.get(key), str) and (found := license_id(value[key])):
                return found
        return None
    text = str(value or "").strip()
    if not text:
        return None
    if "://" in text:
        return vocabularies.license_by_url(text) or vocabularies.license_alias(
            text.rstrip("/").rsplit("/", 1)[-1]
        )
    if found := vocabularies.license_alias(text):
        return found
    titles = {str(e["title"]).lower(): key for key, e in vocabularies.entries("licenses").items()}
    return titles.get(text.lower())


def license_problem(value: Any) -> str:
    shown = value if isinstance(value, str) else dict(value) if isinstance(value, Mapping) else value
    return (
        f"licence {shown!r} matches no id of Zenodo's licence vocabulary; write the license id "
        "(e.g. cc-by-4.0, mit, gpl-3.0-only) in the manifest"
    )


def description(text: str) -> str:
    """A description for the manifest's Markdown field that renders to the same HTML: HTML is
    kept as one raw HTML block, plain text stays text; Jinja-like braces are escaped."""
    out = text.strip()
    if _TAG.search(out) and "<pre" not in out:
        out = " ".join(out.split())
        out = out if _BLOCK.match(out) else f"<div>{out}</div>"
        out = _BLOCK_END.sub(lambda m: f"</{m.group(1)}>\n", out).strip()  # a block a line, no blank line
    if _JINJA.search(out):
        out = "{% raw %}" + out + "{% endraw %}"
    return out


def jinja_safe(text: str) -> str:
    return "{% raw %}" + text + "{% endraw %}" if _JINJA.search(text) else text
