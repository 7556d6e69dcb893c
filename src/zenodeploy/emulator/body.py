"""A request body (create or full-replace update) turned into the stored draft fields.

Unknown top-level keys are ignored, as invenio-rdm-records' ``RDMRecordSchema`` excludes them
(``services/schemas/record.py``, ``unknown = EXCLUDE``): echoing a whole GET response is
tolerated at the top level. ``metadata`` and ``custom_fields`` go through
``validation.load_record``; ``access`` defaults to public record and files.
"""

from __future__ import annotations

from typing import Any

from zenodeploy.emulator.replies import VALIDATION, HttpError
from zenodeploy.emulator.store import Doc
from zenodeploy.emulator.validation import Errors, VocabularyError, load_record


def load_body(body: Any, previous: Doc | None) -> tuple[Doc, Errors]:
    """A request body as the stored draft fields plus the save errors; an unknown vocabulary id → 400."""
    if not isinstance(body, dict):
        raise HttpError(400, VALIDATION, [("_schema", "Invalid input type.")])
    try:
        metadata, custom_fields, errors = load_record(body)
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
        "custom_fields": custom_fields,
        "pids": pids,
    }
    return fields, errors
