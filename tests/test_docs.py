"""The generated manifest reference is current and complete; the docs' links resolve."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "schemas" / "zenodeploy.schema.json").read_text("utf-8"))
    return data


def test_the_checked_in_reference_is_what_the_generator_writes() -> None:
    expected = _tool("gen_reference").render(_schema())
    actual = (ROOT / "docs" / "manifest-reference.md").read_text("utf-8")
    assert actual == expected, "docs/manifest-reference.md is stale: run python tools/gen_reference.py"


def _property_names(node: Any) -> set[str]:
    names: set[str] = set()
    if isinstance(node, dict):
        for name, child in (node.get("properties") or {}).items():
            names.add(name)
            names |= _property_names(child)
        for key, value in node.items():
            if key != "properties":
                names |= _property_names(value)
    elif isinstance(node, list):
        for item in node:
            names |= _property_names(item)
    return names


def test_every_schema_property_and_description_is_in_the_reference() -> None:
    schema = _schema()
    text = _tool("gen_reference").render(schema)
    headings = set(re.findall(r"^#### `([^`]+)`", text, re.M))
    last_parts = {h.rsplit(".", 1)[-1].removesuffix("[]") for h in headings}
    missing = sorted(_property_names(schema) - last_parts)
    assert missing == []
    for description in ("The person's ORCID iD", "Take creators from a CITATION.cff or .zenodo.json file"):
        assert description in text


def test_a_changed_description_makes_the_reference_stale() -> None:
    schema = _schema()
    schema["$defs"]["deposition"]["properties"]["title"]["title"] = "Changed"
    assert _tool("gen_reference").render(schema) != (ROOT / "docs" / "manifest-reference.md").read_text(
        "utf-8"
    )


@pytest.mark.parametrize("doc", sorted(p.name for p in (ROOT / "docs").glob("*.md")))
def test_relative_links_in_docs_resolve(doc: str) -> None:
    text = (ROOT / "docs" / doc).read_text("utf-8")
    for target in re.findall(r"\]\((?!https?://|#)([^)#\s]+)", text):
        assert (ROOT / "docs" / target).exists(), f"{doc} links to missing {target}"


def test_the_pre_commit_hook_matches_manifests_and_its_entry_validates(repo_root: Path) -> None:
    import shlex

    import yaml
    from click.testing import CliRunner

    from zenodeploy.cli import cli

    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "zenodeploy-validate"
    pattern = re.compile(hook["files"])
    for name in ("zenodeploy.yaml", "zenodeploy.yml", "examples/minimal/zenodeploy.yaml"):
        assert pattern.search(name), name
    for name in ("myzenodeploy.yaml", "zenodeploy.yaml.lock", "zenodeploy.json"):
        assert not pattern.search(name), name
    program, *args = shlex.split(hook["entry"])
    assert program == "zenodeploy"
    manifests = sorted(str(p) for p in (repo_root / "examples").glob("*/zenodeploy.yaml"))
    result = CliRunner().invoke(cli, [*args, *manifests])
    assert result.exit_code == 0, result.output
    broken = CliRunner().invoke(
        cli, [*args, str(repo_root / "tests/data/manifests/invalid/09-wrong-type.yaml")]
    )
    assert broken.exit_code == 1
