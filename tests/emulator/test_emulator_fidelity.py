"""HTTP behaviours in which Zenodo (InvenioRDM) differs from a naive emulator (issue 9, item 1).

Each test names the server source file it follows; each would fail on the emulator's
former behaviour.
"""

from __future__ import annotations

import copy
import json
import socket
import uuid
from pathlib import Path

import pytest
import requests
from rdm_client import MINIMAL, Api

from zenodeploy.emulator import LOCAL_TOKEN, Emulator, start
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


def test_default_preview_is_reset_by_a_put_without_it(api: Api) -> None:
    # invenio-drafts-resources services/records/components/base.py update_draft assigns
    # data.get("files", {}).get("default_preview") on every update
    draft = api("POST", "/records", json=MINIMAL).json()
    api.upload(draft["id"], "paper.pdf", b"%PDF-1.4")
    api.upload(draft["id"], "data.csv", b"a,b\n")
    body = {**MINIMAL, "files": {"enabled": True, "default_preview": "paper.pdf"}}
    saved = api("PUT", f"/records/{draft['id']}/draft", json=body).json()
    assert saved["files"]["default_preview"] == "paper.pdf"
    assert api("GET", f"/records/{draft['id']}/draft/files").json()["default_preview"] == "paper.pdf"
    wrong = api(
        "PUT", f"/records/{draft['id']}/draft", json={**MINIMAL, "files": {"default_preview": "x.pdf"}}
    )
    assert {"field": "files.default_preview", "messages": ['No file with key "x.pdf"']} in wrong.json()[
        "errors"
    ]
    assert wrong.json()["files"]["default_preview"] == "paper.pdf"  # the old value stays
    api("PUT", f"/records/{draft['id']}/draft", json=MINIMAL)  # no "files": reset
    assert "default_preview" not in api("GET", f"/records/{draft['id']}/draft").json()["files"]
    assert api("GET", f"/records/{draft['id']}/draft/files").json()["default_preview"] is None
    api("PUT", f"/records/{draft['id']}/draft", json=body)
    published = api("POST", f"/records/{draft['id']}/draft/actions/publish").json()
    assert published["files"]["default_preview"] == "paper.pdf"


def test_deleting_the_default_preview_file_clears_it(api: Api) -> None:
    # invenio-records-resources records/systemfields/files/manager.py delete
    draft = api("POST", "/records", json=MINIMAL).json()
    api.upload(draft["id"], "paper.pdf", b"%PDF-1.4")
    api("PUT", f"/records/{draft['id']}/draft", json={**MINIMAL, "files": {"default_preview": "paper.pdf"}})
    assert api("GET", f"/records/{draft['id']}/draft/files").json()["default_preview"] == "paper.pdf"
    assert api("DELETE", f"/records/{draft['id']}/draft/files/paper.pdf").status_code == 204
    assert api("GET", f"/records/{draft['id']}/draft/files").json()["default_preview"] is None


def test_missing_files_on_save_counts_pending_entries_and_is_short(api: Api) -> None:
    # invenio-drafts-resources components/base.py update_draft; zenodo-rdm permissions.py can_manage_files
    draft = api("POST", "/records", json=MINIMAL).json()
    assert "errors" not in draft
    empty = api("PUT", f"/records/{draft['id']}/draft", json=MINIMAL).json()
    assert empty["errors"] == [{"field": "files.enabled", "messages": ["Missing uploaded files."]}]
    api("POST", f"/records/{draft['id']}/draft/files", json=[{"key": "a.txt"}])
    assert "errors" not in api("PUT", f"/records/{draft['id']}/draft", json=MINIMAL).json()
    pending = api("POST", f"/records/{draft['id']}/draft/actions/publish")
    assert pending.status_code == 400
    assert pending.json()["errors"] == [
        {"field": "files", "messages": ["One or more files have not completed their transfer, please wait."]}
    ]


def _raw(url: str, request: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_truncated_content_put_is_200_with_errors_and_removes_the_entry(api: Api, emulator: Emulator) -> None:
    # invenio-records-resources services/files/components/content.py set_file_content and
    # service.py set_file_content: TransferException → entry deleted, 200 with "errors"
    draft = api("POST", "/records", json=MINIMAL).json()
    api("POST", f"/records/{draft['id']}/draft/files", json=[{"key": "t.bin"}])
    path = f"/api/records/{draft['id']}/draft/files/t.bin/content"
    head = f"PUT {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {LOCAL_TOKEN}\r\nContent-Length: 100\r\n\r\n"
    answer = _raw(emulator.url, head.encode() + b"z" * 40)
    status, _, body = answer.partition(b"\r\n\r\n")
    assert status.startswith(b"HTTP/1.1 200")
    assert json.loads(body)["errors"] == "File upload transfer failed."
    assert api("GET", f"/records/{draft['id']}/draft/files").json()["entries"] == []


def test_content_put_on_a_committed_file_removes_it(api: Api) -> None:
    # invenio-records-resources transfer/providers/local.py: "already committed" is a
    # TransferException, handled like a failed transfer
    draft = api("POST", "/records", json=MINIMAL).json()
    api.upload(draft["id"], "a.txt", b"one")
    again = api("PUT", f"/records/{draft['id']}/draft/files/a.txt/content", data=b"two")
    assert again.status_code == 200 and again.json()["errors"] == "File upload transfer failed."
    assert api("GET", f"/records/{draft['id']}/draft/files/a.txt").status_code == 404


def test_file_count_and_bucket_quota(tmp_path: Path) -> None:
    # invenio-records-resources services/files/components/metadata.py init_files and
    # resources/errors.py; invenio-files-rest limiters.py, models.py Bucket.size_limit
    with start(tmp_path, max_files=3, quota_size=10, max_file_size=8) as emu:
        api = Api(emu.url)
        draft = api("POST", "/records", json=MINIMAL).json()
        rec = draft["id"]
        assert (
            api("POST", f"/records/{rec}/draft/files", json=[{"key": "a"}, {"key": "b"}]).status_code == 201
        )
        too_many = api("POST", f"/records/{rec}/draft/files", json=[{"key": "c"}, {"key": "d"}])
        assert too_many.status_code == 400
        assert too_many.json() == {
            "status": 400,
            "message": "Uploading selected files will result in exceeding the max amount per record.",
        }
        big = api("PUT", f"/records/{rec}/draft/files/a/content", data=b"x" * 9)
        assert big.status_code == 400 and big.json()["message"] == "Maximum file size exceeded."
        assert api("PUT", f"/records/{rec}/draft/files/a/content", data=b"x" * 7).status_code == 200
        over = api("PUT", f"/records/{rec}/draft/files/b/content", data=b"x" * 4)
        assert over.status_code == 400 and over.json()["message"] == "Bucket quota exceeded."
        chunked = api("PUT", f"/records/{rec}/draft/files/b/content", data=iter([b"xx", b"xx"]))
        assert chunked.status_code == 400 and chunked.json()["message"] == "Bucket quota exceeded."
        assert api("PUT", f"/records/{rec}/draft/files/b/content", data=b"x" * 3).status_code == 200


def test_zenodo_file_limits_are_the_default(tmp_path: Path) -> None:
    # zenodo-rdm invenio.cfg RDM_FILES_DEFAULT_QUOTA_SIZE / MAX_FILE_SIZE = 50 GB; a larger
    # Content-Length is refused before any byte is read (the quota comes first on a tie)
    with start(tmp_path) as emu:
        api = Api(emu.url)
        rec = api("POST", "/records", json=MINIMAL).json()["id"]
        api("POST", f"/records/{rec}/draft/files", json=[{"key": "huge.bin"}])
        path = f"/api/records/{rec}/draft/files/huge.bin/content"
        head = (
            f"PUT {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {LOCAL_TOKEN}\r\n"
            f"Content-Length: {50 * 10**9 + 1}\r\n\r\n"
        )
        status, _, body = _raw(emu.url, head.encode()).partition(b"\r\n\r\n")
        assert status.startswith(b"HTTP/1.1 400")
        assert json.loads(body)["message"] == "Bucket quota exceeded."


def _draft_with_file(api: Api) -> str:
    draft = api("POST", "/records", json=MINIMAL).json()
    api.upload(draft["id"], "a.txt", b"hi")
    rec_id: str = draft["id"]
    return rec_id


def test_review_receiver_is_a_community_uuid_not_a_slug(api: Api) -> None:
    # invenio-rdm-records services/review/service.py create → entity resolver by primary key
    # (invenio-communities communities/entity_resolvers.py, invenio-records-resources
    # references/entity_resolvers/records.py RecordPKProxy: StatementError → NoResultFound → 404)
    rec = _draft_with_file(api)
    by_slug = api(
        "PUT",
        f"/records/{rec}/draft/review",
        json={"receiver": {"community": "zenodo-test"}, "type": "community-submission"},
    )
    assert by_slug.status_code == 404 and by_slug.json() == {"status": 404, "message": "Not found."}
    bad_type = api(
        "PUT", f"/records/{rec}/draft/review", json={"receiver": {"community": "zenodo-test"}, "type": "x"}
    )
    assert bad_type.status_code == 400
    assert bad_type.json()["errors"] == [{"field": "type", "messages": ["Invalid review type."]}]
    community = api("GET", "/communities/zenodo-test").json()
    by_id = _ask_review(api, rec, community["id"])
    assert by_id.status_code == 200 and by_id.json()["receiver"] == {"community": community["id"]}


def test_communities_by_slug_id_and_query(api: Api) -> None:
    # invenio-communities communities/records/systemfields/pidslug.py resolve (UUID or slug)
    by_slug = api("GET", "/communities/chemistry").json()
    assert by_slug["slug"] == "chemistry" and str(uuid.UUID(by_slug["id"])) == by_slug["id"]
    assert api("GET", f"/communities/{by_slug['id']}").json()["slug"] == "chemistry"
    assert by_slug["access"]["review_policy"] == "closed"
    found = api("GET", "/communities", params={"q": "slug:chemistry"}).json()
    assert found["hits"]["total"] == 1 and found["hits"]["hits"][0]["id"] == by_slug["id"]
    unknown = api("GET", "/communities/nope")
    assert unknown.status_code == 404
    assert unknown.json()["message"] == "The persistent identifier does not exist."


def test_open_review_policy_publishes_a_curators_submission_at_once(api: Api, emulator: Emulator) -> None:
    # invenio-rdm-records services/review/service.py submit + community_inclusion/service.py
    # include; invenio-communities permissions.py can_include_directly (ReviewPolicy: open → curators)
    created = requests.post(
        f"{emulator.url}/api/_emulator/communities",
        json={"slug": "open-lab", "review_policy": "open", "members": {"local": "curator"}},
        headers=emulator.admin_headers,
        timeout=10,
    )
    assert created.status_code == 201
    community = created.json()
    assert community["access"]["review_policy"] == "open"
    rec = _draft_with_file(api)
    _ask_review(api, rec, community["id"])
    submitted = api("POST", f"/records/{rec}/draft/actions/submit-review", json={})
    assert submitted.status_code == 202 and submitted.json()["status"] == "accepted"
    record = api("GET", f"/records/{rec}").json()
    assert record["is_published"] and record["parent"]["communities"]["ids"] == [community["id"]]


def test_open_review_policy_still_waits_for_non_curators_and_on_require_review(
    api: Api, emulator: Emulator
) -> None:
    # ReviewPolicy "open" lets curators include directly, nobody else; require_review forces a review
    outsider = emulator.add_community({"slug": "open-to-curators", "review_policy": "open"})
    mine = emulator.add_community({"slug": "my-lab", "review_policy": "open", "members": {"local": "owner"}})
    for community, body in ((outsider, {}), (mine, {"require_review": True})):
        rec = _draft_with_file(api)
        _ask_review(api, rec, community["id"])
        submitted = api("POST", f"/records/{rec}/draft/actions/submit-review", json=body)
        assert submitted.json()["status"] == "submitted"
        assert api("GET", f"/records/{rec}").status_code == 404


def _ask_review(api: Api, rec: str, community_id: str) -> requests.Response:
    review = {"receiver": {"community": community_id}, "type": "community-submission"}
    return api("PUT", f"/records/{rec}/draft/review", json=review)


def test_closed_submission_policy_refuses_non_members(api: Api, emulator: Emulator) -> None:
    # invenio-communities permissions.py can_submit_record; invenio-rdm-records services/errors.py
    members_only = emulator.add_community({"slug": "inner-circle", "record_submission_policy": "closed"})
    rec = _draft_with_file(api)
    _ask_review(api, rec, members_only["id"])
    refused = api("POST", f"/records/{rec}/draft/actions/submit-review", json={})
    assert refused.status_code == 403
    assert refused.json()["message"] == "Submission to this community is only allowed to community members."


def test_inclusion_of_a_published_record_is_direct_for_curators(api: Api, emulator: Emulator) -> None:
    # invenio-rdm-records services/communities/service.py add → community_inclusion include
    emulator.add_community(
        {"slug": "curated-by-me", "review_policy": "members", "members": {"local": "reader"}}
    )
    record = api.published()
    answer = api(
        "POST", f"/records/{record['id']}/communities", json={"communities": [{"id": "curated-by-me"}]}
    )
    assert answer.status_code == 200
    processed = answer.json()["processed"][0]
    assert processed["community_id"] == "curated-by-me" and processed["request"]["status"] == "accepted"
    hits = api("GET", f"/records/{record['id']}/communities").json()["hits"]["hits"]
    assert [h["slug"] for h in hits] == ["curated-by-me"]
    again = api(
        "POST", f"/records/{record['id']}/communities", json={"communities": [{"id": "curated-by-me"}]}
    )
    assert again.status_code == 400
    assert again.json()["message"] == "The record is already included in this community."


def test_communities_survive_a_restart(tmp_path: Path) -> None:
    with start(tmp_path) as emu:
        made = emu.add_community("lab-a:open")
    with start(tmp_path) as emu:
        again = Api(emu.url)("GET", "/communities/lab-a").json()
        assert again["id"] == made["id"] and again["access"]["review_policy"] == "open"


def test_user_records_include_records_shared_with_the_user(tmp_path: Path) -> None:
    # invenio-rdm-records services/search_params.py SharedOrMyDraftsParam
    with start(tmp_path, tokens={"tok-me": "me", "tok-colleague": "colleague"}) as emu:
        mine = Api(emu.url, "tok-me")
        colleague = Api(emu.url, "tok-colleague")
        own = mine("POST", "/records", json=MINIMAL).json()
        theirs = colleague("POST", "/records", json=MINIMAL).json()
        viewed = colleague("POST", "/records", json=MINIMAL).json()
        shared = requests.post(
            f"{emu.url}/api/_emulator/records/{theirs['id']}/grants",
            json={"user": "me", "permission": "edit"},
            headers=emu.admin_headers,
            timeout=10,
        )
        assert shared.status_code == 201
        emu.share(viewed["id"], "me", "view")  # a view grant does not read drafts

        def ids(**params: str) -> list[str]:
            hits = mine("GET", "/user/records", params=params).json()["hits"]["hits"]
            return sorted(h["id"] for h in hits)

        assert ids() == sorted([own["id"], theirs["id"]])
        assert ids(shared_with_me="false") == [own["id"]]
        assert ids(shared_with_me="true") == [theirs["id"]]
        assert mine("GET", "/user/records", params={"shared_with_me": "maybe"}).status_code == 400
        draft = mine("GET", f"/records/{theirs['id']}/draft").json()
        assert draft["parent"]["access"]["owned_by"] == {"user": "colleague"}
        assert mine("GET", f"/records/{viewed['id']}/draft").status_code == 403


def test_affiliation_with_a_ror_id_is_named_by_ror(api: Api) -> None:
    # invenio-rdm-records records/api.py relations creator_affiliations (keys name, identifiers)
    body = copy.deepcopy(MINIMAL)
    body["metadata"]["creators"][0]["affiliations"] = [
        {"id": "01ggx4157", "name": "CERN"},
        {"name": "My lab"},
    ]
    draft = api("POST", "/records", json=body).json()
    affiliations = draft["metadata"]["creators"][0]["affiliations"]
    assert affiliations[0]["name"] == "European Organization for Nuclear Research"
    assert affiliations[0]["id"] == "01ggx4157"
    assert affiliations[1] == {"name": "My lab"}
    api.upload(draft["id"], "a.txt", b"x")
    record = api("POST", f"/records/{draft['id']}/draft/actions/publish").json()
    assert (
        record["metadata"]["creators"][0]["affiliations"][0]["name"]
        == "European Organization for Nuclear Research"
    )
