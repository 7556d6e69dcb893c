"""``GET /records/{id}``: a plain HTML page showing what was deposited."""

from __future__ import annotations

from html import escape
from typing import Any

from zenodeploy.emulator.store import Doc


def record_page(v: Doc, files: list[Doc]) -> str:
    """Title, creators, the (already sanitised) description, files with size and md5, DOI."""
    record: dict[str, Any] = v["record"]
    md = record["metadata"]
    doi = record["pids"].get("doi", {}).get("identifier", "")
    creators = "; ".join(escape(c.get("person_or_org", {}).get("name", "")) for c in md.get("creators", []))
    rows = "\n".join(
        f"<tr><td>{escape(f['key'])}</td><td>{f['size']}</td><td>md5:{escape(f['md5'])}</td></tr>"
        for f in files
        if f["status"] == "completed"
    )
    # The description was sanitised to Zenodo's allowed tags on save, so it is shown as HTML.
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{escape(md.get("title", ""))}</title></head>
<body>
<p><em>zenodeploy emulator — a local stand-in for Zenodo; nothing here is permanent.</em></p>
<h1>{escape(md.get("title", ""))}</h1>
<p class="creators">{creators}</p>
<p class="doi">DOI: <a href="https://doi.org/{escape(doi)}">{escape(doi)}</a></p>
<p>Published {escape(str(md.get("publication_date", "")))} · version {escape(str(md.get("version", "")))}</p>
<div class="description">{md.get("description", "")}</div>
<h2>Files</h2>
<table>
<tr><th>Name</th><th>Size (bytes)</th><th>Checksum</th></tr>
{rows}
</table>
</body>
</html>
"""
