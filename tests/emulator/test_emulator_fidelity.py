"""HTTP behaviours in which Zenodo (InvenioRDM) differs from a naive emulator (issue 9, item 1).

Each test names the server source file it follows; each would fail on the emulator's
former behaviour.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdm_client import MINIMAL, Api

from zenodeploy.emulator import start
from zenodeploy.emulator.ratelimit import parse_limit


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


def test_rate_limit_has_a_minute_and_an_hour_window(tmp_path: Path) -> None:
    # Flask-Limiter as invenio-app configures it (invenio_app/limiter.py, config.py
    # RATELIMIT_AUTHENTICATED_USER = "5000 per hour;100 per minute"): shortest window in the
    # headers; an exhausted hour window refuses with its own message and Retry-After ≤ 3600.
    with start(tmp_path, rate_limit="4 per hour;3 per minute") as emu:
        api = Api(emu.url)
        first = api("GET", "/user/records")
        assert first.headers["X-RateLimit-Limit"] == "3"
        assert first.headers["X-RateLimit-Remaining"] == "2"
        assert 0 < int(first.headers["Retry-After"]) <= 61
        api("GET", "/user/records")
        api("GET", "/user/records")
        by_minute = api("GET", "/user/records")
        assert by_minute.status_code == 429
        assert by_minute.json() == {"status": 429, "message": "3 per 1 minute"}
    with start(tmp_path, rate_limit="2 per hour;100 per minute") as emu:
        api = Api(emu.url)
        assert [api("GET", "/user/records").status_code for _ in range(2)] == [200, 200]
        by_hour = api("GET", "/user/records")
        assert by_hour.status_code == 429
        assert by_hour.json() == {"status": 429, "message": "2 per 1 hour"}
        assert by_hour.headers["X-RateLimit-Limit"] == "2"
        assert by_hour.headers["X-RateLimit-Remaining"] == "0"
        assert 3500 < int(by_hour.headers["Retry-After"]) <= 3600


def test_rate_limit_presets_and_strings_parse() -> None:
    assert [str(lim) for lim in parse_limit("documented") or []] == ["5000 per 1 hour", "100 per 1 minute"]
    assert [str(lim) for lim in parse_limit("zenodo") or []] == ["25000 per 1 hour", "1000 per 1 minute"]
    assert [str(lim) for lim in parse_limit("100/minute") or []] == ["100 per 1 minute"]
    assert parse_limit("off") is None
    with pytest.raises(ValueError):
        parse_limit("lots per hour")
