"""What a save sends (the full-replace body) and how its answer is judged (fields the server dropped)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from zenodeploy.describe.context import utc_now
from zenodeploy.errors import ConflictError
from zenodeploy.manifest.metadata import unowned
from zenodeploy.model import DesiredDeposition
from zenodeploy.zenodo.records import RecordDoc


def body_for(record: Mapping[str, Any], doc: RecordDoc | None, kept: Collection[str] = ()) -> dict[str, Any]:
    """The full-replace PUT body: our managed fields over the fields we do not manage.

    InvenioRDM replaces the whole metadata on PUT (invenio-drafts-resources: ``services/records/service.py``), so fields the
    manifest does not own are carried over from the server's current document (owned ones it
    leaves out are dropped: see ``metadata.OWNED``, unless ``kept`` on the server); only
    ``metadata``, ``access``, ``custom_fields`` and ``files`` are sent (never the whole GET).
    """
    remote = doc.json if doc else {}
    carried = unowned("metadata", remote.get("metadata"), kept)
    metadata = {**{k: _writable(k, v) if k in kept else v for k, v in carried.items()}, **record["metadata"]}
    if not metadata.get("publication_date"):
        metadata["publication_date"] = utc_now().date().isoformat()  # as the preview says
    return {
        "metadata": metadata,
        "access": {
            "record": "public",
            "files": "public",
            # only what is left to the server: access is the manifest's unless kept
            **{k: v for k, v in (remote.get("access") or {}).items() if f"access.{k}" in kept},
            **record.get("access", {}),
        },
        "custom_fields": {
            **unowned("custom_fields", remote.get("custom_fields"), kept),
            **(record.get("custom_fields") or {}),
        },
        # The server resets what a PUT leaves out, the preview file chosen on the website included.
        "files": {
            "enabled": True,
            **({"default_preview": doc.default_preview} if doc and doc.default_preview else {}),
        },
    }


def _writable(name: str, value: Any) -> Any:
    """A field kept on the server, as a save accepts it: what a read adds to people (the names
    and identifiers of ROR affiliations, the titles of roles and description types) is left
    out (invenio-rdm-records: ``services/schemas/metadata.py``, dump-only fields)."""
    if name in ("creators", "contributors") and isinstance(value, list):
        return [_person(p) for p in value if isinstance(p, Mapping)]
    if name == "additional_descriptions" and isinstance(value, list):
        return [
            {k: _ref(v) if k in ("type", "lang") else v for k, v in d.items()}
            for d in value
            if isinstance(d, Mapping)
        ]
    return value


def _person(p: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(p)
    if isinstance(p.get("affiliations"), list):
        out["affiliations"] = [
            {"id": a["id"]} if a.get("id") else {"name": a.get("name", "")}
            for a in p["affiliations"]
            if isinstance(a, Mapping)
        ]
    if isinstance(p.get("role"), Mapping):
        out["role"] = _ref(p["role"])
    return out


def _ref(value: Any) -> Any:
    return {"id": value["id"]} if isinstance(value, Mapping) and value.get("id") else value


def _sent(record: Mapping[str, Any], field: str) -> bool:
    """Whether the field an error names (``metadata.resource_type``, ``metadata.creators.0…``) was
    in what we sent: a draft may lack a required field the manifest leaves out (it is asked for
    only to publish), and the server lists it as missing without having dropped anything."""
    section, _, rest = field.partition(".")
    values = record.get(section)
    return not isinstance(values, Mapping) or not rest or rest.split(".")[0] in values


def kept_all(doc: RecordDoc, desired: DesiredDeposition) -> RecordDoc:
    """``doc`` when the server kept everything we sent. A draft save answers 200/201 even when it
    drops invalid fields, listing them in ``errors`` (invenio-drafts-resources:
    ``services/records/service.py``, ``update_draft`` with ``raise_errors=False``); that fails
    the deposition before anything is published. Files not uploaded yet are expected here."""
    dropped = [e for e in doc.errors if not e.field.startswith("files") and _sent(desired.record, e.field)]
    if not dropped:
        return doc
    details = "; ".join(f"{e.field}: {' '.join(e.messages)}" for e in dropped)
    raise ConflictError(
        f"'{desired.key}' ({desired.source_path}): the server did not store {details}. Correct the "
        f"manifest and apply again; draft {doc.id} keeps the rest and nothing was published."
    )
