"""YAML loading that remembers where every value came from (line and column per JSON path)."""

from __future__ import annotations

import re
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
    positions = Positions(file)
    findings: list[Finding] = []
    try:
        node = loader.get_single_node()
        data = _Builder(loader, positions, findings).build(node, (), None) if node is not None else None
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
    return data, positions, findings


_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


class _Builder:
    """One pass over the node tree: build the data, record positions, report duplicate keys.

    Replaces PyYAML's constructor plus two separate walks (a 1,000-deposition manifest has
    ~60,000 nodes); strings take a fast path, other scalars and merge keys use the loader.
    """

    def __init__(self, loader: yaml.SafeLoader, positions: Positions, findings: list[Finding]) -> None:
        self.loader, self.values, self.keys = loader, positions.values, positions.keys
        self.file, self.findings = positions.file, findings

    def build(self, node: yaml.Node, path: PathT, key_node: yaml.Node | None) -> Any:
        self.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if key_node is not None:
            self.keys[path] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            return node.value if node.tag == _STR else self.loader.construct_object(node, deep=True)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), None) for i, item in enumerate(node.value)]
        if not isinstance(node, yaml.MappingNode) or any(k.tag == _MERGE for k, _ in node.value):
            return self.loader.construct_object(node, deep=True)
        out: dict[Any, Any] = {}
        seen: dict[str, int] = {}
        for k, v in node.value:
            name = _key(k)
            key = (
                k.value
                if isinstance(k, yaml.ScalarNode) and k.tag == _STR
                else self.loader.construct_object(k, deep=True)
            )
            if name in seen:
                self.findings.append(
                    Finding(
                        self.file,
                        k.start_mark.line + 1,
                        k.start_mark.column + 1,
                        format_path((*path, name)),
                        f"duplicate key '{name}' (first defined on line {seen[name]}); YAML keeps only the last one. Remove one of them.",
                    )
                )
            else:
                seen[name] = k.start_mark.line + 1
            out[key] = self.build(v, (*path, name), k)
        return out


def _key(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "?"
