"""Where a warning about an inline description belongs in the manifest: the text's own line
when its lines are the manifest's (a plain ``|`` block), else the description's line."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from zenodeploy.describe import render
from zenodeploy.manifest.load import Manifest
from zenodeploy.model import Finding


def text_line(manifest: Manifest, path: tuple[str | int, ...]) -> int:
    """The manifest line just before the first line of a ``|`` block (it starts below its key),
    so a warning about the text's line N points at the manifest's; 0 otherwise."""
    return manifest.positions.values[path][0] if path in manifest.positions.literal else 0


def placed(
    found: tuple[Finding, ...], manifest: Manifest, path: tuple[str | int, ...], spec: Any
) -> list[Finding]:
    """Warnings about an inline text at their manifest line where the text's lines are the
    manifest's (a plain ``|`` block); else at the description's own line (a template's lines, a
    folded or quoted text's lines, are not the manifest's)."""
    if not isinstance(spec, str) or path not in manifest.positions.values:
        return list(found)
    if render.is_plain(spec) and text_line(manifest, path):
        return list(found)
    line, column = manifest.positions.values[path]
    return [replace(f, line=line, column=column) if f.file == str(manifest.path) else f for f in found]
