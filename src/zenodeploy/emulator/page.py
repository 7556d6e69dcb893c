"""The emulator's HTML pages: ``/`` lists records and drafts, ``/records/{id}`` shows a
published record and ``/uploads/{id}`` a draft (plain pages of what was deposited)."""

from __future__ import annotations

from html import escape
from typing import Any

from zenodeploy.emulator.store import Doc

_BANNER = "<p><em>zenodeploy emulator — a local stand-in for Zenodo; nothing here is permanent.</em></p>"


def _html(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{escape(title)}</title></head>
<body>
{_BANNER}
{body}
</body>
</html>
"""


def record_page(v: Doc, files: list[Doc], *, draft: bool = False) -> str:
    """Title, creators, the (already sanitised) description, files with size and md5, DOI.

    ``draft``: show the version's draft (``/uploads/{id}``) instead of its published record.
    """
    doc: dict[str, Any] = v["draft"] if draft else v["record"]
    md = doc.get("metadata", {})
    doi = doc.get("pids", {}).get("doi", {}).get("identifier", "")
    creators = "; ".join(escape(c.get("person_or_org", {}).get("name", "")) for c in md.get("creators", []))
    rows = "\n".join(
        f"<tr><td>{escape(f['key'])}</td><td>{f['size']}</td><td>md5:{escape(str(f.get('md5', '')))}</td></tr>"
        for f in files
        if f["status"] == "completed"
    )
    title = str(md.get("title", ""))
    if draft:
        state = '<p class="state">Draft — not published. <a href="/">All records and drafts</a></p>'
    else:
        state = (
            f"<p>Published {escape(str(md.get('publication_date', '')))} · version "
            f'{escape(str(md.get("version", "")))} · <a href="/">all records and drafts</a></p>'
        )
    doi_line = (
        f'<p class="doi">DOI: <a href="https://doi.org/{escape(doi)}">{escape(doi)}</a></p>' if doi else ""
    )
    # The description was sanitised to Zenodo's allowed tags on save, so it is shown as HTML.
    body = f"""<h1>{escape(title)}</h1>
<p class="creators">{creators}</p>
{doi_line}
{state}
<div class="description">{md.get("description", "")}</div>
<h2>Files</h2>
<table>
<tr><th>Name</th><th>Size (bytes)</th><th>Checksum</th></tr>
{rows}
</table>"""
    return _html(title, body)


def index_page(versions: list[Doc], base: str) -> str:
    """Every record and draft, newest first, each linking to its page."""
    rows = []
    for v in sorted(versions, key=lambda v: int(v["id"]), reverse=True):
        for doc, kind, path in ((v["draft"], "draft", "uploads"), (v["record"], "published", "records")):
            if doc is None:
                continue
            md = doc.get("metadata", {})
            doi = doc.get("pids", {}).get("doi", {}).get("identifier", "")
            link = f'<a href="/{path}/{escape(v["id"])}">{escape(str(md.get("title") or "(untitled)"))}</a>'
            rows.append(
                f"<tr><td>{escape(v['id'])}</td><td>{kind}</td><td>{link}</td>"
                f"<td>{escape(doi)}</td><td>{escape(v['owner'])}</td></tr>"
            )
    table = (
        "<table>\n<tr><th>Id</th><th>State</th><th>Title</th><th>DOI</th><th>Owner</th></tr>\n"
        + "\n".join(rows)
        + "\n</table>"
        if rows
        else "<p>No records or drafts yet.</p>"
    )
    body = f"""<h1>Records and drafts</h1>
<p>API: <code>{escape(base)}/api</code> — point zenodeploy at it with
<code>--server {escape(base)} --token-env ZENODEPLOY_TOKEN</code>.</p>
{table}"""
    return _html("zenodeploy emulator", body)
