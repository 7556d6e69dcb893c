"""One changed field in the manifest's words: what is added, removed and changed, item by item.

``field_diffs(change)`` gives a ``FieldDiff`` per manifest field behind a server field change
(a ``subjects`` change may be a ``keywords`` one and a ``subjects`` one); its ``lines`` are what
``plan`` prints, its ``json()`` what ``plan --format json`` carries.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from zenodeploy.cli.field_views import views

if TYPE_CHECKING:
    from zenodeploy.reconcile.plan import FieldChange

WIDTH = 72  # characters of a value shown before it is cut (at a blank, never inside a word)


@dataclass(frozen=True, slots=True)
class FieldDiff:
    field: str  # as the manifest spells it: keywords, license, software.language…
    old: Any  # the manifest-shaped value on the server now (None: unset)
    new: Any  # the manifest-shaped value the manifest produces (None: unset)
    lines: tuple[str, ...]
    added: tuple[Any, ...] = ()
    removed: tuple[Any, ...] = ()
    changed: tuple[dict[str, Any], ...] = ()

    def json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "old": self.old,
            "new": self.new,
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": list(self.changed),
            "lines": list(self.lines),
        }


def field_diffs(change: FieldChange) -> list[FieldDiff]:
    old, new = views(change.name, change.old), views(change.name, change.new)
    return [
        _diff(name, old.get(name), new.get(name))
        for name in new
        if _norm(old.get(name)) != _norm(new.get(name))
    ]


def _norm(value: Any) -> Any:
    return None if value in (None, "", [], {}) else value


# noun, the item's name in a line, and its details (shown when the same item changes)
_ITEMS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "keywords": ("keyword", lambda v: _quote(v)),
    "subjects": ("subject", str),
    "license": ("license", str),
    "creators": ("creator", lambda v: _quote(v.get("name", ""))),
    "contributors": ("contributor", lambda v: _quote(v.get("name", ""))),
    "languages": ("language", str),
    "related_identifiers": ("related", lambda v: f"{v.get('relation')} {v.get('identifier')}"),
    "funding": ("funding", lambda v: " ".join(str(v[k]) for k in ("funder", "award") if v.get(k))),
    "references": ("reference", lambda v: _quote(v)),
    "dates": ("date", lambda v: f"{v.get('date')} {v.get('type')}"),
    "locations": ("location", lambda v: _quote(v.get("place", ""))),
    "software.language": ("software.language", str),
}
_TEXT = {"description", "notes", "method"}


def _diff(name: str, old: Any, new: Any) -> FieldDiff:
    if name in _TEXT and (isinstance(old, str) or isinstance(new, str)):
        return _text(name, old, new)
    if name in _ITEMS and isinstance(old or [], list) and isinstance(new or [], list):
        if name == "license" and len(old or []) <= 1 and len(new or []) <= 1:
            one = [(v or [None])[0] for v in (old, new)]
            return FieldDiff(name, old, new, (f"~ license: {one[0] or '(unset)'} → {one[1] or '(unset)'}",))
        return _items(name, list(old or []), list(new or []))
    if isinstance(old or {}, Mapping) and isinstance(new or {}, Mapping):
        old, new = old or {}, new or {}
        keys = [*new, *(k for k in old if k not in new)]
        lines = tuple(
            f"~ {name}.{k}: {_show(old.get(k))} → {_show(new.get(k))}"
            for k in keys
            if old.get(k) != new.get(k)
        )
        return FieldDiff(name, _norm(old), _norm(new), lines)
    return FieldDiff(name, old, new, (f"~ {name}: {_show(old)} → {_show(new)}",))


def _items(name: str, old: list[Any], new: list[Any]) -> FieldDiff:
    noun, label = _ITEMS[name]
    old_keys, new_keys = [label(v) for v in old], [label(v) for v in new]
    removed = [v for v, k in zip(old, old_keys, strict=True) if k not in new_keys]
    added = [v for v, k in zip(new, new_keys, strict=True) if k not in old_keys]
    lines = [f"- {noun} {label(v)}" for v in removed] + [f"+ {noun} {label(v)}" for v in added]
    changed = []
    for i, (v, k) in enumerate(zip(new, new_keys, strict=True)):
        before = old[old_keys.index(k)] if k in old_keys else None
        if before is None or before == v or not isinstance(v, Mapping):
            continue
        parts = [
            f"{a}: {_show(before.get(a))} → {_show(v.get(a))}"
            for a in [*v, *(a for a in before if a not in v)]
            if before.get(a) != v.get(a)
        ]
        lines.append(f"~ {noun} {i + 1} {k}: {'; '.join(parts)}")
        changed.append({"item": k, "old": before, "new": v})
    kept_old = [k for k in old_keys if k in new_keys]
    kept_new = [k for k in new_keys if k in old_keys]
    if kept_old != kept_new:
        lines.append(f"~ {name} order: {', '.join(kept_old)} → {', '.join(kept_new)}")
    return FieldDiff(
        name, old or None, new or None, tuple(lines), tuple(added), tuple(removed), tuple(changed)
    )


def _text(name: str, old: str | None, new: str | None) -> FieldDiff:
    """A text field diffed by its lines; a replaced line shows around its first difference."""
    a, b = (old or "").split("\n") if old else [], (new or "").split("\n") if new else []
    if not a or not b:
        count = len(a or b)
        first = _clip(" ".join((a or b)[0].split())) if (a or b) else ""
        verb = "+" if b else "-"
        line = f"{verb} {name} {first}" + (f" … ({count} lines)" if count > 1 else "")
        return FieldDiff(name, old, new, (line,), tuple(b), tuple(a))
    if len(a) == 1 and len(b) == 1:
        return FieldDiff(name, old, new, (f"~ {name}: {' → '.join(_around(a[0], b[0]))}",), (b[0],), (a[0],))
    lines, added, removed = [], [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        removed += a[i1:i2]
        added += b[j1:j2]
        if op == "replace" and i2 - i1 == j2 - j1:
            for n, (x, y) in enumerate(zip(a[i1:i2], b[j1:j2], strict=True)):
                shown_x, shown_y = _around(x, y)
                lines.append(f"~ {name} line {j1 + n + 1}: {shown_x} → {shown_y}")
            continue
        lines += [f"- {name} line {i + 1}: {_clip(a[i])}" for i in range(i1, i2)]
        lines += [f"+ {name} line {j + 1}: {_clip(b[j])}" for j in range(j1, j2)]
    return FieldDiff(name, old, new, tuple(lines), tuple(added), tuple(removed))


def _around(x: str, y: str) -> tuple[str, str]:
    """Two versions of a line from a few words before their first difference, cut at blanks."""
    wx, wy = x.split(" "), y.split(" ")
    same = next((i for i, (p, q) in enumerate(zip(wx, wy, strict=False)) if p != q), min(len(wx), len(wy)))
    start = max(0, same - 3)
    lead = "…" if start else ""
    return _clip(" ".join(wx[start:]), lead), _clip(" ".join(wy[start:]), lead)


def _clip(text: str, lead: str = "") -> str:
    """``text`` quoted, cut at the last blank before ``WIDTH`` characters (a word is never split)."""
    if len(text) > WIDTH and " " in text[:WIDTH]:
        text = text[: text.rindex(" ", 0, WIDTH)] + " …"
    return json.dumps(lead + text, ensure_ascii=False)


def _quote(value: Any) -> str:
    return _clip(str(value))


def _show(value: Any) -> str:
    """A value in a line: text quoted, lists by their items, mappings as ``key: value`` pairs."""
    if value is None or value in ("", [], {}):
        return "(unset)"
    if isinstance(value, str):
        return _clip(value)
    if isinstance(value, list):
        return ", ".join(_show(v) for v in value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    return json.dumps(value, ensure_ascii=False)
