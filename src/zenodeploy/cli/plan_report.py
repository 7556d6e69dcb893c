"""The plan and the outcome of apply, as text (one line per action) and as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import click

from zenodeploy.cli.field_diff import field_diffs
from zenodeploy.describe.filters import human_size

if TYPE_CHECKING:
    from zenodeploy.reconcile.apply import Outcome
    from zenodeploy.reconcile.plan import Action


def plan_text(plans: Sequence[Any]) -> str:
    """Per deposition a header and one line per action; then a summary line."""
    from zenodeploy.reconcile.plan import Create, Delete, Publish, Upload

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
        if plan.observation.lost:
            lines.append(
                f"  ⧗ record {plan.observation.lost} of the lock file is not on the server any more "
                "(deleted, or the lock is from another server); "
                + ("found again by its title" if remote else "a new record will be made")
            )
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
    out = []
    for plan in plans:
        remote = plan.observation.remote
        out.append(
            {
                "key": plan.key,
                "record_id": remote.record_id if remote else None,
                "state": remote.state if remote else None,
                "found_by": plan.observation.found_by,
                "lost_record_id": plan.observation.lost,
                "changes": plan.changes,
                "notes": list(plan.notes),
                "communities": dict(remote.communities) if remote else {},
                "actions": [action_json(a) for a in plan.actions],
            }
        )
    return out


def action_json(action: Action) -> dict[str, Any]:
    """An action as its plan text and its parts: a metadata update lists its changes per
    manifest field (old and new values, items added, removed and changed)."""
    from zenodeploy.reconcile.plan import Delete, UpdateMetadata, Upload

    out: dict[str, Any] = {"type": type(action).__name__, "text": describe(action)}
    if isinstance(action, UpdateMetadata):
        out["changes"] = [d.json() for c in action.changes for d in field_diffs(c)]
    elif isinstance(action, Upload):
        out |= {"file": action.file.name, "size": action.file.size, "replaces": action.replaces}
    elif isinstance(action, Delete):
        out["file"] = action.name
    return out


def outcome_json(outcome: Outcome) -> dict[str, Any]:
    """What apply did for one deposition, its actions as the plan's lines."""
    return {**asdict(outcome), "actions": [describe(a) for a in outcome.actions]}


def outcomes_text(outcomes: Sequence[Any]) -> str:
    lines = []
    for o in outcomes:
        mark = "✗" if o.error else "✓"
        where = o.doi or o.url or o.record_id or ""
        lines.append(f"{mark} {o.key}: {o.state} {where}".rstrip())
        if o.error:
            lines.append(f"  error: {o.error}")
    return "\n".join(lines)


def describe(action: Action) -> str:
    """One line per action with a fixed verb (the plan output users read and grep)."""
    from zenodeploy.reconcile.plan import (
        AddCommunities,
        Create,
        Delete,
        Edit,
        NewVersion,
        Publish,
        UpdateMetadata,
        Upload,
    )

    if isinstance(action, Create):
        return f"+ create draft {json.dumps(action.title, ensure_ascii=False)}"
    if isinstance(action, Edit):
        return f"✎ edit published record {action.record_id}"
    if isinstance(action, NewVersion):
        draft = f" (continuing draft {action.pending_id})" if action.pending_id else ""
        return f"↻ new version of {action.doi or action.record_id}{draft}"
    if isinstance(action, UpdateMetadata):
        if not action.changes:
            return "~ metadata (set again on the new version)"
        return "\n".join(line for c in action.changes for d in field_diffs(c) for line in d.lines)
    if isinstance(action, Upload):
        verb = "replace" if action.replaces else "upload"
        return f"+ {verb} {action.file.name} ({human_size(action.file.size)})"
    if isinstance(action, Delete):
        return f"- delete {action.name}"
    if isinstance(action, Publish):
        if action.communities:
            return (
                f"✓ publish through a review request to {action.communities[0]} (published when it accepts)"
            )
        return "✓ publish"
    if isinstance(action, AddCommunities):
        return f"+ request inclusion in {', '.join(action.communities)}"
    return f"✗ refused: {action.reason}"


def left_out_text(entries: Sequence[tuple[str, str]], lock: str) -> str:
    """The lock's records that no deposition names any more (``run.left_out``), or ""."""
    if not entries:
        return ""
    listed = ", ".join(f"{key} (record {record})" for key, record in entries)
    return (
        f"Not in the manifest, left as they are on the server: {listed}. Put them back to manage them "
        f"again, or delete their entries from {lock} to forget them."
    )
