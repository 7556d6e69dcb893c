"""The JSON documents the emulator returns: records, drafts, file entries, with InvenioRDM's links.

Links follow ``invenio_rdm_records/services/config.py``: a draft links ``self`` to
``/draft`` and ``self_html`` to ``/uploads/{id}``; a record links ``latest``, ``draft`` and
``latest_draft``. As on Zenodo, ``latest_draft`` is ``/records/{id}/draft`` and does not
point to a pending new version (invenio-rdm-records: services/config.py has no link to it).
"""

from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import quote

Doc = dict[str, Any]


def record_links(base: str, rec_id: str, is_draft: bool, parent_id: str, doi: str | None) -> Doc:
    api, rec = f"{base}/api", f"{base}/api/records/{rec_id}"
    links: Doc = {
        "self": f"{rec}/draft" if is_draft else rec,
        "self_html": f"{base}/uploads/{rec_id}" if is_draft else f"{base}/records/{rec_id}",
        "preview_html": f"{base}/records/{rec_id}?preview=1",
        "files": f"{rec}/draft/files" if is_draft else f"{rec}/files",
        "archive": f"{rec}/draft/files-archive" if is_draft else f"{rec}/files-archive",
        "versions": f"{rec}/versions",
        "reserve_doi": f"{rec}/draft/pids/doi",
        "communities": f"{rec}/communities",
        "requests": f"{rec}/requests",
        "parent": f"{api}/records/{parent_id}",
        "parent_html": f"{base}/records/{parent_id}",
    }
    if is_draft:
        links.update(
            record=rec,
            record_html=f"{base}/records/{rec_id}",
            publish=f"{rec}/draft/actions/publish",
            review=f"{rec}/draft/review",
            submit_review=f"{rec}/draft/actions/submit-review",
            files_import=f"{rec}/draft/actions/files-import",
        )
    else:
        links.update(
            latest=f"{rec}/versions/latest",
            latest_html=f"{base}/records/{rec_id}/latest",
            draft=f"{rec}/draft",
            latest_draft=f"{rec}/draft",
        )
    if doi:
        links["doi"] = f"https://handle.test.datacite.org/{doi}"
        links["self_doi"] = links["doi"]
    return links


def file_links(base: str, rec_id: str, is_draft: bool, key: str) -> Doc:
    prefix = f"{base}/api/records/{rec_id}/{'draft/' if is_draft else ''}files/{quote(key)}"
    links = {"self": prefix, "content": f"{prefix}/content"}
    if is_draft:
        links["commit"] = f"{prefix}/commit"
    return links


def file_entry(base: str, rec_id: str, is_draft: bool, f: Doc) -> Doc:
    """One file as ``GET …/files/{key}`` returns it; size and checksum once content arrived."""
    out: Doc = {
        "key": f["key"],
        "created": f["created"],
        "updated": f["updated"],
        "status": f["status"],
        "metadata": f.get("metadata"),
        "links": file_links(base, rec_id, is_draft, f["key"]),
        "transfer": {"type": "L"},
        "storage_class": "L",
    }
    if f["status"] == "completed":  # the docs' examples show size and checksum only after commit
        out.update(
            checksum=f"md5:{f['md5']}",
            size=f["size"],
            mimetype=mimetype(f["key"]),
            file_id=f["file_id"],
            version_id=f["file_id"],
            bucket_id=f"bucket-{rec_id}",
        )
    return out


def mimetype(key: str) -> str:
    return mimetypes.guess_type(key)[0] or "application/octet-stream"


def files_list(
    base: str, rec_id: str, is_draft: bool, files: list[Doc], default_preview: str | None = None
) -> Doc:
    prefix = f"{base}/api/records/{rec_id}/{'draft/' if is_draft else ''}files"
    return {
        "enabled": True,
        "links": {"self": prefix, "archive": f"{prefix}-archive"},
        "entries": [file_entry(base, rec_id, is_draft, f) for f in files],
        "default_preview": default_preview,
        "order": [],
    }


def files_summary(
    base: str, rec_id: str, is_draft: bool, files: list[Doc], default_preview: str | None = None
) -> Doc:
    """The ``files`` block inside a record document (``default_preview`` only when set,
    invenio-records-resources records/systemfields/files/field.py ``dump``)."""
    done = [f for f in files if f["status"] == "completed"]
    block: Doc = {
        "enabled": True,
        "order": [],
        "count": len(done),
        "total_bytes": sum(f["size"] for f in done),
        "entries": {f["key"]: file_entry(base, rec_id, is_draft, f) for f in done},
    }
    if default_preview:
        block["default_preview"] = default_preview
    return block


def access_block(access: Doc, has_files: bool = True) -> Doc:
    embargo = access.get("embargo") or {"active": False, "reason": None}
    if not has_files:
        status = "metadata-only"
    elif access.get("files") == "restricted":
        status = "embargoed" if embargo.get("active") else "restricted"
    else:
        status = "open"
    return {
        "record": access.get("record", "public"),
        "files": access.get("files", "public"),
        "embargo": embargo,
        "status": status,
    }


def parent_block(parent_id: str, parent: Doc, communities: list[Doc]) -> Doc:
    ids = [c["id"] for c in communities]
    block: Doc = {
        "id": parent_id,
        "access": {
            "owned_by": {"user": parent["owner"]},
            "grants": [
                {"subject": {"type": "user", "id": g["user"]}, "permission": g["permission"], "origin": None}
                for g in parent.get("grants", [])
            ],
            "settings": {"allow_user_requests": False},
        },
        "communities": {"ids": ids, "default": ids[0] if ids else None, "entries": communities},
        "pids": parent.get("pids", {}),
    }
    if parent.get("review"):
        block["review"] = {"id": parent["review"], "type": "community-submission"}
    return block
