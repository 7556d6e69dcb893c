"""A request body (create or full-replace update) turned into the stored draft fields.

The top level is checked like marshmallow's ``unknown=RAISE`` (so PUTting a whole GET
response fails with "Unknown field.", reference §7.5); metadata goes through
``validation.load_metadata``; ``access`` defaults to public record and files.
"""

from __future__ import annotations

from typing import Any

from zenodeploy.emulator.replies import VALIDATION, HttpError
from zenodeploy.emulator.store import Doc
from zenodeploy.emulator.validation import Errors, VocabularyError, load_metadata

WRITABLE = frozenset(
    {"metadata", "access", "custom_fields", "files", "pids", "parent", "media_files", "$schema"}
)


def load_body(body: Any, previous: Doc | None) -> tuple[Doc, Errors]:
    """A request body as the stored draft fields plus the save errors; unknown top-level keys → 400."""
    if not isinstance(body, dict):
        raise HttpError(400, VALIDATION, [("_schema", "Invalid input type.")])
    unknown = [k for k in body if k not in WRITABLE]
    if unknown:
        raise HttpError(400, VALIDATION, [(k, "Unknown field.") for k in unknown])
    try:
        metadata, errors = load_metadata(body.get("metadata", {}))
    except VocabularyError as exc:
        raise HttpError(400, str(exc)) from None
    access = body.get("access") or (previous or {}).get("access") or {"record": "public", "files": "public"}
    for key in ("record", "files"):
        if access.get(key, "public") not in ("public", "restricted"):
            errors.append((f"access.{key}", "Must be one of: public, restricted."))
            access = {**access, key: "public"}
    pids = dict((previous or {}).get("pids", {}))
    doi = body.get("pids", {}).get("doi") if isinstance(body.get("pids"), dict) else None
    if isinstance(doi, dict) and doi.get("provider") == "external":
        pids["doi"] = {"identifier": doi.get("identifier", ""), "provider": "external"}
    fields = {
        "metadata": metadata,
        "access": access,
        "custom_fields": body.get("custom_fields") or {},
        "pids": pids,
    }
    return fields, errors
