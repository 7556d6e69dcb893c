"""``.zenodo.json`` (the deposit metadata of Zenodo's legacy API and GitHub integration) →
manifest metadata. Field meanings follow zenodo-rdm ``legacy/deserializers/schemas.py`` and
``metadata.py``; every key that has no manifest counterpart becomes a located note."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from zenodeploy.manifest import legacy_parts as parts
from zenodeploy.manifest import untaken
from zenodeploy.manifest.sourcenotes import Notes, description, jinja_safe, license_id, license_problem

_TEXT = {
    "title": "title",
    "publication_date": "publication_date",
    "version": "version",
    "notes": "notes",
    "method": "method",
    "imprint_publisher": "publisher",
}
_GROUPS = {
    "journal": ("journal_", ("title", "volume", "issue", "pages")),
    "meeting": ("conference_", ("title", "acronym", "dates", "place", "url", "session", "session_part")),
    "imprint": ("imprint_", ("isbn", "place")),
}
_IGNORED = {
    "prereserve_doi": "prereserve_doi is not needed: Zenodo reserves a DOI for every draft",
    "access_conditions": "access_conditions has no counterpart (Zenodo ignores it too: restricted records are disabled)",
}
#: The keys of the entries of the lists, as zenodo-rdm ``legacy/deserializers/metadata.py`` reads them.
_ITEM_KEYS = {
    "subjects": ("term", "identifier", "scheme"),
    "communities": ("identifier",),
    "grants": ("id",),
    "related_identifiers": ("identifier", "relation", "resource_type", "scheme"),
    "dates": ("start", "end", "type", "description"),
    "locations": ("place", "lat", "lon", "description"),
}


def map_zenodo_json(
    data: Any, written: Mapping[tuple[Any, ...], str] | None = None
) -> tuple[dict[str, Any], Notes]:
    """Manifest metadata for the deposit metadata ``data``, and what could not be taken.

    ``written`` maps the path of a number to its text in the file (``1.10``, which reads as 1.1)."""
    notes = Notes()
    out: dict[str, Any] = {}
    if not isinstance(data, Mapping):
        notes.error(None, (), 'a .zenodo.json must be a JSON object of deposit metadata ({"title": …})')
        return out, notes
    done: set[str] = set()
    for key, field in _TEXT.items():
        if key in data:
            done.add(key)
            value = data[key]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = (written or {}).get((key,), str(value))
                notes.warn(
                    field,
                    (key,),
                    f"{key} is the number {value}; taken as the text '{value}', but Zenodo's reader takes "
                    f'only text here and refuses a number ("Not a valid string."): write "{key}": "{value}" '
                    "in the file",
                )
            if isinstance(value, str) and value.strip():
                out[field] = jinja_safe(value.strip())
            else:
                notes.error(field, (key,), f"{key} must be a non-empty string")
    _required(data, out, notes)
    if "description" in data:
        done.add("description")
        _description(data["description"], out, notes)
    done |= _license(data, out, notes)
    done |= parts.resource_type(data, out, notes)
    done |= parts.persons(data, out, notes)
    done |= parts.access(data, out, notes)
    done |= parts.lists(data, out, notes, written)
    for group, (prefix, names) in _GROUPS.items():
        found = {n: str(data[prefix + n]) for n in names if data.get(prefix + n) not in (None, "")}
        done |= {prefix + n for n in names if prefix + n in data}
        if found:
            out.setdefault(group, {}).update(found)
    for key, name in (("partof_title", "title"), ("partof_pages", "pages")):
        if key in data:
            done.add(key)
            out.setdefault("imprint", {})[name] = str(data[key])
    if data.get("thesis_university"):
        out["thesis"] = {"university": str(data["thesis_university"])}
    done.add("thesis_university")
    if isinstance(data.get("custom"), Mapping) and data["custom"]:
        out["custom_fields"] = dict(data["custom"])
    done.add("custom")
    if data.get("doi"):
        notes.warn(
            None,
            ("doi",),
            f"doi '{data['doi']}' is not set by the manifest; if it is this record's DOI, adopt the record "
            "with 'record:' instead",
        )
    done.add("doi")
    for key in data:
        if key in _IGNORED:
            notes.warn(None, (key,), _IGNORED[key])
        elif key not in done:
            notes.warn(
                None,
                (key,),
                f"'{key}' is not a Zenodo deposit field; it has no manifest counterpart and is not taken",
            )
    for key, taken in _ITEM_KEYS.items():
        items = data[key] if isinstance(data.get(key), list) else []
        untaken.report(
            notes,
            {"grants": "funding"}.get(key, key),
            (((key, i), item, taken) for i, item in enumerate(items)),
            _unknown_item_key(key, taken),
        )
    return out, notes


def _unknown_item_key(key: str, taken: tuple[str, ...]) -> Callable[[str], str]:
    what = f"it is not a key of {key} in Zenodo's deposit API, which reads {', '.join(taken)} (misspelt?)"
    return lambda _: what


def _required(data: Mapping[str, Any], out: dict[str, Any], notes: Notes) -> None:
    if "title" not in data:
        notes.warn(
            "title",
            (),
            "has no 'title' (Zenodo's GitHub integration makes one from the repository and release);"
            " write title in the manifest, or convert with --repository OWNER/NAME to take that default",
        )
    if "creators" not in data:
        notes.warn(
            "creators",
            (),
            "has no 'creators' (Zenodo's GitHub integration takes the repository's contributors); "
            "write creators in the manifest or under defaults",
        )


def _description(value: Any, out: dict[str, Any], notes: Notes) -> None:
    """Text, or DataCite's ``{"type": "Abstract", "text": …}`` form, whose text is taken: Zenodo's
    reader (zenodo-rdm ``legacy/deserializers/metadata.py``, ``MetadataSchema.description``, a
    string field) refuses an object, "Not a valid string.", and the GitHub release fails."""
    text = value.get("text") if isinstance(value, Mapping) else value
    if not isinstance(text, str) or not text.strip():
        notes.error("description", ("description",), "description must be text (HTML or plain)")
        return
    out["description"] = description(text)
    if isinstance(value, Mapping):
        kind = f"{{type: {value['type']}, text}}" if "type" in value else "{text}"
        notes.warn(
            "description",
            ("description",),
            f"description is an object {kind} (DataCite's form); its text is taken. Zenodo reads "
            "description as a string, refuses the object ('Not a valid string.') and the GitHub "
            "release fails: write the text itself as the description in the repository's file",
        )


def _license(data: Mapping[str, Any], out: dict[str, Any], notes: Notes) -> set[str]:
    if "license" not in data:
        return set()
    found = license_id(data["license"])
    if found:
        out["licenses"] = [found]
    else:
        notes.error("licenses", ("license",), license_problem(data["license"]))
    return {"license"}
