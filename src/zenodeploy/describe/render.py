"""Descriptions: an inline string or a template file → Markdown → the sanitised HTML Zenodo stores.

Templates render in the one sandboxed Jinja environment (``environment``, imported only for a
description that is a template); ``render_description`` turns the Markdown (via ``markdown``) into
the HTML Zenodo stores, with a warning for everything Zenodo would strip. An inline description
with no ``{`` is its own Markdown: Jinja would return it as it is (a test compares).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from zenodeploy.describe.markdown import markdown_to_html
from zenodeploy.errors import TemplateError
from zenodeploy.model import Description, Finding

INLINE_NAME = "inline description"
# Longer plain text goes through Jinja, which refuses more than bounds.MAX_OUTPUT characters.
PLAIN_MAX = 100_000


def is_plain(spec: Any) -> bool:
    """Whether ``spec`` is an inline description Jinja renders as it is: no ``{`` (no expression,
    statement or comment), no ``\\r`` (Jinja makes line ends ``\\n``), not too long to render."""
    return isinstance(spec, str) and "{" not in spec and "\r" not in spec and len(spec) <= PLAIN_MAX


def render_description(
    spec: str | Mapping[str, Any],
    *,
    context: Mapping[str, Any],
    base_dir: Path,
    where: str,
    source_file: str = "",
    line_offset: int = 0,
) -> Description:
    """Render a description ``spec`` to Markdown and Zenodo's sanitised HTML.

    ``spec`` is an inline Markdown+Jinja string or ``{"template": path | "builtin:NAME",
    "vars": {...}}`` (path relative to ``base_dir``; ``vars`` merged over ``context["vars"]``).
    Raises ``TemplateError`` (path ``{where}.description``) naming the template and its line.
    Warnings are findings in ``source_file`` for an inline spec (``line`` = Markdown line +
    ``line_offset``: pass the manifest line just before the text's first line), or in the template
    file for a template (``line`` = line of the rendered Markdown, said in the message).
    A plain ``spec`` (``is_plain``) does not read ``context``.
    """
    path = f"{where}.description"
    if isinstance(spec, str):
        offset, finding_file = line_offset, source_file or INLINE_NAME
        if is_plain(spec):
            markdown = spec
        else:
            from zenodeploy.describe.environment import render_inline

            markdown = render_inline(spec, context, base_dir, path, INLINE_NAME)
    else:
        name = spec.get("template")
        if not isinstance(name, str) or not name:
            raise TemplateError("A description object needs `template:` (a file path or builtin:NAME).", path)
        extra = spec.get("vars") or {}
        if not isinstance(extra, Mapping):
            raise TemplateError("The description's `vars:` must be a mapping of names to values.", path)
        ctx = {**context, "vars": {**dict(context.get("vars") or {}), **dict(extra)}}
        offset, finding_file = 0, name
        from zenodeploy.describe.environment import render_file

        markdown = render_file(name, ctx, base_dir, path)
    html, issues = markdown_to_html(markdown)
    note = "" if isinstance(spec, str) else " (line of the rendered Markdown)"
    warnings = tuple(
        Finding(finding_file, line + offset, 1, path, message + note, "warning") for line, message in issues
    )
    return Description(markdown=markdown, html=html, warnings=warnings)


def render_value(
    template: str, context: Mapping[str, Any], *, where: str, base_dir: Path | None = None
) -> str:
    """Render a short template string (e.g. a ``for_each`` field) with the same environment.

    Raises ``TemplateError`` with ``path=where``.
    """
    from zenodeploy.describe import environment

    return environment.render_value(template, context, where=where, base_dir=base_dir)
