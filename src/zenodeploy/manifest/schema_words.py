"""The words of a schema finding: what is wrong with a value and what to write instead."""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from zenodeploy import orcid
from zenodeploy.manifest import checks
from zenodeploy.manifest.yamlpos import PathT, Positions

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

#: A JSON type as the user writes it in YAML.
_KINDS = {
    "string": "text",
    "array": "a list",
    "object": "a mapping (indented key: value lines)",
    "boolean": "true or false",
    "integer": "a whole number",
    "number": "a number",
}
#: Keys a manifest cannot do without: an empty one is not told "or remove the line".
_REQUIRED = frozenset({"version", "depositions", "key", "for_each"})


def message(error: ValidationError, path: PathT, positions: Positions) -> str:
    """The message of one schema error at ``path``."""
    return (
        _language(path, error)
        or _no_value(path, error)
        or _unquoted(path, error, positions)
        or _message(error)
    )


def _unquoted(path: PathT, error: ValidationError, positions: Positions) -> str | None:
    """Text that YAML read as a number, true/false or the like (``version: 1.10`` became 1.1) is
    shown as written, with the quotes that keep it text."""
    expected = error.validator_value
    kinds = expected if isinstance(expected, list) else [expected]
    written = positions.written.get(path)
    if error.validator not in ("type", "oneOfType") or "string" not in kinds or written is None:
        return None
    what = "true or false" if isinstance(error.instance, bool) else "a number"
    quote = '"' if "'" in written else "'"
    where = f"{path[-1]}: " if path and isinstance(path[-1], str) else ""
    return f"{written} is read as {what}, not as text; put it in quotes: {where}{quote}{written}{quote}"


def _language(path: PathT, error: ValidationError) -> str | None:
    """A language too long or short to be a code (``english``) gets the code to write instead."""
    in_list = len(path) > 1 and path[-2] == "languages" and isinstance(path[-1], int)
    if in_list and error.validator in ("minLength", "maxLength") and isinstance(error.instance, str):
        return checks.unknown_language(error.instance)
    return None


def _no_value(path: PathT, error: ValidationError) -> str | None:
    """A key written without a value (``title:``) is told what to write, not that null is no string."""
    deposition = len(path) == 3 and path[0] == "depositions" and path[2] == "title"
    if (deposition or path == ("defaults", "title")) and (error.instance in (None, "")):
        whose = "this deposition" if deposition else "the depositions"
        return f"the title is empty: give {whose} a title (at least 3 characters)"
    if error.instance is not None or error.validator not in ("type", "oneOfType"):
        return None
    expected = error.validator_value
    kinds = " or ".join(
        _KINDS.get(str(k), str(k)) for k in (expected if isinstance(expected, list) else [expected])
    )
    if path and isinstance(path[-1], str):
        drop = "" if path[-1] in _REQUIRED else ", or remove the line"
        return f"no value: write {kinds} after '{path[-1]}:'{drop}"
    return f"this item has no value: write {kinds}, or remove the item"


def schema_of(error: ValidationError) -> Mapping[str, Any]:
    return error.schema if isinstance(error.schema, Mapping) else {}


def unknown_key(name: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f". Allowed keys here: {', '.join(allowed)}."
    return f"unknown key '{name}'{hint}"


def short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(error: ValidationError) -> str:
    sch = schema_of(error)
    title = str(sch.get("title", "value")).lower()
    v = error.validator
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return f"missing required key '{missing}'"
    if v == "type":
        expected = error.validator_value
        names = expected if isinstance(expected, list) else [expected]
        article = " or ".join(f"{'an' if str(n)[0] in 'aeiou' else 'a'} {n}" for n in names)
        return f"must be {article}, not {short(error.instance)}"
    if v == "enum":
        return (
            f"{short(error.instance)} is not allowed; use one of: {', '.join(map(str, sch.get('enum', [])))}"
        )
    if v == "const":
        return f"must be {short(error.validator_value)}, not {short(error.instance)}"
    if v == "pattern" and title == "orcid" and isinstance(error.instance, str):
        # the schema's description is no diagnosis
        return orcid.shape_problem(error.instance) or f"'{error.instance}' is not an ORCID iD"
    if v == "pattern":
        return f"{short(error.instance)} is not a valid {title}: {sch.get('description', '')}".rstrip(": ")
    if v == "minItems":
        return f"needs at least {error.validator_value} item{'s' if error.validator_value != 1 else ''}: {sch.get('description', '')}"
    if v in ("minLength", "minProperties"):
        return f"{short(error.instance)} is empty: {sch.get('description', 'give a value')}"
    if v in ("maxLength", "maxItems", "minimum", "maximum"):
        return f"{short(error.instance)} is out of range for {title} ({v} {error.validator_value})"
    return str(error.message)
