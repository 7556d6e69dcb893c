"""Auth, search, rate limits, persistence, streaming, faults, stats, communities, record page, CLI."""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from rdm_client import MINIMAL, Api

from zenodeploy.emulator import LOCAL_TOKEN, Emulator

MakeEmulator = Callable[..., Emulator]


def test_missing_or_unknown_token_is_403(emulator: Emulator) -> None:
    for token in (None, "not-a-token"):
        anonymous = Api(emulator.url, token)
        response = anonymous("POST", "/records", json=MINIMAL)
        assert response.status_code == 403
        assert response.json() == {"status": 403, "message": "Permission denied."}
    by_param = requests.post(
        f"{emulator.url}/api/records?access_token={LOCAL_TOKEN}", json=MINIMAL, timeout=10
    )
    assert by_param.status_code == 201


def test_records_belong_to_the_tokens_user(make_emulator: MakeEmulator) -> None:
    emu = make_emulator(tokens={"ta": "alice", "tb": "bob"})
    alice, bob = Api(emu.url, "ta"), Api(emu.url, "tb")
    draft = alice("POST", "/records", json=MINIMAL).json()
    assert bob("GET", f"/records/{draft['id']}/draft").status_code == 403
    assert bob("PUT", f"/records/{draft['id']}/draft", json=MINIMAL).status_code == 403
    assert bob("GET", "/user/records").json()["hits"]["total"] == 0
    record = alice.published()
    assert bob("GET", f"/records/{record['id']}").status_code == 200  # published records are public


def test_user_records_search(api: Api) -> None:
    api.published()
    other = dict(MINIMAL, metadata={**MINIMAL["metadata"], "title": "Other things"})
    api("POST", "/records", json=other)
    everything = api("GET", "/user/records").json()
    assert everything["hits"]["total"] == 2
    assert {h["is_draft"] for h in everything["hits"]["hits"]} == {True, False}
    exact = api("GET", "/user/records", params={"q": 'metadata.title:"My data"'}).json()
    assert [h["metadata"]["title"] for h in exact["hits"]["hits"]] == ["My data"]
    words = api("GET", "/user/records", params={"q": "things"}).json()
    assert words["hits"]["total"] == 1
    page = api("GET", "/user/records", params={"size": 1, "page": 2, "sort": "newest"}).json()
    assert len(page["hits"]["hits"]) == 1 and "prev" in page["links"]
    too_big = api("GET", "/user/records", params={"size": 101})
    assert too_big.status_code == 400


def test_user_records_search_by_any_of_several_ids(api: Api) -> None:
    ids = [api("POST", "/records", json=MINIMAL).json()["id"] for _ in range(3)]
    query = f'id:("{ids[0]}" OR {ids[2]} OR "999999") is_draft:true'
    found = api("GET", "/user/records", params={"q": query, "allversions": "true"}).json()
    assert sorted(h["id"] for h in found["hits"]["hits"]) == sorted([ids[0], ids[2]])


def test_user_records_hide_superseded_versions(api: Api) -> None:
    v1 = api.published()
    v2 = api("POST", f"/records/{v1['id']}/versions").json()
    latest_only = api("GET", "/user/records").json()
    assert [h["id"] for h in latest_only["hits"]["hits"]] == [v2["id"]]
    every = api("GET", "/user/records", params={"allversions": "true"}).json()
    assert every["hits"]["total"] == 2


def test_rate_limit_headers_and_429(make_emulator: MakeEmulator) -> None:
    emu = make_emulator(rate_limit=3)
    api = Api(emu.url)
    first = api("GET", "/user/records")
    assert first.headers["X-RateLimit-Limit"] == "3"
    assert first.headers["X-RateLimit-Remaining"] == "2"
    assert int(first.headers["X-RateLimit-Reset"]) >= int(time.time())
    assert "Retry-After" in first.headers
    api("GET", "/user/records")
    api("GET", "/records/999")  # errors count and carry headers too
    refused = api("GET", "/user/records")
    assert refused.status_code == 429
    assert refused.json() == {"status": 429, "message": "3 per 1 minute"}
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert (
        requests.get(f"{emu.url}/api/_emulator/stats", headers=emu.admin_headers, timeout=10).status_code
        == 200
    )  # admin: no limit


def test_restart_keeps_state(make_emulator: MakeEmulator, tmp_path: Path) -> None:
    first = make_emulator(tmp_path / "kept")
    record = Api(first.url).published(b"persisted")
    first.stop()
    api = Api(make_emulator(tmp_path / "kept").url)
    again = api("GET", f"/records/{record['id']}")
    assert again.status_code == 200 and again.json()["pids"] == record["pids"]
    assert api("GET", f"/records/{record['id']}/files/data.csv/content").content == b"persisted"
    assert int(api("POST", "/records", json=MINIMAL).json()["id"]) > int(record["id"])


def _raw_put(url: str, path: str, head: bytes, body: bytes) -> None:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"PUT {path} HTTP/1.1\r\nHost: {host}\r\n".encode() + head + b"\r\n" + body)
        sock.shutdown(socket.SHUT_WR)
        sock.recv(65536)


def test_dropped_upload_leaves_no_completed_file(api: Api, emulator: Emulator, tmp_path: Path) -> None:
    draft = api("POST", "/records", json=MINIMAL).json()
    path = f"/api/records/{draft['id']}/draft/files/big.bin/content"
    assert api("POST", f"/records/{draft['id']}/draft/files", json=[{"key": "big.bin"}]).status_code == 201
    head = f"Authorization: Bearer {LOCAL_TOKEN}\r\nContent-Length: 1000000\r\n".encode()
    _raw_put(emulator.url, path, head, b"x" * 1000)  # the client goes away after 1000 bytes
    # the failed transfer removes the entry (invenio-records-resources files/components/content.py)
    entry = api("GET", f"/records/{draft['id']}/draft/files/big.bin")
    assert entry.status_code == 404
    assert entry.json()["message"] == f"Record '{draft['id']}' has no file 'big.bin'."
    assert [p for p in (tmp_path / "data" / "blobs").rglob("*") if p.is_file()] == []  # no blob, no temp file


def test_chunked_upload(api: Api) -> None:
    draft = api("POST", "/records", json=MINIMAL).json()
    api("POST", f"/records/{draft['id']}/draft/files", json=[{"key": "c.bin"}])
    chunks = (bytes([i]) * 70_000 for i in range(30))
    put = api("PUT", f"/records/{draft['id']}/draft/files/c.bin/content", data=chunks)
    assert put.status_code == 200
    commit = api("POST", f"/records/{draft['id']}/draft/files/c.bin/commit").json()
    expected = hashlib.md5(b"".join(bytes([i]) * 70_000 for i in range(30))).hexdigest()
    assert commit["size"] == 2_100_000 and commit["checksum"] == f"md5:{expected}"


def test_fault_fails_nth_request(api: Api, emulator: Emulator) -> None:
    emulator.add_fault("GET", r"/api/user/records$", nth=2, times=2, status=503)
    codes = [api("GET", "/user/records").status_code for _ in range(4)]
    assert codes == [200, 503, 503, 200]


def test_fault_publish_then_500(api: Api, emulator: Emulator) -> None:
    draft = api("POST", "/records", json=MINIMAL).json()
    api.upload(draft["id"], "a.txt", b"hi")
    emulator.add_fault("POST", r"/actions/publish$", status=500, after=True)
    assert api("POST", f"/records/{draft['id']}/draft/actions/publish").status_code == 500
    assert api("GET", f"/records/{draft['id']}").json()["is_published"] is True  # it did publish


def test_fault_drops_upload_connection(api: Api, emulator: Emulator) -> None:
    draft = api("POST", "/records", json=MINIMAL).json()
    api("POST", f"/records/{draft['id']}/draft/files", json=[{"key": "d.bin"}])
    emulator.add_fault("PUT", r"/content$", drop_after_bytes=100_000)
    with pytest.raises(requests.ConnectionError):
        api("PUT", f"/records/{draft['id']}/draft/files/d.bin/content", data=b"y" * 5_000_000)
    dropped = api("POST", f"/records/{draft['id']}/draft/files/d.bin/commit")
    assert dropped.status_code == 404  # the failed transfer removed the entry
    assert emulator.stats()["responses"]["dropped"] == 1
    api("POST", f"/records/{draft['id']}/draft/files", json=[{"key": "d.bin"}])
    retry = api("PUT", f"/records/{draft['id']}/draft/files/d.bin/content", data=b"y" * 5_000_000)
    assert retry.status_code == 200
    assert api("POST", f"/records/{draft['id']}/draft/files/d.bin/commit").json()["size"] == 5_000_000


def test_fault_latency_and_forced_429_via_admin_endpoint(api: Api, emulator: Emulator) -> None:
    added = requests.post(
        f"{emulator.url}/api/_emulator/faults",
        json={"method": "GET", "path_regex": "/user/records", "status": 429, "times": 2, "latency": 0.2},
        headers=emulator.admin_headers,
        timeout=10,
    )
    assert added.status_code == 201
    started = time.monotonic()
    first = api("GET", "/user/records")
    assert time.monotonic() - started >= 0.2
    assert first.status_code == 429 and first.json()["status"] == 429
    assert api("GET", "/user/records").status_code == 429
    assert api("GET", "/user/records").status_code == 200


def test_stats(api: Api, emulator: Emulator) -> None:
    draft = api("POST", "/records", json=MINIMAL).json()
    api.upload(draft["id"], "a.txt", b"12345")
    api("POST", f"/records/{draft['id']}/draft/actions/publish")
    stats = requests.get(
        f"{emulator.url}/api/_emulator/stats", headers=emulator.admin_headers, timeout=10
    ).json()
    assert stats["routes"]["POST /api/records/{id}/draft/actions/publish"] == 1
    assert stats["routes"]["PUT /api/records/{id}/draft/files/{key}/content"] == 1
    assert stats["requests"]["POST"] == 4 and stats["requests"]["PUT"] == 1
    assert stats["responses"]["202"] == 1
    assert stats["bytes_received"] >= 5
    requests.post(f"{emulator.url}/api/_emulator/stats/reset", headers=emulator.admin_headers, timeout=10)
    assert emulator.stats()["requests"] == {}


def test_community_review_accept_and_decline(api: Api, emulator: Emulator) -> None:
    community = api("GET", "/communities/zenodo-test").json()
    drafts = []
    for _ in range(2):
        draft = api("POST", "/records", json=MINIMAL).json()
        api.upload(draft["id"], "a.txt", b"hi")
        review = api(
            "PUT",
            f"/records/{draft['id']}/draft/review",
            json={"receiver": {"community": community["id"]}, "type": "community-submission"},
        )
        assert review.status_code == 200 and review.json()["status"] == "created"
        submitted = api("POST", f"/records/{draft['id']}/draft/actions/submit-review", json={})
        assert submitted.status_code == 202 and submitted.json()["status"] == "submitted"
        assert api("GET", f"/records/{draft['id']}/draft").json()["status"] == "in_review"
        drafts.append((draft["id"], submitted.json()["id"]))
    accepted = requests.post(
        f"{emulator.url}/api/_emulator/requests/{drafts[0][1]}/accept",
        headers=emulator.admin_headers,
        timeout=10,
    )
    assert accepted.json()["status"] == "accepted"
    record = api("GET", f"/records/{drafts[0][0]}").json()
    assert record["is_published"] and record["parent"]["communities"]["ids"] == [community["id"]]
    emulator.decline_request(drafts[1][1])
    assert api("GET", f"/requests/{drafts[1][1]}").json()["status"] == "declined"
    assert api("GET", f"/records/{drafts[1][0]}").status_code == 404  # still a draft


def test_community_inclusion_of_published_record(api: Api, emulator: Emulator) -> None:
    record = api.published()
    response = api(
        "POST", f"/records/{record['id']}/communities", json={"communities": [{"id": "chemistry"}]}
    )
    assert response.status_code == 200
    request_id = response.json()["processed"][0]["request_id"]
    assert api("GET", f"/records/{record['id']}/communities").json()["hits"]["total"] == 0
    emulator.accept_request(request_id)
    hits = api("GET", f"/records/{record['id']}/communities").json()["hits"]["hits"]
    assert [h["slug"] for h in hits] == ["chemistry"]


def test_record_page(api: Api, emulator: Emulator) -> None:
    record = api.published(b"abc")
    page = requests.get(f"{emulator.url}/records/{record['id']}", timeout=10)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "My data" in page.text and "Doe, Jane" in page.text
    assert "<b>many</b>" in page.text and record["pids"]["doi"]["identifier"] in page.text
    assert "md5:900150983cd24fb0d6963f7d28e17f72" in page.text


def test_cli_prints_url_first_and_serves(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "zenodeploy", "emulator", "--data", str(tmp_path), "--token", "secret=me"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert Api(url, "secret")("POST", "/records", json=MINIMAL).status_code == 201
        assert Api(url, LOCAL_TOKEN)("POST", "/records", json=MINIMAL).status_code == 403
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "stats"),
        ("POST", "stats/reset"),
        ("POST", "faults"),
        ("DELETE", "faults"),
        ("GET", "requests"),
        ("POST", "requests/1/accept"),
        ("POST", "communities"),
    ],
)
def test_admin_endpoints_need_the_admin_token(emulator: Emulator, method: str, path: str) -> None:
    url = f"{emulator.url}/api/_emulator/{path}"
    body = {"method": "GET", "path_regex": ".", "status": 500, "times": 99}
    for headers in ({}, {"Authorization": f"Bearer {LOCAL_TOKEN}"}, {"Authorization": "Bearer x"}):
        refused = requests.request(method, url, json=body, headers=headers, timeout=10)
        assert refused.status_code == 403
        assert "admin endpoints need its admin token" in refused.json()["message"]
    assert emulator._app.faults.describe() == []
    allowed = requests.get(f"{emulator.url}/api/_emulator/stats", headers=emulator.admin_headers, timeout=10)
    assert allowed.status_code == 200


def test_cli_admin_token_and_size_limits(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "zenodeploy", "emulator", "--data", str(tmp_path)]
    command += ["--max-file-size", "8", "--quota", "10"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stderr is not None
        url = process.stdout.readline().strip()
        admin = (
            next(line for line in process.stdout if line.startswith("admin token"))
            .strip()
            .rpartition(": ")[2]
        )
        assert requests.get(f"{url}/api/_emulator/stats", timeout=10).status_code == 403
        auth = {"Authorization": f"Bearer {admin}"}
        assert requests.get(f"{url}/api/_emulator/stats", headers=auth, timeout=10).status_code == 200
        api = Api(url, LOCAL_TOKEN)
        draft = api("POST", "/records", json=MINIMAL).json()
        files = f"/records/{draft['id']}/draft/files"
        api("POST", files, json=[{"key": "big.bin"}])
        big = api("PUT", f"{files}/big.bin/content", data=b"x" * 9)
        assert big.status_code == 400 and big.json()["message"] == "Maximum file size exceeded."
    finally:
        process.terminate()
        process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
