"""The plan and the outcome of apply, as text (one line per action) and as JSON."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from zenodeploy.describe.filters import human_size


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
