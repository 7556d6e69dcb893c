"""A thin RDM client for the conformance suite (plain ``requests``) and a minimal valid record."""

from __future__ import annotations

from typing import Any

import requests

from zenodeploy.emulator import LOCAL_TOKEN

RDM = "application/vnd.inveniordm.v1+json"
MINIMAL = {
    "metadata": {
        "resource_type": {"id": "dataset"},
        "title": "My data",
        "creators": [{"person_or_org": {"type": "personal", "family_name": "Doe", "given_name": "Jane"}}],
        "publication_date": "2024-05-01",
        "publisher": "Zenodo",
        "description": "<p>Spectra of <b>many</b> compounds.</p>",
    }
}


class Api:
    """A thin ``requests`` wrapper: base URL, token, the RDM Accept header."""

    def __init__(self, url: str, token: str | None = LOCAL_TOKEN) -> None:
        self.url = url
        self.session = requests.Session()
        self.session.headers["Accept"] = RDM
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def __call__(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, f"{self.url}/api{path}", timeout=30, **kwargs)

    def upload(self, rec_id: str, key: str, data: bytes) -> dict[str, Any]:
        """The three steps: init, content, commit; returns the committed entry."""
        assert self("POST", f"/records/{rec_id}/draft/files", json=[{"key": key}]).status_code == 201
        put = self(
            "PUT",
            f"/records/{rec_id}/draft/files/{key}/content",
            data=data,
            headers={"Content-Type": "application/octet-stream"},
        )
        assert put.status_code == 200, put.text
        commit = self("POST", f"/records/{rec_id}/draft/files/{key}/commit")
        assert commit.status_code == 200, commit.text
        entry: dict[str, Any] = commit.json()
        return entry

    def published(self, data: bytes = b"a,b\n1,2\n", key: str = "data.csv") -> dict[str, Any]:
        """A published record with one file."""
        draft = self("POST", "/records", json=MINIMAL).json()
        self.upload(draft["id"], key, data)
        response = self("POST", f"/records/{draft['id']}/draft/actions/publish")
        assert response.status_code == 202, response.text
        record: dict[str, Any] = response.json()
        return record
