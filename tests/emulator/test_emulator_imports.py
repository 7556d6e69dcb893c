"""The emulator models the server: it imports nothing from the client side of zenodeploy."""

from __future__ import annotations

import ast
from pathlib import Path

import zenodeploy.emulator

EMULATOR = Path(zenodeploy.emulator.__file__).resolve().parent


def _imported(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the emulator package
                names.append("zenodeploy.emulator" + (f".{node.module}" if node.module else ""))
            elif node.module:
                names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def test_emulator_imports_only_itself_from_zenodeploy() -> None:
    files = sorted(EMULATOR.rglob("*.py"))
    assert len(files) > 10
    offending = {
        f"{path.name}: {name}"
        for path in files
        for name in _imported(path)
        if (name == "zenodeploy" or name.startswith("zenodeploy."))
        and not (name == "zenodeploy.emulator" or name.startswith("zenodeploy.emulator."))
    }
    assert not offending, sorted(offending)
