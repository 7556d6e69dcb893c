"""HTTP behaviours in which Zenodo (InvenioRDM) differs from a naive emulator (issue 9, item 1).

Each test names the server source file it follows; each would fail on the emulator's
former behaviour.
"""

from __future__ import annotations

from rdm_client import MINIMAL, Api


def test_parent_id_redirects_to_latest_version(api: Api) -> None:
    # invenio-rdm-records resources/resources.py RDMRecordResource.read → flask.redirect (302)
    v1 = api.published()
    parent = v1["parent"]["id"]
    first = api("GET", f"/records/{parent}", allow_redirects=False)
    assert first.status_code == 302
    assert first.headers["Location"] == f"/api/records/{v1['id']}"
    v2 = api("POST", f"/records/{v1['id']}/versions").json()
    api("POST", f"/records/{v2['id']}/draft/actions/files-import")
    api("PUT", f"/records/{v2['id']}/draft", json=MINIMAL)
    assert api("POST", f"/records/{v2['id']}/draft/actions/publish").status_code == 202
    followed = api("GET", f"/records/{parent}")
    assert followed.status_code == 200 and followed.json()["id"] == v2["id"]
    assert followed.history[0].status_code == 302


def test_parent_id_without_published_version_is_404(api: Api) -> None:
    # invenio-drafts-resources services/records/service.py read_latest: NoResultFound → 404
    draft = api("POST", "/records", json=MINIMAL).json()
    answer = api("GET", f"/records/{draft['parent']['id']}", allow_redirects=False)
    assert answer.status_code == 404 and answer.json()["message"] == "Not found."
    assert api("GET", "/records/987654").json()["message"] == "The persistent identifier does not exist."


def test_versions_latest_is_a_301_with_a_json_body(api: Api) -> None:
    # invenio-drafts-resources resources/records/errors.py RedirectException (code 301)
    v1 = api.published()
    answer = api("GET", f"/records/{v1['id']}/versions/latest", allow_redirects=False)
    assert answer.status_code == 301
    assert answer.json() == {
        "status": 301,
        "message": "Redirecting...",
        "location": answer.headers["Location"],
    }
    assert answer.headers["Location"].endswith(f"/api/records/{v1['id']}")
