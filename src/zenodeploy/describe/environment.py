"""The one sandboxed Jinja environment, and rendering with it: a template's errors name its line.

Sandboxed and bounded (``bounds``), strict about undefined names, no autoescape; templates are
read from the manifest's folder or the package's ``builtin:`` templates. ``render`` imports this
module only for a description that is a template.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from zenodeploy.describe.bounds import BoundedSandbox, LimitExceeded, render_bounded
from zenodeploy.describe.context import EnvVars
from zenodeploy.describe.filters import (
    affiliation_names,
    cite_name,
    doi_url,
    md_escape,
    orcid_url,
    person_name,
    vocabulary_title,
)
from zenodeploy.errors import TemplateError

BUILTIN_PREFIX = "builtin:"
_INLINE_FILENAME = "<template>"  # what Jinja uses as the filename of ``from_string`` templates


class _ManifestLoader(jinja2.FileSystemLoader):
    """Templates under ``base_dir`` (symlinks may not lead out of it) and ``builtin:`` package data."""

    def __init__(self, base_dir: Path | None) -> None:
        self.base_dir = base_dir.resolve() if base_dir is not None else None
        super().__init__(str(self.base_dir) if self.base_dir is not None else [])

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        if template.startswith(BUILTIN_PREFIX):
            return _builtin_source(template)
        if self.base_dir is None or template.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", template):
            raise jinja2.TemplateNotFound(template)
        pieces = jinja2.loaders.split_template_path(template)  # refuses '..'
        candidate = self.base_dir.joinpath(*pieces).resolve()
        if not candidate.is_relative_to(self.base_dir):
            raise jinja2.TemplateNotFound(template)
        return super().get_source(environment, template)


def _builtin_source(template: str) -> tuple[str, str, Callable[[], bool]]:
    name = template[len(BUILTIN_PREFIX) :]
    resource = importlib.resources.files("zenodeploy.describe.templates").joinpath(f"{name}.md.j2")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name) or not resource.is_file():
        raise jinja2.TemplateNotFound(template)
    return resource.read_text(encoding="utf-8"), template, lambda: True


@functools.lru_cache(maxsize=32)
def make_environment(base_dir: Path | None = None) -> SandboxedEnvironment:
    """The one environment factory: sandboxed and bounded, strict about undefined names, no autoescape.

    ``{% include %}``/``{% extends %}`` reach only files inside ``base_dir`` and ``builtin:`` names.
    """
    env = BoundedSandbox(
        loader=_ManifestLoader(base_dir),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


@functools.lru_cache(maxsize=1024)
def _from_string(env: SandboxedEnvironment, source: str) -> jinja2.Template:
    """Compile once per source: for_each and bulk manifests repeat the same inline templates."""
    return env.from_string(source)


def render_inline(source: str, context: Mapping[str, Any], base_dir: Path, path: str, display: str) -> str:
    """The Markdown an inline description template renders; ``TemplateError`` at ``path``, naming
    the template ``display``."""
    env = make_environment(base_dir)
    template = _load(lambda: _from_string(env, source), display, base_dir, path, None)
    return _render(template, dict(context), display, base_dir, path)


def render_file(name: str, context: Mapping[str, Any], base_dir: Path, path: str) -> str:
    """The Markdown the template file or ``builtin:`` template ``name`` renders."""
    env = make_environment(base_dir)
    template = _load(lambda: env.get_template(name), name, base_dir, path, name)
    return _render(template, dict(context), name, base_dir, path)


def render_value(
    template: str, context: Mapping[str, Any], *, where: str, base_dir: Path | None = None
) -> str:
    """Render a short template string (e.g. a ``for_each`` field) with the same environment.

    Raises ``TemplateError`` with ``path=where``.
    """
    env = make_environment(base_dir)
    display = f"template {template!r}"
    compiled = _load(lambda: _from_string(env, template), display, base_dir, where, None)
    return _render(compiled, dict(context), display, base_dir, where)


def _load(
    get: Callable[[], jinja2.Template], display: str, base_dir: Path | None, path: str, name: str | None
) -> jinja2.Template:
    try:
        return get()
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(_not_found_message(exc, name, base_dir), path) from None
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(_message(exc, display, base_dir), path) from None


def _render(
    template: jinja2.Template, context: dict[str, Any], display: str, base_dir: Path | None, path: str
) -> str:
    try:
        return render_bounded(template, context)
    except jinja2.TemplateNotFound as exc:
        where = _location(exc, display, base_dir)
        raise TemplateError(f"{where}: {_not_found_message(exc, None, base_dir)}", path) from None
    except Exception as exc:  # any failure inside a template is the template's fault: report its line
        raise TemplateError(_message(exc, display, base_dir), path) from None


def _not_found_message(exc: jinja2.TemplateNotFound, name: str | None, base_dir: Path | None) -> str:
    missing = exc.name if isinstance(exc.name, str) else str(exc)
    if missing.startswith(BUILTIN_PREFIX):
        return f"There is no built-in template {missing!r}; the built-in templates are: {', '.join(builtin_names())}."
    folder = str(base_dir) if base_dir is not None else "the manifest's folder"
    what = "The description template" if name is not None else "The included template"
    return (
        f"{what} {missing!r} was not found inside {folder}; templates can only be read from the "
        "manifest's folder, by a relative path without '..'."
    )


def builtin_names() -> list[str]:
    """Names of the starter templates shipped with the package (``builtin:NAME``)."""
    folder = importlib.resources.files("zenodeploy.describe.templates")
    return sorted(
        BUILTIN_PREFIX + item.name.removesuffix(".md.j2")
        for item in folder.iterdir()
        if item.name.endswith(".md.j2")
    )


def _message(exc: BaseException, display: str, base_dir: Path | None) -> str:
    where = _location(exc, display, base_dir)
    text = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
    text = text.rstrip(".")
    if isinstance(exc, jinja2.UndefinedError):
        env_name = re.search(
            rf"'{re.escape(EnvVars.__module__)}\.EnvVars object' has no attribute '(\w+)'", text
        )
        if env_name:
            var = env_name.group(1)
            return (
                f"{where}: environment variable {var} is not set (or not listed under env: in the "
                f"manifest). Set it and list it, or give the template a default for runs without it: "
                f"{{{{ env.{var} | default('…') }}}}"
            )
        return f"{where}: {text}. Define it under vars: or fix the name (test optional fields with `is defined`)."
    if isinstance(exc, LimitExceeded):
        return f"{where}: {text}. Templates are bounded: make the template do less"
    if isinstance(exc, MemoryError | RecursionError):
        return f"{where}: the template needs too much memory or recursion. Make it do less"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"{where}: syntax error: {text}. Fix the template."
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"{where}: {text}; templates run in a sandbox and cannot reach Python internals."
    return f"{where}: {type(exc).__name__}: {text}. Fix the template or its data."


def _location(exc: BaseException, display: str, base_dir: Path | None) -> str:
    """``name:line`` of the innermost template frame of ``exc`` (Jinja rewrites tracebacks)."""
    filename: str | None = None
    lineno: int | None = None
    if isinstance(exc, jinja2.TemplateSyntaxError):
        filename, lineno = exc.filename, exc.lineno
    tb = exc.__traceback__
    while tb is not None and not isinstance(exc, jinja2.TemplateSyntaxError):
        if tb.tb_frame.f_globals.get("__jinja_exception__") is exc:
            filename, lineno = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        tb = tb.tb_next
    name = _display_name(filename, display, base_dir)
    return f"{name}:{lineno}" if lineno else name


def _display_name(filename: str | None, display: str, base_dir: Path | None) -> str:
    if filename is None or filename in (_INLINE_FILENAME, "<unknown>"):
        return display
    if filename.startswith(BUILTIN_PREFIX):
        return filename
    if base_dir is not None:
        try:
            return Path(filename).resolve().relative_to(base_dir.resolve()).as_posix()
        except ValueError:
            pass
    return filename


# --- filters -------------------------------------------------------------------------------


def pick(mapping: Any, *keys: str) -> Any:
    """The first of ``keys`` (dotted for nested) present and not None in ``mapping``, else None."""
    for key in keys:
        value: Any = mapping
        for part in key.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        if value is not None and value != "":
            return value
    return None


FILTERS: dict[str, Callable[..., Any]] = {
    "md_escape": md_escape,
    "orcid_url": orcid_url,
    "doi_url": doi_url,
    "person_name": person_name,
    "cite_name": cite_name,
    "affiliation_names": affiliation_names,
    "pick": pick,
    "vocabulary_title": vocabulary_title,
}
