"""Output for people and machines: findings as text, JSON or GitHub annotations; render tables."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from typing import Any

import click

from zenodeploy.describe.preview import human_size
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


def rendered_text(desired: DesiredDeposition) -> str:
    """``render --format text``: the metadata as sent, the file table, the Markdown description."""
    meta = json.dumps(desired.record, indent=2, ensure_ascii=False)
    parts = [
        click.style(f"== {desired.key}", bold=True),
        "metadata (as sent to Zenodo):",
        meta,
        f"files ({len(desired.files)}):",
        file_table(desired.files),
    ]
    if desired.description:
        parts += ["description (Markdown):", desired.description.markdown.rstrip()]
    return "\n".join(parts)


def rendered_json(desired: DesiredDeposition) -> dict[str, Any]:
    return {
        "key": desired.key,
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


def plan_text(plans: Sequence[Any]) -> str:
    """Per deposition a header and one line per action; then a summary line."""
    from zenodeploy.reconcile.plan import Create, Delete, Publish, Upload, describe

    lines: list[str] = []
    created = updated = unchanged = uploads = deletes = publishes = 0
    upload_bytes = 0
    for plan in plans:
        remote = plan.observation.remote
        where = (
            f"{remote.state} {remote.record_id}, found by {plan.observation.found_by}"
            if remote
            else "not on the server yet"
        )
        lines.append(click.style(f"{plan.key}", bold=True) + f"  ({where})")
        lines += [f"  ⧗ {note}" for note in plan.notes]
        if not plan.actions:
            lines.append("  = no changes")
            unchanged += 1
        for action in plan.actions:
            lines += [f"  {line}" for line in describe(action).splitlines()]
            if isinstance(action, Upload):
                uploads += 1
                upload_bytes += action.file.size
            deletes += isinstance(action, Delete)
            publishes += isinstance(action, Publish)
        if plan.actions:
            if any(isinstance(a, Create) for a in plan.actions):
                created += 1
            else:
                updated += 1
    summary = (
        f"Plan: {created} to create, {updated} to change, {unchanged} unchanged; "
        f"{uploads} upload{'s' if uploads != 1 else ''} ({human_size(upload_bytes)}), "
        f"{deletes} delete{'s' if deletes != 1 else ''}, {publishes} publish{'es' if publishes != 1 else ''}."
    )
    if not created and not updated:
        summary = (
            f"No changes: {unchanged} deposition{'s match' if unchanged != 1 else ' matches'} the manifest."
        )
    return "\n".join([*lines, summary])


def plan_json(plans: Sequence[Any]) -> list[dict[str, Any]]:
    from zenodeploy.reconcile.plan import describe

    out = []
    for plan in plans:
        remote = plan.observation.remote
        out.append(
            {
                "key": plan.key,
                "record_id": remote.record_id if remote else None,
                "state": remote.state if remote else None,
                "found_by": plan.observation.found_by,
                "changes": plan.changes,
                "notes": list(plan.notes),
                "communities": dict(remote.communities) if remote else {},
                "actions": [{"type": type(a).__name__, "text": describe(a)} for a in plan.actions],
            }
        )
    return out


def outcomes_text(outcomes: Sequence[Any]) -> str:
    lines = []
    for o in outcomes:
        mark = "✗" if o.error else "✓"
        where = o.doi or o.url or o.record_id or ""
        lines.append(f"{mark} {o.key}: {o.state} {where}".rstrip())
        if o.error:
            lines.append(f"  error: {o.error}")
    return "\n".join(lines)


class Progress:
    """Upload progress: a total bar plus one bar per file on a terminal; a line per finished file otherwise.

    ``update(name, sent)`` is thread-safe and is handed to core code as the progress callback.
    """

    def __init__(self, plans: Sequence[Any], *, enabled: bool) -> None:
        from zenodeploy.reconcile.plan import Upload

        self.sizes = {a.file.name: a.file.size for p in plans for a in p.actions if isinstance(a, Upload)}
        self.enabled = enabled and bool(self.sizes)
        self._lock = threading.Lock()
        self._bars: dict[str, Any] = {}
        self._total: Any = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from tqdm import tqdm

            self._tqdm = tqdm
            self._total = tqdm(
                total=sum(self.sizes.values()),
                unit="B",
                unit_scale=True,
                desc="total",
                position=0,
                leave=True,
            )
        return self

    def __exit__(self, *exc: object) -> None:
        for bar in self._bars.values():
            bar.close()
        if self._total is not None:
            self._total.close()

    def done(self, name: str) -> None:
        """A plain line per committed file when no bars are shown (CI logs)."""
        if not self.enabled:
            click.echo(f"uploaded {name} ({human_size(self.sizes.get(name, 0))})", err=True)

    def update(self, name: str, sent: int) -> None:
        if not self.enabled:
            return
        with self._lock:
            bar = self._bars.get(name)
            if bar is None:
                bar = self._tqdm(
                    total=self.sizes.get(name, 0),
                    unit="B",
                    unit_scale=True,
                    desc=name[:30],
                    position=len(self._bars) + 1,
                    leave=False,
                )
                self._bars[name] = bar
            bar.update(sent)
            self._total.update(sent)
