"""The server's record and draft documents, read once into typed values.

Everything later stages need to know about a record (ids, state, DOIs, links, files, the
communities that include it, the errors a save reported) is taken from the JSON here and
nowhere else. The JSON itself stays available as ``json`` for the one use that needs the
server's exact shape: comparing and carrying over metadata fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class RemoteFile:
    key: str
    size: int
    md5: str


@dataclass(frozen=True, slots=True)
class FieldError:
    """One entry of the ``errors`` list a draft save answers with: the server dropped that field."""

    field: str
    messages: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RecordDoc:
    """A record or draft as the server answered it (``GET``, a save, a publish, a search hit)."""

    id: str
    parent_id: str | None
    is_published: bool
    is_draft: bool
    is_latest: bool | None
    version_index: int
    title: str
    created: str
    doi: str | None
    concept_doi: str | None
    html_url: str | None
    review_id: str | None
    communities: tuple[tuple[str, str], ...]  # (id, slug) of each community that includes it
    files: Mapping[str, RemoteFile]  # completed files only
    file_entries: int  # entries of any status (pending uploads too)
    default_preview: str | None
    errors: tuple[FieldError, ...]
    revision_id: str | None  # with ``updated``: which save of the document this is
    updated: str | None
    json: Mapping[str, Any] = field(repr=False)

    @classmethod
    def parse(cls, doc: Mapping[str, Any]) -> RecordDoc:
        parent = _obj(doc.get("parent"))
        versions = _obj(doc.get("versions"))
        files = _obj(doc.get("files"))
        entries = files.get("entries") or {}
        items = list(entries.values() if isinstance(entries, Mapping) else entries)
        links = _obj(doc.get("links"))
        latest = versions.get("is_latest")
        return cls(
            id=str(doc.get("id", "")),
            parent_id=_str(parent.get("id")),
            is_published=bool(doc.get("is_published")),
            is_draft=bool(doc.get("is_draft")),
            is_latest=None if latest is None else bool(latest),
            version_index=int(versions.get("index") or 0),
            title=str(_obj(doc.get("metadata")).get("title") or ""),
            created=str(doc.get("created") or ""),
            doi=_str(_obj(_obj(doc.get("pids")).get("doi")).get("identifier")),
            concept_doi=_str(_obj(_obj(parent.get("pids")).get("doi")).get("identifier")),
            html_url=_str(links.get("self_html") or links.get("html")),
            review_id=_str(_obj(parent.get("review")).get("id")),
            communities=tuple(
                (str(c.get("id", "")), str(c.get("slug", "")))
                for c in _obj(parent.get("communities")).get("entries") or []
                if isinstance(c, Mapping)
            ),
            files=_completed(items),
            file_entries=len(items),
            default_preview=_str(files.get("default_preview")),
            errors=tuple(
                FieldError(str(e.get("field", "")), tuple(str(m) for m in e.get("messages") or ()))
                for e in doc.get("errors") or ()
                if isinstance(e, Mapping)
            ),
            revision_id=None if doc.get("revision_id") is None else str(doc["revision_id"]),
            updated=_str(doc.get("updated")),
            json=doc,
        )

    @property
    def published_record(self) -> bool:
        """A published record (not an edit or new-version draft of one)."""
        return self.is_published and not self.is_draft

    def included_in(self, community: str) -> bool:
        """Whether the community (by id or slug) includes the record."""
        return any(community in pair for pair in self.communities)


def _completed(items: list[Any]) -> dict[str, RemoteFile]:
    out = {}
    for e in items:
        if isinstance(e, Mapping) and e.get("status", "completed") == "completed":
            checksum = str(e.get("checksum") or "")
            out[str(e["key"])] = RemoteFile(
                str(e["key"]), int(e.get("size") or 0), checksum.removeprefix("md5:")
            )
    return out


def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _str(value: Any) -> str | None:
    return str(value) if value else None
