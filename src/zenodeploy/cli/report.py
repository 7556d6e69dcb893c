"""Output for people and machines: findings as text, JSON or GitHub annotations; render tables."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import click

from zenodeploy.describe.filters import human_size
from zenodeploy.model import DesiredDeposition, Finding, LocalFile

FORMATS = ("text", "json", "github")


def findings(items: Sequence[Finding], fmt: str) -> str:
    """Findings in ``fmt``: one line each for text/github, a JSON document for json."""
    if fmt == "json":
        return json.dumps([_finding_dict(f) for f in items], indent=2, ensure_ascii=False)
    if fmt == "github":
        return "\n".join(_annotation(f) for f in items)
    return "\n".join(f.format() for f in items)


def _finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "file": f.file,
        "line": f.line,
        "column": f.column,
        "path": f.path,
        "message": f.message,
        "severity": f.severity,
    }


def _annotation(f: Finding) -> str:
    # https://docs.github.com/actions/reference/workflow-commands-for-github-actions — properties escape , and :
    def esc(text: str, prop: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if prop else text

    level = "error" if f.severity == "error" else "warning"
    title = esc(f.path or "manifest", prop=True)
    return f"::{level} file={esc(f.file, True)},line={f.line},col={f.column},title={title}::{esc(f.message)}"


def file_table(files: Iterable[LocalFile]) -> str:
    rows = [(f.name, human_size(f.size), f.md5, _source(f)) for f in files]
    if not rows:
        return "  (no files)"
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(f"  {n:<{widths[0]}}  {s:>{widths[1]}}  {m}  {src}" for n, s, m, src in rows)


def _source(f: LocalFile) -> str:
    if f.packed_from:
        return f"zip of {len(f.packed_from)} file{'s' if len(f.packed_from) != 1 else ''}"
    return str(f.source)


def rendered_text(desired: DesiredDeposition, creators_from: str) -> str:
    """``render --format text``: where the creators come from, the metadata as sent, the file
    table, the Markdown description."""
    meta = json.dumps(desired.record, indent=2, ensure_ascii=False)
    parts = [
        click.style(f"== {desired.key}", bold=True),
        f"creators from {creators_from}",
        "metadata (as sent to Zenodo):",
        meta,
        f"files ({len(desired.files)}):",
        file_table(desired.files),
    ]
    if desired.description:
        parts += ["description (Markdown):", desired.description.markdown.rstrip()]
    return "\n".join(parts)


def rendered_json(desired: DesiredDeposition, creators_from: str) -> dict[str, Any]:
    return {
        "key": desired.key,
        "creators_from": creators_from,
        "record": desired.record,
        "files": [
            {
                "name": f.name,
                "source": str(f.source),
                "size": f.size,
                "md5": f.md5,
                "packed_from": list(f.packed_from),
                "sample": f.sample,
            }
            for f in desired.files
        ],
        "samples": [s.name for s in desired.samples],
        "description": {"markdown": desired.description.markdown, "html": desired.description.html}
        if desired.description
        else None,
    }
