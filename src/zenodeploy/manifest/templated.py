"""Templated deposition fields: ``{{ vars.x }}``, ``{{ env.X }}``, ``{{ git.tag }}`` and ``for_each``
expansion (one deposition per matching folder, with ``item``), each result schema-checked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from zenodeploy.errors import LocatedError
from zenodeploy.manifest import schema
from zenodeploy.manifest.yamlpos import PathT, Positions, format_path, parse_path
from zenodeploy.model import Finding

_TEMPLATE = re.compile(r"{{|{%")


def has_template(value: Any) -> bool:
    if isinstance(value, str):
        return bool(_TEMPLATE.search(value))
    if isinstance(value, Mapping):
        return any(has_template(v) for v in value.values())
    if isinstance(value, list):
        return any(has_template(v) for v in value)
    return False


def render_entry(
    entry: Mapping[str, Any], where: PathT, context: Mapping[str, Any], positions: Positions
) -> tuple[dict[str, Any] | None, list[Finding]]:
    """A deposition whose fields use ``{{ env.X }}``, ``{{ vars.x }}`` or ``{{ git.tag }}`` (CI releases)."""
    from zenodeploy.describe import render

    fields = {k: v for k, v in entry.items() if k != "description"}
    try:
        rendered = _render_strings(fields, context, format_path(where), render.render_value)
    except LocatedError as exc:
        return None, [positions.finding(parse_path(exc.path) or where, str(exc))]
    if "description" in entry:
        rendered["description"] = entry["description"]
    problems = schema.validate(rendered, positions, base=where, definition="deposition")
    return (None if problems else rendered), problems


def expand(
    entry: Mapping[str, Any], where: PathT, base_dir: Path, shared: Mapping[str, Any], positions: Positions
) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[Finding]]:
    """One deposition per folder matching ``for_each``, strings rendered with ``item``; then schema-checked."""
    from zenodeploy.content import samples
    from zenodeploy.describe import render  # render owns Jinja; samples owns sidecar parsing

    pattern = str(entry["for_each"])
    folders = sorted(
        p
        for p in base_dir.glob(pattern)
        if p.is_dir() and not any(part.startswith(".") for part in p.relative_to(base_dir).parts)
    )
    if not folders:
        return [], [
            positions.finding(
                (*where, "for_each"), f"'{pattern}' matches no folder in {base_dir}; check the pattern"
            )
        ]
    out: list[tuple[dict[str, Any], dict[str, Any]]] = []
    findings: list[Finding] = []
    sidecar = entry.get("metadata")
    # The description is rendered later with the full context (item included), not here.
    template = {k: v for k, v in entry.items() if k not in ("for_each", "metadata", "description")}
    for folder in folders:
        rel = folder.relative_to(base_dir).as_posix()
        try:
            meta = (
                samples.read_sidecar(folder / sidecar, format_path((*where, "metadata"))) if sidecar else {}
            )
            item = {"name": folder.name, "path": rel, "meta": meta}
            context = {**shared, "item": item}
            rendered = _render_strings(template, context, format_path(where), render.render_value)
            if "description" in entry:
                rendered["description"] = entry["description"]
        except LocatedError as exc:
            findings.append(for_item(positions.finding(parse_path(exc.path) or where, str(exc)), rel))
            continue
        problems = schema.validate(rendered, positions, base=where, definition="deposition")
        findings += [for_item(f, rel) for f in problems]
        if not problems:
            out.append((rendered, item))
    return out, merge_items(findings)


_ITEM = re.compile(r"^(?P<stem>.*) \(for_each items? (?P<items>.+)\)$", re.DOTALL)


def for_item(finding: Finding, folder: str) -> Finding:
    """``finding`` as met while expanding ``for_each`` for ``folder``."""
    f = finding
    return Finding(f.file, f.line, f.column, f.path, f"{f.message} (for_each item {folder})", f.severity)


def merge_items(findings: list[Finding]) -> list[Finding]:
    """One finding per problem: the same message at the same place for several ``for_each``
    folders (a template typo repeats in each) becomes one line naming the folders."""
    groups: dict[tuple[Any, ...], list[str]] = {}
    for f in findings:
        match = _ITEM.match(f.message)
        stem, items = (match["stem"], match["items"].split(", ")) if match else (f.message, [])
        groups.setdefault((f.file, f.line, f.column, f.path, stem, f.severity), []).extend(items)
    out = []
    for (file, line, column, path, stem, severity), items in groups.items():
        unique = list(dict.fromkeys(items))
        suffix = f" (for_each item{'s' if len(unique) > 1 else ''} {', '.join(unique)})" if unique else ""
        out.append(Finding(file, line, column, path, stem + suffix, severity))
    return out


def _render_strings(value: Any, context: Mapping[str, Any], where: str, render_value: Any) -> Any:
    if isinstance(value, str):
        return render_value(value, context, where=where) if _TEMPLATE.search(value) else value
    if isinstance(value, Mapping):
        return {k: _render_strings(v, context, f"{where}.{k}", render_value) for k, v in value.items()}
    if isinstance(value, list):
        return [_render_strings(v, context, f"{where}[{i}]", render_value) for i, v in enumerate(value)]
    return value
