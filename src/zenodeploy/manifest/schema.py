"""The packaged JSON Schema and schema validation as findings (the only module importing jsonschema)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from importlib import resources
from types import CodeType
from typing import TYPE_CHECKING, Any

import fastjsonschema
from fastjsonschema.ref_resolver import RefResolver

if TYPE_CHECKING:  # jsonschema is imported only to explain an invalid manifest (~50 ms saved)
    import jsonschema
    from jsonschema.exceptions import ValidationError

from zenodeploy.content.checksums import cache_dir
from zenodeploy.manifest import schema_words as words
from zenodeploy.manifest.schema_words import schema_of, short, unknown_key
from zenodeploy.manifest.yamlpos import PathT, Positions
from zenodeploy.model import Finding

SCHEMA_FILE = "zenodeploy.schema.json"


def schema_text() -> str:
    """The schema exactly as shipped in the package."""
    return resources.files("zenodeploy.schemas").joinpath(SCHEMA_FILE).read_text("utf-8")


@cache
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(schema_text())
    return data


_SHELL = "(manifest without its depositions)"


def _target(definition: str | None) -> dict[str, Any]:
    root = schema()
    if definition == _SHELL:  # the top level only; _quick_check checks the depositions one by one
        depositions = {**root["properties"]["depositions"], "items": {"type": "object"}}
        return {**root, "properties": {**root["properties"], "depositions": depositions}}
    return root if definition is None else {"$ref": f"#/$defs/{definition}", "$defs": root["$defs"]}


@cache
def _validator(definition: str | None) -> jsonschema.Draft202012Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(_target(definition))


@cache
def _fast(definition: str | None) -> Callable[[Any], Any]:
    """A compiled yes/no check (fastjsonschema, ~20x faster than jsonschema on large manifests).

    The schema uses only keywords whose meaning is the same in draft 7, which fastjsonschema
    implements; formats are not asserted, as in jsonschema without a format checker.
    Without detailed exceptions (their messages are never shown: jsonschema explains) the
    generated code has no schema literals: compiling took 100 MB at peak and 0.7 s, now
    20 MB and 0.2 s, which keeps ``apply`` under 100 MB peak RSS (tests/integration/test_reconcile_limits.py).
    """
    target = {**_const_as_enum(_target(definition)), "$schema": "http://json-schema.org/draft-07/schema#"}
    namespace: dict[str, Any] = {}
    exec(_compiled(target), namespace)  # noqa: S102 - code fastjsonschema generated from our schema
    check: Callable[[Any], Any] = namespace[RefResolver.from_schema(target, store={}).get_scope_name()]
    return check


def _compiled(target: dict[str, Any]) -> CodeType:
    """The compiled check of ``target``, from the user cache when this schema, fastjsonschema and
    Python compiled it before: generating and compiling it took 85 ms of every ``validate``."""
    text = json.dumps(target, sort_keys=True)
    key = hashlib.sha256(f"{text}{fastjsonschema.VERSION}{sys.version}".encode()).hexdigest()[:32]
    path = cache_dir() / "schema" / f"{key}.marshal"
    with contextlib.suppress(OSError, ValueError, EOFError, TypeError):
        code = marshal.loads(path.read_bytes())  # noqa: S302 - the user's own cache, as __pycache__ is
        if isinstance(code, CodeType):
            return code
    source = fastjsonschema.compile_to_code(target, use_formats=False, detailed_exceptions=False)
    code = compile(source, "<zenodeploy schema check>", "exec")
    with contextlib.suppress(OSError):  # a read-only cache only costs the compile again
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(marshal.dumps(code))
        partial.replace(path)
    return code


def _const_as_enum(node: Any) -> Any:
    """A copy with ``const: x`` written ``enum: [x]`` (same meaning): fastjsonschema 2.22 cannot
    generate ``const`` without detailed exceptions (KeyError 'definition_rule')."""
    if isinstance(node, list):
        return [_const_as_enum(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _const_as_enum(value) for key, value in node.items()}
    if "const" in out and "enum" not in out and not isinstance(out["const"], dict):
        out["enum"] = [out.pop("const")]
    return out


def _quick_check(instance: Any, definition: str | None) -> bool:
    """True when ``instance`` is valid, by the compiled checks.

    The manifest's deposition list is checked item by item from here rather than inside one
    compiled function: fastjsonschema formats a path with ``locals()`` on each call through a
    ``$ref`` in a loop, which on a frame of that size cost a third of validating 1,000 depositions.
    """
    try:
        if definition is not None:
            _fast(definition)(instance)
            return True
        _fast(_SHELL)(instance)
        for item in instance.get("depositions") or ():
            _fast("for_each" if isinstance(item, dict) and "for_each" in item else "deposition")(item)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def validate(
    instance: Any, positions: Positions, *, base: PathT = (), definition: str | None = None
) -> list[Finding]:
    """Validate ``instance`` (found at ``base`` in the file) against the schema or one of its ``$defs``."""
    return explain(instance, positions, base=base, definition=definition)[0]


def explain(
    instance: Any, positions: Positions, *, base: PathT = (), definition: str | None = None
) -> tuple[list[Finding], frozenset[PathT]]:
    """The findings of ``validate`` and the paths of the values the schema rejects as written
    (wrong type, empty, out of range, no alternative fits). An object that only lacks a required
    key or has an unknown one is not rejected: its other values are still worth checking.

    The compiled check answers the common case (valid); jsonschema explains the invalid one.
    """
    if _quick_check(instance, definition):
        return [], frozenset()
    errors = _validator(definition).iter_errors(instance)
    explained = [item for error in errors for item in _explain(error, positions, base)]
    listed = {path for path, _, validator in explained if validator in ("enum", "const")}
    explained = [
        e for e in explained if not (e[0] in listed and e[2] == "type")
    ]  # the one naming the choices
    rejected = frozenset(path for path, _, v in explained if v not in ("required", "additionalProperties"))
    return sorted({finding for _, finding, _ in explained}), rejected


def _explain(
    error: ValidationError, positions: Positions, base: PathT
) -> Iterator[tuple[PathT, Finding, str]]:
    """(path, finding, the schema keyword it breaks)."""
    path: PathT = (*base, *error.absolute_path)
    if error.validator in ("oneOf", "anyOf") and error.context:
        for sub in _best_branch(error):
            yield from _explain(sub, positions, base)
        return
    if error.validator == "if" or error.validator == "then" or error.validator == "else":
        return
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        allowed = sorted(schema_of(error).get("properties", {}))
        for name in error.instance:
            if name not in allowed:
                child = (*path, name)
                finding = positions.finding(child, unknown_key(str(name), allowed), key=True)
                yield child, finding, "additionalProperties"
        return
    message = words.message(error, path, positions)
    yield path, positions.finding(path, message, key=error.validator == "required"), str(error.validator)


def _best_branch(error: ValidationError) -> list[ValidationError]:
    """Of a oneOf/anyOf, the errors of the branch that fits best: right type first, then fewest errors."""
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or ():
        branches.setdefault(int(sub.schema_path[0]), []).append(sub)

    def rank(item: tuple[int, list[ValidationError]]) -> tuple[int, int]:
        _, errs = item
        wrong_type = any(e.validator == "type" and not e.relative_path for e in errs)
        return (1 if wrong_type else 0, len(errs))

    _, best = min(branches.items(), key=rank)
    if all(e.validator == "type" and not e.relative_path for e in best):
        # No branch has the right type: say what the alternatives are.
        kinds = [str(s.get("type", "value")) for s in schema_of(error).get(str(error.validator), [])]
        if len(set(kinds)) == 1:  # every branch is the same kind: the plain type error says it
            return [best[0]]
        kinds = list(dict.fromkeys(kinds))
        best[0].message = f"{short(error.instance)} must be one of these kinds: {', '.join(kinds)}"
        best[0].validator, best[0].validator_value = "oneOfType", kinds
        return [best[0]]
    return best
