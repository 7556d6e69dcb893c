"""Metadata taken from other files: ``creators: {from: CITATION.cff}``, ``license: {from:
.zenodo.json}`` for any metadata field, and ``from: [.zenodo.json, CITATION.cff]`` on a deposition
for everything those files give (the fields written in the manifest win; earlier files win over
later ones). The mappings are documented in docs/citation-cff.md. ``expand_citation`` replaces
each source reference by plain metadata before the metadata checks run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zenodeploy import vocabularies
from zenodeploy.manifest.yamlpos import PathT
from zenodeploy.model import Finding

if TYPE_CHECKING:
    from zenodeploy.manifest.sources import Source

#: Every metadata field a source can fill.
FIELDS = (
    "title", "description", "resource_type", "publication_date", "version", "publisher", "license",
    "licenses", "creators", "contributors", "keywords", "subjects", "languages", "related_identifiers",
    "funding", "references", "dates", "locations", "notes", "method", "access", "communities",
    "journal", "meeting", "thesis", "imprint", "custom_fields",
)  # fmt: skip
_COMPARED = ("title", "version", "license")  # explicit values that may silently disagree with the file
#: Where each field comes from in a CITATION.cff, for "has no ..." messages.
_CFF_KEYS = {
    "creators": "authors",
    "publication_date": "date-released",
    "description": "abstract",
    "resource_type": "type",
    "licenses": "license",
    "contributors": "contact",
}

#: (absolute JSON path, message, severity "error" | "warning"), or a finding in the source file.
Problem = tuple[PathT, str, str] | Finding


def expand_citation(
    deposition_raw: dict[str, Any],
    base_dir: Path,
    where: PathT,
    *,
    allow_outside: bool = False,
    shown_dir: str = "",
) -> tuple[dict[str, Any], list[Problem]]:
    """Return ``deposition_raw`` with every ``{from: <file>}`` field, and a deposition-level
    ``from:``, filled from those files.

    ``where`` is the JSON path of the deposition (``("depositions", 0)`` or ``("defaults",)``);
    manifest problems carry absolute paths, notes about a source file are findings in that file
    (named relative to ``shown_dir``). A field whose file or value is missing is dropped and
    reported as an error; an explicit field that differs from the file's value is a warning. Like
    files and templates, a source outside ``base_dir`` needs ``allow_outside``.
    """
    allow_outside = bool(deposition_raw.get("allow_outside", allow_outside))
    fields = {
        f: v for f, v in deposition_raw.items() if f in FIELDS and isinstance(v, Mapping) and "from" in v
    }
    whole = deposition_raw.get("from")
    if not fields and whole is None:
        return deposition_raw, []
    from zenodeploy.manifest.sources import SourceError, load_source  # the readers, only for a from:

    out = {k: v for k, v in deposition_raw.items() if k != "from"}
    problems: list[Problem] = []
    loaded: dict[str, Source] = {}

    def source(name: str, path: PathT) -> Source | None:
        try:
            found = load_source(
                base_dir, name, os.path.normpath(Path(shown_dir, name)), allow_outside=allow_outside
            )
        except SourceError as exc:
            problems.append(exc.finding or (path, str(exc), "error"))
            return None
        loaded[name] = found
        return found

    names = [whole] if isinstance(whole, str) else list(whole or [])
    taken: set[str] = set()
    mine = {f for f in FIELDS if f in deposition_raw}  # written in the manifest: the files never override
    mine |= {"license", "licenses"} if mine & {"license", "licenses"} else set()
    for i, name in enumerate(names):
        found = source(str(name), (*where, "from") if isinstance(whole, str) else (*where, "from", i))
        if found is None:
            continue
        for field, value in found.metadata.items():
            if field not in mine and field not in taken:
                out[field] = value
                taken.add(field)
        problems += [f for note, f in found.notes if note.field not in mine]
    if "related_identifiers" in taken and deposition_raw.get("record"):  # not related to itself
        out["related_identifiers"] = [
            r for r in out["related_identifiers"] if r["identifier"] != str(deposition_raw["record"])
        ]
    if "licenses" in taken and len(out["licenses"]) == 1:  # one licence: 'license', as people write it
        out["license"] = out.pop("licenses")[0]
    for field, spec in fields.items():
        del out[field]
        found = source(str(spec["from"]), (*where, field))
        if found is None:
            continue
        value, problem = _value(field, found, spec, deposition_raw)
        related = {"licenses" if field == "license" else field}
        problems += found.findings(related)
        if problem and not any(f.severity == "error" for f in found.findings(related)):
            problems.append(((*where, field), f"{found.name}: {problem}", "error"))
        if value is not None:
            out[field] = value
    if isinstance(out.get("licenses"), list) and isinstance(out.get("license"), str):
        del out["licenses"]  # an explicit single license wins over the file's list
    for name, found in loaded.items():
        problems += _differences(deposition_raw, fields, found, name, where)
    return out, list(dict.fromkeys(problems))  # a file named by several fields is reported once


def _value(
    field: str, found: Source, spec: Mapping[str, Any], raw: Mapping[str, Any]
) -> tuple[Any, str | None]:
    meta = found.metadata
    key = _CFF_KEYS.get(field, field) if found.kind == "cff" else field
    if field in ("license", "licenses"):
        ids = meta.get("licenses") or []
        if not ids:
            return None, f"has no 'license'; add an SPDX id there or write the {field} here"
        if field == "license" and len(ids) > 1:
            return None, f"lists {len(ids)} licenses; use 'licenses: {{from: ...}}' to take them all"
        return (ids[0] if field == "license" else list(ids)), None
    if field not in meta:
        return None, f"has no '{key}'; add it there or write {field} here"
    value = meta[field]
    if field == "related_identifiers":
        relation = str(spec.get("relation") or "")
        pin = str(raw.get("record") or "")
        value = [
            r | ({"relation": relation} if relation and found.kind == "cff" else {})
            for r in value
            if r["identifier"] != pin
        ]
    return value, None


def _differences(
    raw: Mapping[str, Any], sources: Mapping[str, Any], found: Source, name: str, where: PathT
) -> list[Problem]:
    out: list[Problem] = []
    licenses = found.metadata.get("licenses") or []
    theirs_all = {**found.metadata, "license": licenses[0] if len(licenses) == 1 else None}
    for field in _COMPARED:
        mine, theirs = raw.get(field), theirs_all.get(field)
        if field in sources or not isinstance(mine, str) or "{{" in mine or theirs is None:
            continue
        same = (
            (vocabularies.license_alias(mine) or mine.lower()) == theirs
            if field == "license"
            else mine == theirs
        )
        if not same:
            out.append(
                (
                    (*where, field),
                    f"{field} '{mine}' differs from {name} ('{theirs}'); the manifest's value is used. "
                    f"Write '{field}: {{from: {name}}}' to keep one source",
                    "warning",
                )
            )
    return out
