"""YAML loading that remembers where every value came from (line and column per JSON path)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import yaml

from zenodeploy.model import Finding

# libyaml is ~10x faster than the pure-Python parser; fall back when it is not compiled in.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type, misc]
    """Safe loading, but dates stay strings: EDTF dates and ISO dates are text in the API."""

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, re.Pattern[str]]]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }


PathT = tuple[str | int, ...]


def format_path(path: PathT) -> str:
    """``("depositions", 0, "title")`` → ``depositions[0].title``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(slots=True)
class Positions:
    """Where each JSON path starts in the source file; keys point at their key, values at their value."""

    file: str
    values: dict[PathT, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathT, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: PathT, *, key: bool = False) -> tuple[int, int]:
        """The (line, column) of ``path``, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if probe in self.keys:
                return self.keys[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))

    def finding(self, path: PathT, message: str, *, key: bool = False, severity: str = "error") -> Finding:
        line, col = self.at(path, key=key)
        return Finding(
            self.file, line, col, format_path(path), message, "warning" if severity == "warning" else "error"
        )


class YamlError(Exception):
    """A YAML document could not be parsed; carries the finding."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def load(text: str, file: str) -> tuple[Any, Positions, list[Finding]]:
    """Parse one YAML document; return its data, the positions of its nodes and structural findings.

    Duplicate mapping keys (which YAML parsers silently collapse) are reported as findings.
    Raises ``YamlError`` for syntax errors, with the line and column of the problem.
    """
    if "\t" in text:
        for lineno, source_line in enumerate(text.splitlines(), 1):
            indent = source_line[: len(source_line) - len(source_line.lstrip(" \t"))]
            if "\t" in indent:
                col = indent.index("\t") + 1
                raise YamlError(
                    Finding(
                        file,
                        lineno,
                        col,
                        "",
                        "tab character in indentation; YAML indents with spaces only. Replace the tab with spaces.",
                    )
                )
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        raise YamlError(
            Finding(
                file,
                line,
                col,
                "",
                f"YAML syntax error: {problem}{context}. Check the indentation and quoting near here.",
            )
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(Finding(file, 1, 1, "", f"YAML error: {exc}")) from None
    finally:
        loader.dispose()
    positions = Positions(file)
    findings: list[Finding] = []
    if node is not None:
        for path, key_node, value_node in _walk(node, ()):
            positions.values[path] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
            if key_node is not None:
                positions.keys[path] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        findings.extend(_duplicate_keys(node, (), positions))
    return data, positions, findings


def _walk(
    node: yaml.Node, path: PathT, key_node: yaml.Node | None = None
) -> Iterator[tuple[PathT, yaml.Node | None, yaml.Node]]:
    yield path, key_node, node
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            yield from _walk(v, (*path, _key(k)), k)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _walk(item, (*path, i))


def _key(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "?"


def _duplicate_keys(node: yaml.Node, path: PathT, positions: Positions) -> Iterator[Finding]:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for k, v in node.value:
            name = _key(k)
            if name in seen:
                yield Finding(
                    positions.file,
                    k.start_mark.line + 1,
                    k.start_mark.column + 1,
                    format_path((*path, name)),
                    f"duplicate key '{name}' (first defined on line {seen[name]}); YAML keeps only the last one. Remove one of them.",
                )
            else:
                seen[name] = k.start_mark.line + 1
            yield from _duplicate_keys(v, (*path, name), positions)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _duplicate_keys(item, (*path, i), positions)
