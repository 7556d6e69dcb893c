"""JSON loading that remembers where every value came from, as ``yamlpos`` does for YAML.

Real ``.zenodo.json`` files are hand-written: a duplicate key or a trailing comma is read as
Zenodo's own JSON reader would not, so both are tolerated with a located warning (the last
duplicate wins, as in Python's ``json``); anything else that is not JSON is a located error.
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
    if parser.pos < len(text):
        parser.fail("unexpected text after the JSON document")
    return value, parser.positions, parser.warnings


class _Parser:
    def __init__(self, text: str, file: str) -> None:
        self.text = text.removeprefix("\ufeff")
        self.pos = 0
        self.positions = Positions(file)
        self.warnings: list[Finding] = []

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
            return self.string()
        for word, result in _WORDS.items():
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return result
        match = _NUMBER.match(self.text, self.pos)
        if match:
            self.pos = match.end()
            number = match.group()
            return float(number) if any(c in number for c in ".eE") else int(number)
        self.fail("expected a value (a string, number, object, list, true, false or null)")
        return None

    def string(self) -> str:
        try:
            value, end = json.decoder.scanstring(self.text, self.pos + 1)  # type: ignore[attr-defined]
        except json.JSONDecodeError as exc:
            self.pos = exc.pos
            closed = "control character" not in exc.msg and "Unterminated" not in exc.msg
            self.fail(exc.msg.lower() if closed else "a string is not closed before the end of its line")
        self.pos = end
        return str(value)

    def separator(self, close: str, what: str, path: PathT) -> bool:
        """After an item: True when another item follows, False at ``close``."""
        self.skip()
        char = self.text[self.pos : self.pos + 1]
        if char == close:
            self.pos += 1
            return False
        if char != ",":
            self.fail(f"expected ',' or '{close}' after {what} {format_path(path) or 'value'}")
        comma = self.pos
        self.pos += 1
        self.skip()
        if self.text[self.pos : self.pos + 1] == close:
            self.warn(
                path,
                "trailing comma before '" + close + "'; Zenodo's JSON reader refuses it, remove it",
                comma,
            )
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
            key = self.string()
            here = (*path, key)
            if key in out:
                self.warn(
                    here, f"duplicate key '{key}': the last value is used, the earlier one is dropped", start
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
