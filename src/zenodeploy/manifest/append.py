"""Deposition entries written as YAML text, appended to a manifest without re-dumping it.

The user's file keeps its comments, order and quoting: the new entries are inserted as text at
the end of the top-level ``depositions:`` list, indented like the entries already there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from zenodeploy.errors import ManifestError
from zenodeploy.model import Finding

_DEPOSITIONS = re.compile(r"^depositions:[ \t]*(\[\s*\])?[ \t]*(#.*)?$")
_TOP_LEVEL = re.compile(r"^[^\s#-]")
_ITEM = re.compile(r"^([ \t]*)- ")


class _Dumper(yaml.SafeDumper):
    """Block style; several-line strings (descriptions) as literal blocks."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and not re.search(r"[ \t]\n|\r", value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def entry_text(entry: Mapping[str, Any], comments: Sequence[str] = ()) -> str:
    """One deposition as a YAML list item (no indentation), followed by ``# `` comment lines."""
    text = yaml.dump([dict(entry)], Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return text + "".join(f"  # {line}\n" if line else "  #\n" for line in comments)


def new_manifest(entries: Sequence[str], server_line: str) -> str:
    """A whole manifest holding ``entries`` (from ``entry_text``)."""
    header = (
        "# yaml-language-server: $schema=https://zenodeploy.github.io/schema/v1/zenodeploy.schema.json\n"
        "# Written by 'zenodeploy import': edit freely; 'zenodeploy plan' shows what would change.\n"
        f"version: 1\n{server_line}\ndepositions:\n"
    )
    return header + "".join(_indent(e, "  ") for e in entries)


def append(text: str, entries: Sequence[str]) -> str:
    """``text`` (a manifest) with ``entries`` added at the end of its ``depositions:`` list."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    start = next((i for i, line in enumerate(lines) if _DEPOSITIONS.match(line.rstrip("\n"))), None)
    if start is None:
        return "".join(lines) + "depositions:\n" + "".join(_indent(e, "  ") for e in entries)
    if _DEPOSITIONS.match(lines[start].rstrip("\n"))[1]:  # type: ignore[index]  # an empty flow list
        lines[start] = "depositions:\n"
    end = next((i for i in range(start + 1, len(lines)) if _TOP_LEVEL.match(lines[i])), len(lines))
    while end > start + 1 and _blank_or_comment(lines[end - 1]):
        end -= 1  # comments at the margin after the list belong to what follows (or to the file)
    items = (_ITEM.match(line) for line in lines[start + 1 : end])
    indent = next((m[1] for m in items if m), "  ")
    block = "".join(_indent(e, indent) for e in entries)
    return "".join(lines[:end]) + block + "".join(lines[end:])


def refuse_inline(text: str, shown: str) -> None:
    """``ManifestError`` when ``text`` holds its depositions inline (``depositions: [{…}]``, or a
    whole ``{…}`` document): entries are appended as lines, which inline YAML cannot take."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return  # the caller reports the YAML error
    if not isinstance(root, yaml.MappingNode):
        return
    inline: yaml.Node | None = root if root.flow_style else None
    for key, value in root.value:
        if key.value == "depositions" and isinstance(value, yaml.SequenceNode):
            inline = inline or (value if value.flow_style and value.value else None)
    if inline is not None:
        mark = inline.start_mark
        what = "the whole manifest is" if inline is root else "depositions: is"
        message = (
            f"{what} written inline ({{…}} / [{{…}}]), and import appends entries as block-style lines. "
            "Rewrite it in block style (a line 'depositions:', then each deposition as an indented "
            "'- key: …' item with one field per line), then run the import again; nothing was written"
        )
        raise ManifestError(
            f"{shown} cannot take imported entries",
            [Finding(shown, mark.line + 1, mark.column + 1, "depositions", message)],
        )


def _blank_or_comment(line: str) -> bool:
    return not line.strip() or line.startswith("#")


def _indent(text: str, indent: str) -> str:
    return "".join(indent + line if line.strip() else line for line in text.splitlines(keepends=True))
