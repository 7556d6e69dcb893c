"""The plan and the outcome of apply, as text (one line per action) and as JSON."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import click

from zenodeploy.describe.filters import human_size

if TYPE_CHECKING:
    from zenodeploy.reconcile.apply import Outcome
    from zenodeploy.reconcile.plan import Action, FieldChange


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
                "changes": plan.changes,
                "notes": list(plan.notes),
                "communities": dict(remote.communities) if remote else {},
                "actions": [{"type": type(a).__name__, "text": describe(a)} for a in plan.actions],
            }
        )
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


def field_change(change: FieldChange) -> tuple[str, str]:
    """The old and new value of a changed field as short text: a description as the first
    differing line of text, structures as compact JSON around their first difference."""
    old, new = change.old, change.new
    if change.name == "description" and isinstance(old, str) and isinstance(new, str):
        return _text_change(old, new)
    return _pair(old, new)


def _text_change(old_html: str, new_html: str) -> tuple[str, str]:
    """The first differing line of two HTML descriptions, as text, with how many lines differ."""
    old, new = _text_lines(old_html), _text_lines(new_html)
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    changed = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    if not changed:
        return _short(old_html), _short(new_html)
    _, a1, a2, b1, b2 = changed[0]
    count = sum(max(i2 - i1, j2 - j1) for _, i1, i2, j1, j2 in changed)
    suffix = f" ({count} lines differ)" if count > 1 else ""
    return _short(" ".join(old[a1:a2]) or None), _short(" ".join(new[b1:b2]) or None) + suffix


def _text_lines(html: str) -> list[str]:
    text = re.sub(r"<[^>]+>", "\n", html)
    return [line.strip() for line in text.splitlines() if line.strip()]


def _pair(old: Any, new: Any) -> tuple[str, str]:
    """Both values shortened around their first difference, so a long value's change stays visible."""
    if old is None or new is None:
        return _short(old), _short(new)
    a, b = _flat(old), _flat(new)
    start = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    cut = max(0, start - 20) if max(len(a), len(b)) > 70 else 0
    return _shown(old, a, cut), _shown(new, b, cut)


def _flat(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return " ".join(text.split())


def _shown(value: Any, flat: str, cut: int = 0) -> str:
    """Strings in quotes, structures as compact JSON; at most ~70 characters from ``cut`` on."""
    text = ("..." if cut else "") + flat[cut:]
    text = text if len(text) <= 70 else text[:67] + "..."
    return json.dumps(text, ensure_ascii=False) if isinstance(value, str) else text


def _short(value: Any) -> str:
    if value is None:
        return "(unset)"
    return _shown(value, _flat(value))


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
        return "\n".join(f"~ {c.name}: {' → '.join(field_change(c))}" for c in action.changes)
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
