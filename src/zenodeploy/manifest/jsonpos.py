"""JSON loading that remembers where every value came from, as ``yamlpos`` does for YAML.

Real ``.zenodo.json`` files are hand-written, and a few hand-editing slips are common enough to
read through, each with a located warning: a raw control character (a line break, a tab) inside
a string, a string whose closing quote is missing at the end of its line when the next line
starts a new member, a missing comma before a member (``"key":``) or before a list item on the
next line, a trailing comma before ``}`` or ``]``, and a duplicate key (the last wins, as in
Python's ``json``). Zenodo's GitHub integration reads the file with ``json.loads``
(zenodo-rdm ``site/zenodo_rdm/github/release.py``, ``ZenodoReleaseMetadata.load_extra_metadata``),
which refuses every one of these slips but the duplicate key: the release then fails, so each
warning says to fix the file in the repository. Anything else that is not JSON is a located error.
"""

from __future__ import annotations

import json
import re
from typing import Any

from zenodeploy.manifest.yamlpos import PathT, Positions, format_path
from zenodeploy.model import Finding

_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_WORDS = {"true": True, "false": False, "null": None}
_KEY = re.compile(r'"(?:[^"\\\x00-\x1f]|\\.)*"[ \t\r\n]*:')
#: After a control character in a string: the line ends and the next starts a member, or closes.
_LINE_END = re.compile(r'[ \t]*\r?\n[ \t\r\n]*(?:"(?:[^"\\\x00-\x1f]|\\.)*"[ \t]*:|[}\]])')
_VALUE_START = re.compile(r'["{\[\-0-9]|true|false|null')
_UNCLOSED = "the string is not closed at the end of its line"
REJECTED = "Zenodo's GitHub integration (json.loads) rejects the file and the release fails: fix it in the repository"


class JsonError(Exception):
    """Not JSON; ``finding`` says where and what."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.format())
        self.finding = finding


def load(text: str, file: str) -> tuple[Any, Positions, list[Finding]]:
    """Parse ``text``; return the data, where each JSON path starts, and warnings."""
    parser = _Parser(text, file)
    value = parser.value(())
    parser.skip()
    if parser.pos < len(parser.text):
        parser.fail("unexpected text after the JSON document")
    return value, parser.positions, parser.warnings


class _Parser:
    def __init__(self, text: str, file: str) -> None:
        self.text = text.removeprefix("\ufeff")
        self.pos = 0
        self.positions = Positions(file)
        self.warnings: list[Finding] = []
        self.unclosed = -1  # where the last string taken as closed at its line's end ends

    def where(self, pos: int | None = None) -> tuple[int, int]:
        at = self.pos if pos is None else pos
        line = self.text.count("\n", 0, at) + 1
        return line, at - (self.text.rfind("\n", 0, at) + 1) + 1

    def fail(self, message: str) -> None:
        line, column = self.where()
        raise JsonError(Finding(self.positions.file, line, column, "", f"not valid JSON: {message}"))

    def warn(self, path: PathT, message: str, pos: int) -> None:
        line, column = self.where(pos)
        self.warnings.append(
            Finding(self.positions.file, line, column, format_path(path), message, "warning")
        )

    def skip(self) -> None:
        match = _SPACE.match(self.text, self.pos)
        self.pos = match.end() if match else self.pos

    def value(self, path: PathT) -> Any:
        self.skip()
        self.positions.values[path] = self.where()
        char = self.text[self.pos : self.pos + 1]
        if char == "{":
            return self.mapping(path)
        if char == "[":
            return self.sequence(path)
        if char == '"':
            return self.string(path)
        for word, result in _WORDS.items():
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return result
        match = _NUMBER.match(self.text, self.pos)
        if match:
            self.pos = match.end()
            number = match.group()
            self.positions.written[path] = number  # 1.10 reads as 1.1: keep what the file says
            return float(number) if any(c in number for c in ".eE") else int(number)
        self.fail("expected a value (a string, number, object, list, true, false or null)")
        return None

    def string(self, path: PathT) -> str:
        start = self.pos
        try:
            value, end = _scan(self.text, start + 1, True)
        except json.JSONDecodeError as exc:
            if not exc.msg.startswith("Invalid control character"):
                self.pos = exc.pos
                closed = "Unterminated" not in exc.msg
                self.fail(exc.msg.lower() if closed else "a string is not closed before the end of its line")
            return self.raw_string(start, exc.pos, path)
        self.pos = end
        return str(value)

    def raw_string(self, start: int, bad: int, path: PathT) -> str:
        """A string holding a raw control character at ``bad``: a closing quote missing at the
        end of its line (the next line starts a member), or a raw line break or tab within."""
        if _LINE_END.match(self.text, bad):
            value = self.closed_at(start, bad)
            self.warn(path, f"{_UNCLOSED} (a '\"' is missing); taken as ending there. {REJECTED}", self.pos)
            self.unclosed = self.pos
            return value
        try:
            value, end = _scan(self.text, start + 1, False)
        except json.JSONDecodeError:
            value, end = "", -1
        self.pos = end
        self.skip()
        if end < 0 or self.text[self.pos : self.pos + 1] not in (",", "}", "]", ":"):
            self.pos = bad
            self.fail("a string is not closed before the end of its line")
        char = self.text[bad]
        what = {"\n": "line break (write \\n)", "\r": "line break (write \\n)", "\t": "tab (write \\t)"}
        name = what.get(char, f"control character U+{ord(char):04X}")
        self.warn(path, f"a raw {name} inside a string; JSON allows none. {REJECTED}", bad)
        self.pos = end
        return str(value)

    def closed_at(self, start: int, bad: int) -> str:
        """The string from ``start`` as if it were closed at ``bad``, trailing blanks dropped;
        the position is left where the quote is missing."""
        part = self.text[start:bad].rstrip(" \t")
        self.pos = start + len(part)
        try:
            value, _ = _scan(part + '"', 1, True)
        except json.JSONDecodeError:
            self.pos = bad
            self.fail("a string is not closed before the end of its line")
        return str(value)

    def missing_comma(self, path: PathT, before: str, end: int) -> None:
        if end == self.unclosed:  # one slip: the string before lacks its closing quote too
            self.warnings.pop()
            message = f"{_UNCLOSED} and a ',' is missing before {before} (write '\",'); taken as ending there"
        else:
            message = f"a ',' is missing before {before}"
        self.warn(path, f"{message}. {REJECTED}", end)

    def separator(self, close: str, what: str, path: PathT) -> bool:
        """After an item: True when another item follows, False at ``close``."""
        end = self.pos
        self.skip()
        char = self.text[self.pos : self.pos + 1]
        if char == close:
            self.pos += 1
            return False
        if char != ",":
            if close == "}" and _KEY.match(self.text, self.pos):
                key = _KEY.match(self.text, self.pos)[0].rstrip(" \t\r\n:")  # type: ignore[index]
                self.missing_comma(path, f"the key {key}", end)
                return True
            if close == "]" and "\n" in self.text[end : self.pos] and _VALUE_START.match(self.text, self.pos):
                self.missing_comma(path, f"the next item (line {self.where()[0]})", end)
                return True
            self.fail(f"expected ',' or '{close}' after {what} {format_path(path) or 'value'}")
        comma = self.pos
        self.pos += 1
        self.skip()
        if self.text[self.pos : self.pos + 1] == close:
            self.warn(path, f"trailing comma before '{close}'. {REJECTED}", comma)
            self.pos += 1
            return False
        return True

    def mapping(self, path: PathT) -> dict[str, Any]:
        out: dict[str, Any] = {}
        self.pos += 1
        self.skip()
        if self.text[self.pos : self.pos + 1] == "}":
            self.pos += 1
            return out
        while True:
            self.skip()
            start = self.pos
            if self.text[self.pos : self.pos + 1] != '"':
                self.fail("expected a key in double quotes")
            key = self.string(path)
            here = (*path, key)
            if key in out:
                self.warn(
                    here,
                    f"duplicate key '{key}': the last value is used, the earlier one is dropped "
                    "(as Zenodo's reader, json.loads, does); remove the one you do not mean",
                    start,
                )
            self.positions.keys[here] = self.where(start)
            self.skip()
            if self.text[self.pos : self.pos + 1] != ":":
                self.fail(f"expected ':' after the key '{key}'")
            self.pos += 1
            out[key] = self.value(here)
            if not self.separator("}", "the value of", here):
                return out

    def sequence(self, path: PathT) -> list[Any]:
        out: list[Any] = []
        self.pos += 1
        self.skip()
        if self.text[self.pos : self.pos + 1] == "]":
            self.pos += 1
            return out
        while True:
            out.append(self.value((*path, len(out))))
            if not self.separator("]", "item", (*path, len(out) - 1)):
                return out


def _scan(text: str, end: int, strict: bool) -> tuple[str, int]:
    found: tuple[str, int] = json.decoder.scanstring(text, end, strict)  # type: ignore[attr-defined]
    return found
