"""Bounded templates: the sandbox that refuses work a description never needs.

A manifest (and so its templates) may come from an untrusted pull request, and ``validate``
renders them. ``BoundedSandbox`` caps what one template can make, before making it: string and
list repetition, ``+``, padding widths (``center``, ``indent``, ``format`` …), ``replace`` and
``join`` results, ``lipsum``, the values a namespace holds, the output size; and a wall-clock
budget checked at every loop iteration and every call. Each refusal is a ``LimitExceeded``
raised inside the template, so the error names the template's line.
"""

from __future__ import annotations

import re
import string
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import Namespace, generate_lorem_ipsum

MAX_OUTPUT = 2_000_000  # characters one template may render (a description is far shorter)
MAX_STRING = MAX_OUTPUT  # characters of any one string a template makes
MAX_ITEMS = 100_000  # items of any one list a template makes (also the longest range)
MAX_WIDTH = 10_000  # a padding or wrapping width
MAX_INT_BITS = 10_000  # an integer a template computes (``**``)
TIME_BUDGET = 1.5  # seconds of wall-clock time per template

_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})
_NUMBER = re.compile(r"\d+")


class LimitExceeded(jinja2.TemplateRuntimeError):
    """A template went past one of the bounds; the message says which and how to stay within it."""


class _Budget(threading.local):
    deadline: float | None = None


_budget = _Budget()


def _tick() -> None:
    if _budget.deadline is not None and time.monotonic() > _budget.deadline:
        raise LimitExceeded(
            f"the template ran for more than {TIME_BUDGET:g} s (a loop or recursion too large); "
            "a description renders in milliseconds"
        )


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, list, tuple)) else 0


def _check_size(size: int, what: str) -> None:
    limit = MAX_STRING if what == "string" else MAX_ITEMS
    if size > limit:
        raise LimitExceeded(
            f"the template would make a {what} of {size:,} {'characters' if what == 'string' else 'items'}; "
            f"the limit is {limit:,}"
        )


def _check_width(value: Any, what: str) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_WIDTH:
        raise LimitExceeded(f"{what} {value:,} is too wide; the limit is {MAX_WIDTH:,}")


def _check_format(fmt: str, args: Iterable[Any]) -> None:
    """Widths written in a format string (``{:>99999}``, ``%99999d``) or given as ``*`` arguments."""
    for number in _NUMBER.findall(fmt):  # no int() of a huge digit string: its length says enough
        _check_width(int(number) if len(number) <= 6 else 10**6, "a format width")
    for arg in args:
        _check_width(arg, "a format width")


def _format_fields(fmt: str) -> str:
    """The format specs of a ``str.format`` string, joined (to look for widths)."""
    try:
        return " ".join(spec or "" for _, _, spec, _ in string.Formatter().parse(fmt))
    except ValueError:
        return ""  # str.format itself will say what is wrong


def _guard_str_method(obj: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    owner, name = getattr(obj, "__self__", None), getattr(obj, "__name__", "")
    if isinstance(owner, str):
        if name in _WIDTH_METHODS:
            for value in (*args, *kwargs.values()):
                _check_width(value, f"the width of {name}()")
        elif name == "replace" and len(args) >= 2:
            _check_size(_replace_size(owner, args[0], args[1]), "string")
        elif name == "join" and args:
            _check_size(_join_size(owner, args[0]), "string")
    elif isinstance(owner, list) and name in ("extend", "__iadd__") and args:
        _check_size(len(owner) + _size(args[0]), "list")


def _replace_size(text: str, old: Any, new: Any) -> int:
    if not (isinstance(old, str) and isinstance(new, str)):
        return 0
    count = text.count(old) if old else len(text) + 1
    return len(text) + count * (len(new) - len(old))


def _join_size(separator: str, items: Any) -> int:
    if not isinstance(items, (list, tuple)):
        return 0
    return sum(len(str(item)) for item in items) + len(separator) * max(len(items) - 1, 0)


def bounded_iter(iterable: Any) -> Iterator[Any]:
    """What every ``{% for %}`` loops over: the iterable, with the time budget checked per item."""
    for item in iterable:
        _tick()
        yield item


def _bounded_range(*args: int) -> range:
    made = range(*args)
    _check_size(len(made), "list")
    return made


def _bounded_lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
    _check_width(n * max, "lipsum's paragraphs × words")
    return str(generate_lorem_ipsum(n, html, min, max))


class _BoundedNamespace(Namespace):
    def __setitem__(self, name: str, value: Any) -> None:
        _check_size(_size(value), "string" if isinstance(value, str) else "list")
        super().__setitem__(name, value)


def _wrap_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A built-in filter whose arguments (not the piped value) are checked before it runs."""

    def guarded(*args: Any, **kwargs: Any) -> Any:
        _tick()
        values = args[1:] if getattr(func, "jinja_pass_arg", None) is not None else args
        piped, rest = (values[0], values[1:]) if values else (None, ())
        extra = (*rest, *kwargs.values())
        if name == "format" and isinstance(piped, str):
            _check_format(piped, extra)
        elif name == "replace" and len(rest) >= 2 and isinstance(piped, str):
            _check_size(_replace_size(piped, rest[0], rest[1]), "string")
        elif name == "join" and isinstance(piped, (list, tuple)):
            _check_size(_join_size(str(rest[0]) if rest else "", piped), "string")
        elif name in ("slice", "batch"):
            for value in extra:
                _check_size(value if isinstance(value, int) else 0, "list")
        else:
            for value in extra:
                _check_width(value, f"the width of |{name}")
        return func(*args, **kwargs)

    for attr in ("jinja_pass_arg",):
        if hasattr(func, attr):
            setattr(guarded, attr, getattr(func, attr))
    return guarded


_GUARDED_FILTERS = ("center", "indent", "wordwrap", "format", "replace", "join", "slice", "batch")


class BoundedSandbox(SandboxedEnvironment):
    """The sandbox, with the bounds above on operators, calls, loops and a few globals and filters."""

    intercepted_binops = frozenset({"*", "+", "**", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.bounded_iter = bounded_iter
        self.globals.update(range=_bounded_range, lipsum=_bounded_lipsum, namespace=_BoundedNamespace)
        for name in _GUARDED_FILTERS:
            self.filters[name] = _wrap_filter(name, self.filters[name])

    def compile(
        self,
        source: str | nodes.Template,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> Any:
        """Compile with every ``for`` loop's iterable passed through ``bounded_iter`` first."""
        tree = self.parse(source, name, filename) if isinstance(source, str) else source
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Call(nodes.EnvironmentAttribute("bounded_iter"), [loop.iter], [], None, None)
        if raw:
            return super().compile(tree, name, filename, raw=True, defer_init=defer_init)
        return super().compile(tree, name, filename, defer_init=defer_init)

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        _tick()
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
                    _check_size(len(seq) * times, "string" if isinstance(seq, str) else "list")
        elif operator == "+" and type(left) is type(right) and isinstance(left, (str, list, tuple)):
            _check_size(len(left) + len(right), "string" if isinstance(left, str) else "list")
        elif operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
            if max(abs(left), 2).bit_length() * right > MAX_INT_BITS:
                raise LimitExceeded(f"{left} ** {right} is too large a number for a template")
        elif operator == "%" and isinstance(left, str):
            _check_format(left, right if isinstance(right, tuple) else (right,))
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _tick()
        for value in (*args, *kwargs.values()):  # e.g. a macro called with a doubled string
            _check_size(_size(value), "string" if isinstance(value, str) else "list")
        _guard_str_method(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, str) and attribute in ("format", "format_map"):
            _check_format(_format_fields(obj), ())
        return super().getattr(obj, attribute)


def render_bounded(template: jinja2.Template, context: Mapping[str, Any]) -> str:
    """Render within the time budget and ``MAX_OUTPUT`` characters (``LimitExceeded`` otherwise)."""
    outer = _budget.deadline
    _budget.deadline = time.monotonic() + TIME_BUDGET if outer is None else outer
    try:
        parts: list[str] = []
        size = 0
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise LimitExceeded(f"the template renders more than {MAX_OUTPUT:,} characters")
            parts.append(chunk)
            _tick()
        return "".join(parts)
    finally:
        _budget.deadline = outer
