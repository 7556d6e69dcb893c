"""The session: headers, cookies, redirects, secrets, error mapping and retries."""

from __future__ import annotations

import pytest
import requests
import responses
import urllib3.exceptions
from zenodo_fakes import BASE, TOKEN

from fake_clock import FakeClock
from zenodeploy import __version__
from zenodeploy.errors import ApiError
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.failures import (
    ConnectionFailed,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    ServerFailed,
    scrub,
)


def test_every_request_carries_our_headers_and_a_timeout(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{BASE}/api/records/1", json={"id": "1"})
    assert client.get_record("1") == {"id": "1"}
    call = rsps.calls[0]
    headers = call.request.headers
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Accept"] == "application/vnd.inveniordm.v1+json"
    assert headers["User-Agent"] == (
        f"zenodeploy/{__version__} (+https://github.com/zenodeploy/zenodeploy) python-requests/{requests.__version__}"
    )
    assert call.request.req_kwargs["timeout"] == (10, 300)
    assert client.requests_made == {"GET": 1}


def test_cookies_from_the_server_are_never_kept_or_sent(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{BASE}/api/records/1", json={}, headers={"Set-Cookie": "session=abc; Path=/"})
    rsps.get(f"{BASE}/api/records/2", json={})
    client.get_record("1")
    client.get_record("2")
    assert "Cookie" not in rsps.calls[1].request.headers
    assert len(client.http._session.cookies) == 0


def test_a_client_without_token_sends_no_authorization(rsps: responses.RequestsMock) -> None:
    rsps.get(f"{BASE}/api/records/1", json={})
    ZenodoClient(BASE, None).get_record("1")
    assert "Authorization" not in rsps.calls[0].request.headers


def test_authorization_is_dropped_on_a_redirect_to_another_host(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(
        f"{BASE}/api/records/1/versions/latest", status=302, headers={"Location": f"{BASE}/api/records/2"}
    )
    rsps.get(f"{BASE}/api/records/2", status=302, headers={"Location": "https://files.elsewhere.test/x"})
    rsps.get("https://files.elsewhere.test/x", json={"ok": True})
    assert client.http.request("GET", "/api/records/1/versions/latest", idempotent=True) == {"ok": True}
    assert rsps.calls[1].request.headers["Authorization"] == f"Bearer {TOKEN}"  # same host: kept
    assert "Authorization" not in rsps.calls[2].request.headers


def test_absolute_urls_on_another_host_are_refused_before_sending(client: ZenodoClient) -> None:
    with pytest.raises(ApiError, match=r"Refusing to send the access token to https://evil.test"):
        client.http.request("GET", "https://evil.test/api/records?access_token=abc", idempotent=True)
    assert client.requests_made == {}


def test_the_token_appears_in_no_repr_message_or_url(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(
        f"{BASE}/api/records/1/files",
        status=500,
        json={"status": 500, "message": f"internal error near {TOKEN}"},
    )
    with pytest.raises(ServerFailed) as info:
        client.http.request(
            "GET", f"{BASE}/api/records/1/files?access_token={TOKEN}&page=2&Token=x&size=3", idempotent=True
        )
    error = info.value
    assert TOKEN not in repr(client)
    assert repr(client) == "ZenodoClient(base_url='https://zenodo.test', token=<set>)"
    for text in (str(error), error.url, error.server_message, repr(error.args)):
        assert TOKEN not in text
    assert error.url == f"{BASE}/api/records/1/files?page=2&size=3"
    assert "Token" not in error.url


def test_the_token_is_not_in_connection_errors(client: ZenodoClient, rsps: responses.RequestsMock) -> None:
    url = f"{BASE}/api/records/1?access_token={TOKEN}"
    rsps.get(
        url,
        body=requests.ConnectionError(f"Max retries exceeded with url: /api/records/1?access_token={TOKEN}"),
    )
    client.http.retry = type(client.retry)(max_attempts=1)
    with pytest.raises(ConnectionFailed) as info:
        client.http.request("GET", url, idempotent=True)
    assert TOKEN not in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert str(info.value) == (
        "GET /api/records/1 could not reach the server (ConnectionError). Check the network connection "
        "and that zenodo.test is up, then run the command again."
    )


def test_validation_errors_become_one_sentence_with_field_errors(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(
        f"{BASE}/api/records/123/draft/actions/publish",
        status=400,
        json={
            "status": 400,
            "message": "Validation error.",
            "errors": [
                {"field": "metadata.creators", "messages": ["Missing data for required field."]},
                {"field": "metadata.title", "messages": ["Too short", "Not a string."]},
            ],
        },
    )
    with pytest.raises(ApiError) as info:
        client.publish("123")
    error = info.value
    assert str(error) == (
        "POST /api/records/123/draft/actions/publish failed (400): Validation error. "
        "metadata.creators: Missing data for required field. metadata.title: Too short Not a string. "
        "Fix the manifest and run apply again."
    )
    assert error.status == 400 and error.method == "POST"
    assert error.url == f"{BASE}/api/records/123/draft/actions/publish"
    assert error.server_message == "Validation error."
    assert error.field_errors == (
        ("metadata.creators", ("Missing data for required field.",)),
        ("metadata.title", ("Too short", "Not a string.")),
    )


def test_403_hints_at_the_token_and_its_scopes(client: ZenodoClient, rsps: responses.RequestsMock) -> None:
    rsps.put(f"{BASE}/api/records/9/draft", status=403, json={"status": 403, "message": "Permission denied."})
    with pytest.raises(PermissionDenied) as info:
        client.update_draft("9", {"metadata": {}})
    assert str(info.value) == (
        "PUT /api/records/9/draft failed (403): Permission denied. Check that the token is valid for "
        "zenodo.test and has the scopes deposit:write and deposit:actions (Account → Applications → "
        "Personal access tokens), and that the record belongs to that account."
    )


def test_404_points_at_the_pin_and_the_lock_file(client: ZenodoClient, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{BASE}/api/records/9", status=404, body="<html>Not Found</html>")
    with pytest.raises(
        NotFound, match=r"failed \(404\): Not Found\. .*record: pin and its entry in the lock file"
    ):
        client.get_record("9")


def test_a_2xx_body_that_is_not_json_is_an_error(client: ZenodoClient, rsps: responses.RequestsMock) -> None:
    rsps.get(f"{BASE}/api/records/9", body="<html>login</html>")
    with pytest.raises(ApiError, match="answered 200 with a body that is not JSON"):
        client.get_record("9")


def test_503_is_retried_with_exponential_backoff_then_succeeds(
    client: ZenodoClient, clock: FakeClock, rsps: responses.RequestsMock
) -> None:
    url = f"{BASE}/api/records/1/draft"
    rsps.get(url, status=503)
    rsps.get(url, status=502)
    rsps.get(url, status=504)
    rsps.get(url, json={"id": "1"})
    assert client.get_draft("1") == {"id": "1"}
    assert clock.sleeps == [1.0, 2.0, 4.0]
    assert client.requests_made == {"GET": 4}


def test_retries_stop_after_max_attempts(
    client: ZenodoClient, clock: FakeClock, rsps: responses.RequestsMock
) -> None:
    for _ in range(5):
        rsps.get(f"{BASE}/api/records/1", status=500, json={"status": 500, "message": "Internal error."})
    with pytest.raises(
        ServerFailed, match=r"failed \(500\): Internal error\. The server failed; run the command again later"
    ):
        client.get_record("1")
    assert len(rsps.calls) == 5 and len(clock.sleeps) == 4


def test_create_is_never_repeated_after_a_503(
    client: ZenodoClient, clock: FakeClock, rsps: responses.RequestsMock
) -> None:
    rsps.post(f"{BASE}/api/records", status=503)
    with pytest.raises(OutcomeUnknown) as info:
        client.create_draft({"metadata": {"title": "x"}})
    assert len(rsps.calls) == 1 and clock.sleeps == []
    assert str(info.value) == (
        "POST /api/records failed (503): Service Unavailable. The server may nevertheless have created a draft; "
        "run apply again — it re-reads the remote state first, so nothing is done twice."
    )


def test_create_is_not_repeated_after_a_read_timeout(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(f"{BASE}/api/records", body=requests.ReadTimeout("read timed out"))
    with pytest.raises(OutcomeUnknown, match=r"POST /api/records timed out \(ReadTimeout\)\. The server may"):
        client.create_draft({})
    assert len(rsps.calls) == 1


def test_a_connection_that_never_opened_is_retried_even_for_create(
    client: ZenodoClient, clock: FakeClock, rsps: responses.RequestsMock
) -> None:
    refused = urllib3.exceptions.NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    rsps.post(
        f"{BASE}/api/records",
        body=requests.ConnectionError(urllib3.exceptions.MaxRetryError(None, "/", refused)),
    )  # type: ignore[arg-type]
    rsps.post(f"{BASE}/api/records", status=201, json={"id": "new"})
    assert client.create_draft({}) == {"id": "new"}
    assert clock.sleeps == [1.0]


def test_429_is_retried_for_any_method_honouring_retry_after(
    client: ZenodoClient, clock: FakeClock, rsps: responses.RequestsMock
) -> None:
    rsps.post(
        f"{BASE}/api/records",
        status=429,
        json={"status": 429, "message": "1000 per 1 minute"},
        headers={"Retry-After": "7"},
    )
    rsps.post(f"{BASE}/api/records", status=201, json={"id": "new"})
    assert client.create_draft({}) == {"id": "new"}
    assert clock.sleeps == [7.0]


def test_429_without_any_header_backs_off_from_a_minute(
    client: ZenodoClient, clock: FakeClock, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{BASE}/api/records/1", status=429, body="You are being blocked.")
    rsps.get(f"{BASE}/api/records/1", status=429, body="You are being blocked.")
    rsps.get(f"{BASE}/api/records/1", json={})
    client.get_record("1")
    assert clock.sleeps == [75.0, 150.0]  # 60 s then 120 s, each plus (deterministic) 25 % jitter


def test_a_repeated_delete_that_finds_nothing_succeeded(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.delete(f"{BASE}/api/records/1/draft", status=504)
    rsps.delete(f"{BASE}/api/records/1/draft", status=404, json={"status": 404, "message": "Not found."})
    assert client.delete_draft("1") is None


def test_a_first_delete_that_finds_nothing_is_not_found(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.delete(f"{BASE}/api/records/1/draft", status=404, json={"status": 404, "message": "Not found."})
    with pytest.raises(NotFound):
        client.delete_draft("1")


def test_503_with_retry_after_waits_as_asked(
    client: ZenodoClient, clock: FakeClock, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{BASE}/api/records/1", status=503, headers={"Retry-After": "17"})
    rsps.get(f"{BASE}/api/records/1", json={})
    client.get_record("1")
    assert clock.sleeps == [17.0]


def test_a_body_that_cannot_be_replayed_is_not_retried(
    client: ZenodoClient, rsps: responses.RequestsMock
) -> None:
    rsps.put(f"{BASE}/api/records/1/draft/files/a/content", status=503)
    with pytest.raises(ServerFailed):
        client.http.request("PUT", "/api/records/1/draft/files/a/content", data=iter([b"x"]), idempotent=True)
    assert len(rsps.calls) == 1


def test_a_short_token_is_redacted_only_as_a_whole_token(rsps: responses.RequestsMock) -> None:
    """A 3-character token must not mangle the words of a message that happen to contain it."""
    with ZenodoClient(BASE, "ver", retry=type(ZenodoClient(BASE, None).retry)(max_attempts=1)) as short:
        rsps.get(
            f"{BASE}/api/records/1",
            status=500,
            json={"status": 500, "message": "the server is overloaded; token ver was refused"},
        )
        with pytest.raises(ServerFailed) as info:
            short.get_record("1")
    assert "the server is overloaded; token *** was refused" in str(info.value)
    assert scrub("access_token=ver&x ver, version", "ver") == "access_token=***&x ***, version"
    long = "A" * 20
    assert scrub(f"glued{long}glued", long) == "glued***glued"  # a long one goes wherever it is
