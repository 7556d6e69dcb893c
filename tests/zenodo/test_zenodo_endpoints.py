"""Endpoint paths, pagination, and the verification of calls that must not be repeated blindly."""

from __future__ import annotations

import pytest
import requests
import responses
from responses import matchers
from zenodo_fakes import BASE

from zenodeploy.errors import FilesError
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.failures import OutcomeUnknown

PUBLISH = f"{BASE}/api/records/abc12/draft/actions/publish"


def test_publish_answered_500_but_done_is_a_success_without_a_second_publish(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(PUBLISH, status=500, json={"status": 500, "message": "Internal error."})
    rsps.get(f"{BASE}/api/records/abc12", json={"id": "abc12", "is_published": True, "status": "published"})
    rsps.get(f"{BASE}/api/records/abc12/draft", status=404, json={"status": 404, "message": "Not found."})
    assert client.publish("abc12")["is_published"] is True
    assert [c.request.method for c in rsps.calls] == ["POST", "GET", "GET"]
    assert client.requests_made == {"POST": 1, "GET": 2}


def test_publish_timeout_with_the_record_still_a_draft_is_an_error_saying_apply_may_be_rerun(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(PUBLISH, body=requests.ReadTimeout("timed out"))
    rsps.get(f"{BASE}/api/records/abc12", status=404, json={"status": 404, "message": "Not found."})
    with pytest.raises(OutcomeUnknown) as info:
        client.publish("abc12")
    assert str(info.value) == (
        "POST /api/records/abc12/draft/actions/publish timed out (ReadTimeout). The server may nevertheless "
        "have published the record; run apply again — it re-reads the remote state first, so nothing is done twice."
    )
    assert client.requests_made == {"POST": 1, "GET": 1}


def test_publish_500_of_an_edit_whose_draft_remains_is_not_taken_as_published(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(PUBLISH, status=502)
    rsps.get(f"{BASE}/api/records/abc12", json={"id": "abc12", "is_published": True})
    rsps.get(f"{BASE}/api/records/abc12/draft", json={"id": "abc12", "is_published": True})
    with pytest.raises(OutcomeUnknown, match="published the record"):
        client.publish("abc12")
    assert client.requests_made["POST"] == 1


def test_publish_500_with_the_record_reported_as_draft_is_an_error(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(PUBLISH, status=500)
    rsps.get(f"{BASE}/api/records/abc12", json={"id": "abc12", "is_published": False, "status": "draft"})
    with pytest.raises(OutcomeUnknown):
        client.publish("abc12")


def test_edit_after_a_lost_response_returns_the_draft_it_opened(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(f"{BASE}/api/records/7/draft", status=504)
    rsps.get(f"{BASE}/api/records/7/draft", json={"id": "7"})
    assert client.edit("7") == {"id": "7"}


def test_new_version_is_repeated_once_because_the_server_returns_the_pending_draft(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(f"{BASE}/api/records/7/versions", status=500)
    rsps.post(f"{BASE}/api/records/7/versions", status=201, json={"id": "8"})
    assert client.new_version("7") == {"id": "8"}


def test_start_uploads_after_a_lost_response_checks_the_listing(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(
        f"{BASE}/api/records/7/draft/files",
        status=503,
        match=[matchers.json_params_matcher([{"key": "a b/c.csv"}])],
    )
    rsps.get(
        f"{BASE}/api/records/7/draft/files", json={"entries": [{"key": "a b/c.csv", "status": "pending"}]}
    )
    assert client.start_uploads("7", ["a b/c.csv"])["entries"][0]["status"] == "pending"


def test_files_import_unverified_stays_an_error(client: ZenodoClient, rsps: responses.RequestsMock) -> None:
    rsps.post(f"{BASE}/api/records/7/draft/actions/files-import", status=500)
    rsps.get(f"{BASE}/api/records/7/draft/files", json={"entries": []})
    with pytest.raises(OutcomeUnknown, match="imported the files"):
        client.files_import("7")


def test_search_follows_every_page(client: ZenodoClient, rsps: responses.RequestsMock) -> None:
    url = f"{BASE}/api/user/records"
    for page, ids in ((1, ["a", "b"]), (2, ["c", "d"]), (3, ["e"])):
        params = {
            "q": "metadata.title:x",
            "size": "2",
            "page": str(page),
            "allversions": "true",
            "shared_with_me": "false",  # only the account's own: never a colleague's shared record
        }
        rsps.get(
            url,
            match=[matchers.query_param_matcher(params)],
            json={"hits": {"hits": [{"id": i} for i in ids], "total": 5}, "links": {}},
        )
    found = client.search_user_records("metadata.title:x", all_versions=True, size=2)
    assert [r["id"] for r in found] == ["a", "b", "c", "d", "e"]


def test_search_stops_on_an_empty_page_and_reads_total_objects(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    url = f"{BASE}/api/user/records"
    rsps.get(url, json={"hits": {"hits": [{"id": "a"}], "total": {"value": 9}}})
    rsps.get(url, json={"hits": {"hits": [], "total": {"value": 9}}})
    assert [r["id"] for r in client.search_user_records(None)] == ["a"]
    assert "q=" not in (rsps.calls[0].request.url or "")


def test_file_keys_keep_slashes_and_quote_the_rest(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.delete(f"{BASE}/api/records/7/draft/files/raw%20data/sp%C3%A9ctra%20%231.zip", status=204)
    rsps.get(f"{BASE}/api/records/7/draft/files/a%3Fb%25c/d.csv", json={"key": "a?b%c/d.csv"})
    client.delete_file("7", "raw data/spéctra #1.zip")
    assert client.get_draft_file("7", "a?b%c/d.csv")["key"] == "a?b%c/d.csv"


@pytest.mark.parametrize("key", ["/abs.csv", "a//b.csv", "../up.csv", "a/./b", "dir/"])
def test_keys_a_proxy_would_normalise_are_refused(client: ZenodoClient, key: str) -> None:
    with pytest.raises(FilesError, match="cannot be stored"):
        client.delete_file("7", key)


def test_review_and_community_requests_use_the_rdm_shapes(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.put(
        f"{BASE}/api/records/7/draft/review",
        match=[
            matchers.json_params_matcher({"receiver": {"community": "c-1"}, "type": "community-submission"})
        ],
        json={"id": "req-1", "status": "created"},
    )
    rsps.post(
        f"{BASE}/api/records/7/draft/actions/submit-review",
        match=[matchers.json_params_matcher({"payload": {"content": "Please", "format": "html"}})],
        status=202,
        json={"id": "req-1", "status": "submitted"},
    )
    rsps.post(
        f"{BASE}/api/records/7/communities",
        match=[matchers.json_params_matcher({"communities": [{"id": "a"}, {"id": "b"}]})],
        json={"processed": []},
    )
    rsps.get(f"{BASE}/api/requests/req-1", json={"status": "accepted"})
    rsps.get(f"{BASE}/api/communities/my-lab", json={"id": "uuid"})
    assert client.request_review("7", "c-1")["status"] == "created"
    assert client.submit_review("7", "Please")["status"] == "submitted"
    assert client.add_communities("7", ["a", "b"]) == {"processed": []}
    assert client.get_request("req-1")["status"] == "accepted"
    assert client.get_community("my-lab")["id"] == "uuid"


def test_check_token_is_one_cheap_authenticated_get(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(
        f"{BASE}/api/user/records",
        match=[matchers.query_param_matcher({"size": "1", "shared_with_me": "false"})],
        json={"hits": {"hits": [], "total": 0}},
    )
    assert client.check_token()["hits"]["total"] == 0
