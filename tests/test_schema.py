from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from zenodeploy.cli import cli
from zenodeploy.manifest.schema import schema, schema_text


def test_packaged_schema_is_identical_to_the_repository_copy(repo_root: Path) -> None:
    assert (repo_root / "schemas/zenodeploy.schema.json").read_text("utf-8") == schema_text()


def test_schema_is_valid_draft_2020_12_with_a_versioned_id() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert "/v1/" in schema()["$id"]


def test_every_property_has_title_and_description() -> None:
    missing: list[str] = []

    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for name, sub in (node.get("properties") or {}).items():
                if not (isinstance(sub, dict) and sub.get("title") and sub.get("description")):
                    missing.append(f"{path}.{name}")
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    walk(schema(), "$")
    assert not missing, missing


def test_schema_command_prints_the_schema() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == schema()


def test_generator_output_matches_committed_schema(repo_root: Path, tmp_path: Path) -> None:
    """tools/gen_schema.py is the schema's source; the committed JSON must be what it writes."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_schema", repo_root / "tools/gen_schema.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = json.dumps(module.build(), indent=2, ensure_ascii=False) + "\n"
    assert built == (repo_root / "schemas/zenodeploy.schema.json").read_text("utf-8")


def test_the_compiled_schema_check_is_kept_in_the_user_cache_and_a_broken_copy_is_compiled_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zenodeploy.manifest import schema as schema_mod

    monkeypatch.setenv("ZENODEPLOY_CACHE_DIR", str(tmp_path / "cache"))
    target = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}

    def check(code: object) -> bool:
        namespace: dict[str, object] = {}
        exec(code, namespace)  # type: ignore[call-overload]
        validate = namespace["validate"]
        try:
            validate({"a": 1})  # type: ignore[operator]
        except schema_mod.fastjsonschema.JsonSchemaException:
            return True
        return False

    first = schema_mod._compiled(target)
    (kept,) = (tmp_path / "cache" / "schema").iterdir()
    assert check(first) and kept.stat().st_size > 0
    calls: list[object] = []
    real = schema_mod.fastjsonschema.compile_to_code
    monkeypatch.setattr(
        schema_mod.fastjsonschema, "compile_to_code", lambda *a, **k: calls.append(a) or real(*a, **k)
    )
    assert check(schema_mod._compiled(target)) and calls == []  # read back, not generated again
    kept.write_bytes(b"not marshal data")
    assert check(schema_mod._compiled(target)) and len(calls) == 1
