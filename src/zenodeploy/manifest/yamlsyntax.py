"""A YAML syntax error as a finding in plain words, placed where the user can fix it.

PyYAML reports an unclosed quote or bracket where it gave up, often the end of the file; the
place to fix is where the quote or bracket was opened, which the error carries as ``context_mark``.
"""

from __future__ import annotations

from typing import Any

import yaml

from zenodeploy.model import Finding

#: PyYAML's context → (what was opened, how to close it).
_OPENED = {
    "while scanning a quoted scalar": ("a quote", "add the closing quote at the end of the value"),
    "while parsing a flow sequence": ("a [", "end the list with ]"),
    "while parsing a flow mapping": ("a {", "end the mapping with }"),
}
_QUOTE_HINT = "or, if the {0} is part of the text, put the whole value in quotes of the other kind"
_TEXT_HINT = "or, if the {0} is part of the text, put the whole value in quotes"
_FALLBACK = "Check the indentation and quoting near here."


def syntax_finding(exc: yaml.MarkedYAMLError, text: str, file: str) -> Finding:
    """The finding for ``exc``, raised while parsing ``text`` (the file ``file``)."""
    problem = exc.problem or "invalid YAML"
    mark, opened = exc.problem_mark or exc.context_mark, exc.context_mark
    if mark is None:
        return Finding(file, 1, 1, "", f"YAML syntax error: {problem}. {_FALLBACK}")
    line, col = mark.line + 1, mark.column + 1
    moved = opened is not None and (opened.line, opened.column) != (mark.line, mark.column)
    if moved and exc.context in _OPENED:
        return _unclosed(exc, text, file)
    if moved and opened is not None:
        context = f" ({_the(exc.context)} that starts at line {opened.line + 1}, column {opened.column + 1})"
    else:
        context = f" ({exc.context})" if exc.context else ""
    hint = _runaway_quote(text, mark) or _colon_in_value(problem, text, mark) or _FALLBACK
    return Finding(file, line, col, "", f"YAML syntax error: {problem}{context}. {hint}")


def _unclosed(exc: yaml.MarkedYAMLError, text: str, file: str) -> Finding:
    """A quote, [ or { never closed: placed where it opened when the parser gave up at the end."""
    mark, opened = exc.problem_mark, exc.context_mark
    assert mark is not None and opened is not None and exc.context is not None
    what, close = _OPENED[exc.context]
    char = _char_at(text, opened)
    if what == "a quote":
        what, alternative = f"a quote ({char})", _QUOTE_HINT.format(char)
    else:
        alternative = _TEXT_HINT.format(char)
    if _at_end(text, mark):
        message = f"{what} opened here is never closed; {close}, {alternative}"
        return Finding(file, opened.line + 1, opened.column + 1, "", f"YAML syntax error: {message}")
    where = f"line {opened.line + 1}, column {opened.column + 1}"
    closer = {"a [": "]", "a {": "}"}.get(what)
    lines = text.splitlines()
    rest = lines[mark.line][mark.column :].split(" #")[0] if mark.line < len(lines) else ""
    if closer and mark.line == opened.line and closer in rest:  # closed later on its own line
        message = (
            f"{exc.problem}: in the {what[2:]} opened at {where}, this item is not followed by ',' or "
            f"'{closer}'; put an item that holds ': ', '#' or a quote in quotes"
        )
        return Finding(file, mark.line + 1, mark.column + 1, "", f"YAML syntax error: {message}")
    message = f"{exc.problem}: {what} opened at {where} is not closed before here; {close}, {alternative}"
    return Finding(file, mark.line + 1, mark.column + 1, "", f"YAML syntax error: {message}")


_PLAIN = {"scalar": "value", "block collection": "list", "block mapping": "mapping"}


def _the(context: str | None) -> str:
    """``while parsing a block mapping`` → ``in the mapping``, in the words of the manifest."""
    words = str(context).split()
    while words and words[0] in ("while", "parsing", "scanning", "a", "an"):
        words.pop(0)
    named = " ".join(words)
    for term, plain in _PLAIN.items():
        named = named.replace(term, plain)
    return f"in the {named}"


def _runaway_quote(text: str, mark: Any) -> str | None:
    """A quoted value that spans lines and ends on the line of the error: its own closing quote is
    most likely missing, and the quote that ended it opened the next value."""
    found = None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.line > mark.line:
                break
            if (
                isinstance(token, yaml.ScalarToken)
                and token.style in ('"', "'")
                and token.start_mark.line < token.end_mark.line == mark.line
            ):
                found = token
    except yaml.YAMLError:
        pass
    if found is None:
        return None
    start = found.start_mark
    return (
        f"The quoted value at line {start.line + 1}, column {start.column + 1} runs on to this line: "
        f"is its closing {found.style} missing?"
    )


def _colon_in_value(problem: str, text: str, mark: Any) -> str | None:
    """``title: Note: on NMR`` – a ': ' inside a plain value reads as a second key."""
    if not problem.startswith("mapping values are not allowed"):
        return None
    key, sep, value = text.splitlines()[mark.line].strip().partition(": ")
    quote = next((q for q in "'\"" if q not in value), None)
    if not (sep and value.strip() and quote):
        return None
    value = value.strip()
    return (
        f"A ': ' inside a value starts a new key; put the whole value in quotes: {key}: {quote}{value}{quote}"
    )


def _offset(text: str, mark: Any) -> int:
    """Where ``mark`` is in ``text``. Python's line breaks are YAML's (CR, LF, CRLF, NEL, LS, PS)
    plus control characters YAML refuses before it parses, so the lines are the same."""
    lines = text.splitlines(keepends=True)
    return sum(len(part) for part in lines[: mark.line]) + int(mark.column)


def _char_at(text: str, mark: Any) -> str:
    return text[_offset(text, mark) : _offset(text, mark) + 1] or "?"


def _at_end(text: str, mark: Any) -> bool:
    """Whether nothing but white space follows ``mark``: the parser gave up at the end of the file."""
    return not text[_offset(text, mark) :].strip()


def unquoted_template(path: tuple[str | int, ...]) -> str:
    """The words for ``title: {{ x }}`` left unquoted: YAML reads it as a mapping used as a key."""
    last = path[-1] if path else "the field"
    written = '- "{{ … }}"' if isinstance(last, int) else f'{last}: "{{{{ … }}}}"'
    return (
        f"a template must be in quotes: YAML reads an unquoted {{{{ … }}}} as a mapping. Write "
        f"{written} (the whole value in quotes)"
    )
