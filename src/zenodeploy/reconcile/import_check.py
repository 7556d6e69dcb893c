"""Which of an imported entry's fields the manifest can own: those that give back the record.

The entry is checked as the manifest's loader would check it (schema, vocabularies, dates), then
turned back into the record the way ``plan`` does it (the manifest's defaults and the profile
merged, the description rendered, ``to_rdm``) and compared with the server's record field by
field. A field that fails either test is taken out of the entry and left to the server.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import jsonschema

from zenodeploy.describe.render import render_description
from zenodeploy.errors import TemplateError
from zenodeploy.manifest import from_record
from zenodeploy.manifest.checks import check_metadata
from zenodeploy.manifest.kept import WRITERS
from zenodeploy.manifest.load import deep_merge
from zenodeploy.manifest.metadata import to_rdm
from zenodeploy.manifest.schema import schema
from zenodeploy.reconcile.receipts import fields

_KEYS = WRITERS  # a record field (as plans name it) → the manifest keys that express it
_LABELS = {key: label for label, keys in _KEYS.items() for key in keys}


def settle(
    record: Mapping[str, Any], body: dict[str, Any], defaults: Mapping[str, Any], base_dir: Any
) -> set[str]:
    """Take out of ``body`` (in place) what the manifest cannot own; return those fields' labels."""
    kept = {label for name in _invalid(body) for label in _labels(name, record)}
    kept |= from_record.lossy(record)
    _drop(body, kept)
    kept |= _differing(record, body, defaults, base_dir)
    for name in ("access", "software"):  # a part of it goes: leave all of it to the server
        if name in body and kept & _labels(name, record):
            kept |= _labels(name, record)
            body.pop(name)
    _drop(body, kept)
    return kept


def _labels(name: str, record: Mapping[str, Any]) -> set[str]:
    """The record fields a manifest key writes (of a group, those the record has)."""
    if name == "access":
        group = {f"access.{k}" for k in ("files", "embargo")}
    elif name == "software":
        group = {label for label, keys in _KEYS.items() if keys == ("software",)}
    else:
        return {_LABELS.get(name, name)}
    return {label for label in group if _present(record, label)}


def _invalid(body: Mapping[str, Any]) -> set[str]:
    """The top-level manifest keys the loader would refuse."""
    definitions = schema()["$defs"]
    validator = jsonschema.Draft202012Validator({"$defs": definitions, "$ref": "#/$defs/deposition"})
    bad = {str(error.absolute_path[0]) for error in validator.iter_errors(dict(body)) if error.absolute_path}
    bad |= {str(path[0]) for path, _ in check_metadata(body, dt.date.today()) if path}
    return bad


def _present(record: Mapping[str, Any], label: str) -> bool:
    section, _, name = label.rpartition(".")
    values = record.get(section or "metadata") or {}
    return isinstance(values, Mapping) and values.get(name) not in (None, "", [], {})


def _drop(body: dict[str, Any], kept: set[str]) -> None:
    for label in kept:
        if label.startswith("access."):
            body.get("access", {}).pop(label.removeprefix("access."), None)
        for name in _KEYS.get(label, (label,)):
            body.pop(name, None)
    if "access" in body and not body["access"]:
        body.pop("access")


def _differing(
    record: Mapping[str, Any], body: Mapping[str, Any], defaults: Mapping[str, Any], base_dir: Any
) -> set[str]:
    """The fields whose manifest form (``body`` over ``defaults``) does not give back ``record``'s value."""
    merged = deep_merge(defaults, body)
    html = None
    if merged.get("description"):
        try:
            spec = merged["description"]
            html = render_description(spec, context={}, base_dir=base_dir, where="import").html
        except TemplateError:
            rest = {k: v for k, v in body.items() if k != "description"}
            return {"description"} | _differing(record, rest, defaults, base_dir)
    desired = to_rdm(merged, html)
    ours = dict(fields(desired, desired))
    theirs = dict(fields(record, desired))
    return {label for label, value in ours.items() if theirs.get(label) != value}
