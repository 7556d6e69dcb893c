"""Which context names a description reads, read from its Jinja syntax tree (never rendered).

Used to know whether a description can show a file's md5 before the md5 is known: files are
hashed once, while they are sent, unless the description reads ``files`` or ``samples``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

from zenodeploy.describe.environment import make_environment


def reads_any(spec: Any, base_dir: Path, names: frozenset[str]) -> bool:
    """Whether the description ``spec`` (inline text or ``{template: ...}``) may read one of ``names``
    from its context, in itself or in a template it includes, imports or extends.

    A template that cannot be read or parsed, or that names another template by an expression,
    counts as reading them: the render reports its error, and nothing is left unknown.
    """
    if not spec:
        return False
    env = make_environment(base_dir)
    if isinstance(spec, str):
        return _reads(env, spec, names, set())
    name = spec.get("template") if isinstance(spec, Mapping) else None
    return not isinstance(name, str) or _reads_template(env, name, names, set())


def _reads_template(env: jinja2.Environment, name: str, names: frozenset[str], seen: set[str]) -> bool:
    if name in seen:
        return False
    seen.add(name)
    loader = env.loader
    if loader is None:
        return True
    try:
        source, _, _ = loader.get_source(env, name)
    except (jinja2.TemplateNotFound, OSError, UnicodeDecodeError):
        return True
    return _reads(env, source, names, seen)


def _reads(env: jinja2.Environment, source: str, names: frozenset[str], seen: set[str]) -> bool:
    parsed = _names(env, source)
    if parsed is None or parsed[0] & names:
        return True
    return any(other is None or _reads_template(env, other, names, seen) for other in parsed[1])


@functools.lru_cache(maxsize=256)
def _names(env: jinja2.Environment, source: str) -> tuple[frozenset[str], tuple[str | None, ...]] | None:
    """The names ``source`` reads from its context and the templates it names (None: by an
    expression), or None when it does not parse; once per source (bulk manifests repeat one)."""
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError:
        return None
    return frozenset(meta.find_undeclared_variables(tree)), tuple(meta.find_referenced_templates(tree))
