"""The package layout is the pipeline: stages import only downwards, modules stay small and
self-explanatory, and module-level imports have no cycle."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "zenodeploy"

# Lower may be imported by higher. The base modules are shared values and data.
RANK = {
    "base": 0,
    "zenodo": 1,
    "describe": 2,
    "content": 3,
    "manifest": 4,
    "emulator": 5,
    "reconcile": 6,
    "cli": 7,
    "__main__": 8,
}
BASE = {"errors", "model", "orcid", "vocabularies", "data", "schemas", "__init__"}


def _stage(module: str) -> str:
    """``zenodeploy.manifest.load`` → ``manifest``; a base module → ``base``."""
    parts = module.split(".")
    head = parts[1] if len(parts) > 1 else "__init__"
    return "base" if head in BASE else head


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def _is_module(dotted: str) -> bool:
    where = SRC.parent / dotted.replace(".", "/")
    return where.is_dir() or where.with_suffix(".py").is_file()


def _imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("zenodeploy"):
            found.add(node.module)
            found.update(
                f"{node.module}.{a.name}"
                for a in node.names
                if (SRC.parent / f"{node.module}.{a.name}".replace(".", "/")).exists()
                or (SRC.parent / (f"{node.module}.{a.name}".replace(".", "/") + ".py")).exists()
            )
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("zenodeploy"))
    return found


MODULES = sorted(p for p in SRC.rglob("*.py"))


def test_every_module_belongs_to_a_known_stage() -> None:
    stages = {_stage(_module_name(p)) for p in MODULES}
    assert stages <= set(RANK), stages - set(RANK)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_imports_a_higher_stage(path: Path) -> None:
    here = _stage(_module_name(path))
    upward = sorted(m for m in _imports(path) if RANK[_stage(m)] > RANK[here])
    assert not upward, f"{here} may not import {upward}"


def test_module_level_imports_have_no_cycle() -> None:
    names = [_module_name(p) for p in MODULES]
    # ``from package import submodule`` inside the package's own ``__init__`` is not a cycle.
    graph = {
        name: {m for m in _imports(p, top_level_only=True) if not name.startswith(m + ".") and m != name}
        for name, p in zip(names, MODULES, strict=True)
    }
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                raise AssertionError(" → ".join([*trail, node, nxt]))
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_modules_stay_under_300_lines(path: Path) -> None:
    assert len(path.read_text("utf-8").splitlines()) <= 300


def test_comments_do_not_point_at_documents_outside_the_repository() -> None:
    pointer = re.compile(r"§|design\.md|\bissue [0-9]|shared/reference")
    hits = [
        f"{p.relative_to(SRC)}:{n}: {line.strip()}"
        for p in MODULES
        for n, line in enumerate(p.read_text("utf-8").splitlines(), 1)
        if pointer.search(line)
    ]
    assert hits == []


def test_no_module_imports_another_modules_private_name() -> None:
    private = sorted(
        f"{p.relative_to(SRC)}: {node.module}.{alias.name}"
        for p in MODULES
        for node in ast.walk(ast.parse(p.read_text("utf-8")))
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("zenodeploy")
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    )
    assert private == []
