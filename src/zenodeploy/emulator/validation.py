"""Loading a draft's metadata and custom fields the way the InvenioRDM service does.

``load_record`` runs the emulator's record schema (``schemas.py``) and keeps marshmallow's
``valid_data`` with the errors as ``[(field, message)]`` — the lax load of a draft save
(inveniosoftware/invenio-records-resources ``services/records/schema.py
ServiceSchemaWrapper.load`` with ``raise_errors=False``; paths as ``errors.py
validation_error_to_list_errors`` builds them). Then, like the commit of the draft
(invenio-records ``systemfields/relations``), every vocabulary id is checked against the
vocabulary data shipped with zenodeploy: an unknown id raises ``VocabularyError`` (a 400
"Invalid value <id>.", invenio-rdm-records ``resources/config.py``), a resource type that is
not depositable a 400 "Not a valid value.". Known ids come back with their titles, as the
server dereferences them (invenio-rdm-records ``records/api.py`` ``relations``).

Not modelled: affiliation, funder, award and subject ids (their vocabularies are not
shipped; any id is accepted and not dereferenced).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from zenodeploy.emulator.schemas import Record

Errors = list[tuple[str, str]]
# zenodo-rdm site/zenodo_rdm/custom_fields/__init__.py NAMESPACES whose fields (Darwin Core,
# legacy, ...) the emulator does not model: stored as sent, never validated.
UNMODELLED_NAMESPACES = ("dwc:", "gbif-dwc:", "ac:", "openbiodiv:", "obo:", "dc:", "legacy:")
_DATA = Path(__file__).resolve().parent.parent / "data" / "vocabularies"


class VocabularyError(Exception):
    """An id that is not in its vocabulary; ``str(exc)`` is InvenioRDM's message."""


# -- loading ------------------------------------------------------------------------------


def load_record(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], Errors]:
    """``(metadata, custom_fields, errors)`` that a save of ``body`` stores; unknown ids raise."""
    given: dict[str, Any] = {k: body[k] for k in ("metadata", "custom_fields") if k in body}
    passthrough: dict[str, Any] = {}
    if isinstance(given.get("custom_fields"), dict):
        cf = given["custom_fields"]
        passthrough = {k: v for k, v in cf.items() if k.startswith(UNMODELLED_NAMESPACES)}
        given["custom_fields"] = {k: v for k, v in cf.items() if k not in passthrough}
    try:
        loaded, errors = Record().load(dict(given)), []
    except ValidationError as exc:
        loaded, errors = exc.valid_data or {}, list(_flatten(exc.messages))
    metadata = dereference(loaded.get("metadata") or {})
    custom_fields = {**_dereference_custom(loaded.get("custom_fields") or {}), **passthrough}
    return metadata, custom_fields, errors


def load_metadata(raw: Any) -> tuple[dict[str, Any], Errors]:
    """Re-validate stored metadata (publish): the dereferenced additions are removed first."""
    metadata, _, errors = load_record({"metadata": _undo_dereference(raw)})
    return metadata, errors


def publish_errors(metadata: dict[str, Any], has_doi_provider: bool = True) -> Errors:
    """The extra check publishing adds: Zenodo's DataCite provider needs a publisher
    (invenio-rdm-records ``services/pids/providers/datacite.py``)."""
    if has_doi_provider and not metadata.get("publisher"):
        return [("metadata.publisher", "Missing publisher field required for DOI registration.")]
    return []


def group(errors: Errors) -> list[dict[str, Any]]:
    """``[(field, message)]`` as InvenioRDM's ``[{field, messages}]``, fields in first-seen order."""
    grouped: dict[str, list[str]] = {}
    for field, message in errors:
        grouped.setdefault(field, []).append(message)
    return [{"field": f, "messages": m} for f, m in grouped.items()]


def _flatten(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """invenio-records-resources ``errors.py _iter_errors_dict``: dotted paths, list leaves."""
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _flatten(child, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for message in node:
            yield path, str(message)
    else:
        yield path, str(node)


# -- vocabularies (data files) ------------------------------------------------------------


@functools.cache
def _entries(name: str) -> dict[str, dict[str, Any]]:
    data = json.loads((_DATA / f"{name}.json").read_text("utf-8"))
    if name == "codemeta":  # two lists in one file
        return {
            f"{key}:{e['id']}": e
            for key in ("development_status", "programming_languages")
            for e in data[key]
        }
    return {e["id"]: e for e in data["entries"]}


def _title(entry: dict[str, Any]) -> str:
    return str(entry.get("title_en") or entry.get("title") or entry["id"])


def _ref(name: str, value: Any) -> Any:
    """``{id}`` → ``{id, title: {en}}``; an unknown id raises ``VocabularyError``.

    A value kept as sent after a schema-level error (not an object) is returned as it is."""
    if not isinstance(value, dict) or not isinstance(value.get("id"), str):
        return value
    key = value["id"]
    entry = _entries("codemeta").get(f"{name}:{key}") if name in _CODEMETA else _entries(name).get(key)
    if entry is None:
        raise VocabularyError(f"Invalid value {key}.")
    return {**value, "title": {"en": _title(entry)}}


_CODEMETA = ("development_status", "programming_languages")


def _resource_type(value: Any, depositable: bool) -> Any:
    out = _ref("resource_types", value)
    if out is value:
        return out
    if depositable and not _entries("resource_types")[value["id"]].get("depositable"):
        raise VocabularyError("Not a valid value.")
    return out


def _right(value: Any) -> Any:
    if not isinstance(value, dict) or not isinstance(value.get("id"), str):
        return value
    entry = _entries("licenses").get(value["id"])
    if entry is None:
        raise VocabularyError(f"Invalid value {value['id']}.")
    return _license(entry)


def _license(entry: dict[str, Any]) -> dict[str, Any]:
    right: dict[str, Any] = {"id": entry["id"], "title": {"en": entry["title"]}}
    if entry.get("description"):
        right["description"] = {"en": entry["description"]}
    right["props"] = {"url": entry.get("url", ""), "scheme": entry.get("scheme", "spdx")}
    return right


def _typed(item: Any, vocab: str) -> Any:
    if not isinstance(item, dict):
        return item
    out = dict(item)
    if "type" in out:
        out["type"] = _ref(vocab, out["type"])
    if "lang" in out:
        out["lang"] = _ref("languages", out["lang"])
    return out


def _person(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    return {**item, "role": _ref("roles", item["role"])} if "role" in item else item


def _related(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    out = dict(item)
    if "relation_type" in out:
        out["relation_type"] = _ref("relation_types", out["relation_type"])
    if "resource_type" in out:
        out["resource_type"] = _resource_type(out["resource_type"], depositable=False)
    return out


def dereference(md: dict[str, Any]) -> dict[str, Any]:
    """Check every vocabulary id in loaded metadata and add the titles the server adds."""
    out = dict(md)
    if "resource_type" in out:
        out["resource_type"] = _resource_type(out["resource_type"], depositable=True)
    for key in ("creators", "contributors"):
        if key in out:
            out[key] = [_person(p) for p in out[key]]
    if "languages" in out:
        out["languages"] = [_ref("languages", x) for x in out["languages"]]
    for key, vocab in (
        ("additional_titles", "title_types"),
        ("additional_descriptions", "description_types"),
        ("dates", "date_types"),
    ):
        if key in out:
            out[key] = [_typed(x, vocab) for x in out[key]]
    if "related_identifiers" in out:
        out["related_identifiers"] = [_related(x) for x in out["related_identifiers"]]
    if "rights" in out:
        out["rights"] = [_right(x) for x in out["rights"]]
    return out


def _dereference_custom(cf: dict[str, Any]) -> dict[str, Any]:
    """``code:*`` ids against the codemeta vocabularies (invenio-vocabularies ``VocabularyCF``)."""
    out = dict(cf)
    if "code:programmingLanguage" in out:
        out["code:programmingLanguage"] = [
            _ref("programming_languages", x) for x in out["code:programmingLanguage"]
        ]
    if "code:developmentStatus" in out:
        out["code:developmentStatus"] = _ref("development_status", out["code:developmentStatus"])
    return out


def _undo_dereference(md: Any) -> Any:
    """Stored metadata without the license details ``dereference`` added (titles of other
    references are dropped by the schema itself, as on the server)."""
    if not isinstance(md, dict) or not isinstance(md.get("rights"), list):
        return md
    rights = []
    for right in md["rights"]:
        key = right.get("id") if isinstance(right, dict) else None
        entry = _entries("licenses").get(key) if isinstance(key, str) else None
        rights.append({"id": right["id"]} if entry and right == _license(entry) else right)
    return {**md, "rights": rights}
