"""CITATION.cff as a metadata source: ``creators: {from: CITATION.cff}`` and friends.

Fields that accept ``{from: <path>}`` (path relative to the manifest's folder): ``title``,
``version``, ``license``, ``licenses``, ``keywords``, ``creators`` and ``related_identifiers``
(which also takes ``relation:``, default ``IsSupplementTo``). The mapping is documented in
docs/citation-cff.md. ``expand_citation`` replaces each such object by the value read from
the file before the metadata checks run, so every later stage sees plain metadata.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from zenodeploy.manifest.checks import normalize_orcid
from zenodeploy.manifest.yamlpos import PathT

FIELDS = ("title", "version", "license", "licenses", "keywords", "creators", "related_identifiers")
DEFAULT_RELATION = "IsSupplementTo"
_COMPARED = ("title", "version", "license")  # explicit values that may silently disagree with the file
_CITATION_TYPES = {"article": "publication-article", "book": "publication-book", "software": "software"}
_cache: dict[tuple[Path, int, int], Any] = {}

#: (absolute JSON path, message, severity "error" | "warning")
Problem = tuple[PathT, str, str]


class _CffError(Exception):
    pass


def expand_citation(
    deposition_raw: dict[str, Any], base_dir: Path, where: PathT, *, allow_outside: bool = False
) -> tuple[dict[str, Any], list[Problem]]:
    """Return ``deposition_raw`` with every ``{from: <file>}`` field filled from that CITATION.cff.

    ``where`` is the JSON path of the deposition (``("depositions", 0)`` or ``("defaults",)``);
    problems carry absolute paths. A field whose file or value is missing is dropped from the
    result and reported as an error; an explicit field that differs from the file's value is
    kept and reported as a warning. Like files and templates, a source outside ``base_dir`` (an
    absolute path, ``..``, a symlink out) needs ``allow_outside`` (the deposition's own key wins).
    """
    allow_outside = bool(deposition_raw.get("allow_outside", allow_outside))
    sources = {
        f: v for f, v in deposition_raw.items() if f in FIELDS and isinstance(v, Mapping) and "from" in v
    }
    if not sources:
        return deposition_raw, []
    out = dict(deposition_raw)
    problems: list[Problem] = []
    loaded: dict[str, Mapping[str, Any]] = {}
    for field, spec in sources.items():
        path = (*where, field)
        del out[field]
        try:
            cff = _load(base_dir, str(spec["from"]), allow_outside)
        except _CffError as exc:
            problems.append((path, str(exc), "error"))
            continue
        loaded[str(spec["from"])] = cff
        try:
            value = _value(field, cff, spec, deposition_raw)
        except _CffError as exc:
            problems.append((path, f"{spec['from']}: {exc}", "error"))
            continue
        out[field] = value
    for name, cff in loaded.items():
        problems += _differences(deposition_raw, sources, cff, name, where)
    return out, problems


def _load(base_dir: Path, name: str, allow_outside: bool) -> Mapping[str, Any]:
    path = (base_dir / name).resolve()
    if not allow_outside and not path.is_relative_to(base_dir.resolve()):
        raise _CffError(
            f"{name} is outside the manifest's folder; 'from:' reads files next to the manifest only. "
            "Copy it there, or set 'allow_outside: true' if this is intended"
        )
    try:
        info = path.stat()
    except OSError:
        raise _CffError(
            f"{name} does not exist next to the manifest ({path}); check the 'from:' path"
        ) from None
    key = (path, info.st_mtime_ns, info.st_size)
    if key not in _cache:
        try:
            data = yaml.safe_load(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise _CffError(
                f"{name} is not readable YAML ({type(exc).__name__}); run 'cffconvert --validate' on it"
            ) from None
        if not isinstance(data, dict):
            raise _CffError(f"{name} is not a CITATION.cff mapping (cff-version, title, authors, …)")
        _cache[key] = data
    result: Mapping[str, Any] = _cache[key]
    return result


def _value(field: str, cff: Mapping[str, Any], spec: Mapping[str, Any], raw: Mapping[str, Any]) -> Any:
    if field in ("title", "version"):
        value = cff.get(field)
        if value in (None, ""):
            raise _CffError(f"has no '{field}'; add it there or write {field} here")
        return str(value)
    if field in ("license", "licenses"):
        found = cff.get("license")
        ids = [found] if isinstance(found, str) else list(found or [])
        if not ids:
            raise _CffError("has no 'license'; add an SPDX id there or write the license here")
        if field == "license" and len(ids) > 1:
            raise _CffError(f"lists {len(ids)} licenses; use 'licenses: {{from: ...}}' to take them all")
        lowered = [str(i).lower() for i in ids]  # SPDX MIT / CC-BY-4.0 → Zenodo ids mit / cc-by-4.0
        return lowered[0] if field == "license" else lowered
    if field == "keywords":
        keywords = [str(k) for k in cff.get("keywords") or [] if str(k).strip()]
        if not keywords:
            raise _CffError("has no 'keywords'")
        return keywords
    if field == "creators":
        authors = cff.get("authors") or []
        if not isinstance(authors, list) or not authors:
            raise _CffError("has no 'authors'")
        return [creator(a, i) for i, a in enumerate(authors)]
    relation = str(spec.get("relation") or DEFAULT_RELATION)
    pin = str(raw.get("record") or "")
    return [r for r in related(cff, relation) if r["identifier"] != pin]


def creator(author: Any, index: int) -> dict[str, Any]:
    """One CFF author (person or entity) → a manifest creator."""
    if not isinstance(author, Mapping):
        raise _CffError(f"authors[{index}] is not a mapping")
    if author.get("family-names"):
        family = " ".join(
            str(author[k]) for k in ("name-particle", "family-names", "name-suffix") if author.get(k)
        )
        out: dict[str, Any] = {"family": family, "type": "personal"}
        if author.get("given-names"):
            out["given"] = str(author["given-names"])
        if author.get("orcid"):
            out["orcid"] = normalize_orcid(str(author["orcid"]))
    elif author.get("name"):
        out = {"name": str(author["name"]), "type": "organizational"}
    else:
        raise _CffError(f"authors[{index}] has neither family-names (a person) nor name (an entity)")
    if author.get("affiliation"):
        out["affiliations"] = [str(author["affiliation"])]
    return out


def related(cff: Mapping[str, Any], relation: str) -> list[dict[str, Any]]:
    """Related identifiers from ``doi``, ``identifiers``, ``repository-code`` and ``preferred-citation``."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()

    def add(identifier: Any, scheme: str, resource_type: str | None = None) -> None:
        text = str(identifier or "").strip()
        if text and text.lower() not in seen:
            seen.add(text.lower())
            item = {"identifier": text, "scheme": scheme, "relation": relation}
            out.append(item | ({"resource_type": resource_type} if resource_type else {}))

    add(cff.get("doi"), "doi")
    for item in _identifiers(cff):
        add(*item)
    add(cff.get("repository-code"), "url", "software")
    preferred = cff.get("preferred-citation")
    if isinstance(preferred, Mapping):
        add(preferred.get("doi"), "doi", _CITATION_TYPES.get(str(preferred.get("type")), "publication"))
    return out


def _identifiers(cff: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for entry in cff.get("identifiers") or []:
        if not isinstance(entry, Mapping):
            continue
        kind, value = entry.get("type"), entry.get("value")
        if kind == "doi":
            yield str(value), "doi"
        elif kind == "url":
            yield str(value), "url"
        elif kind == "swh":  # not an InvenioRDM scheme: link to the archive page instead
            yield f"https://archive.softwareheritage.org/{value}", "url"


def _differences(
    raw: Mapping[str, Any], sources: Mapping[str, Any], cff: Mapping[str, Any], name: str, where: PathT
) -> list[Problem]:
    out: list[Problem] = []
    for field in _COMPARED:
        mine, theirs = raw.get(field), cff.get(field)
        if field in sources or not isinstance(mine, str) or "{{" in mine or theirs is None:
            continue
        theirs_text = str(theirs).lower() if field == "license" else str(theirs)
        if (mine.lower() if field == "license" else mine) != theirs_text and not isinstance(theirs, list):
            out.append(
                (
                    (*where, field),
                    f"{field} '{mine}' differs from {name} ('{theirs}'); the manifest's value is used. "
                    f"Write '{field}: {{from: {name}}}' to keep one source",
                    "warning",
                )
            )
    return out
