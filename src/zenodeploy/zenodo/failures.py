"""What a failed request means: typed API errors, sentences that say what to do, URLs without secrets."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests

from zenodeploy.errors import ApiError

_SCOPES_HINT = (
    "Check that the token is valid for {host} and has the scopes deposit:write and deposit:actions "
    "(Account → Applications → Personal access tokens), and that the record belongs to that account."
)
_HINTS = {
    400: "Fix the manifest and run apply again.",
    401: _SCOPES_HINT,
    403: _SCOPES_HINT,
    404: (
        "The record or file does not exist or is not visible with this token; check the deposition's "
        "record: pin and its entry in the lock file (<manifest>.lock), and remove a stale one."
    ),
    410: "The record was deleted; remove its record: pin or lock entry so that apply creates a new one.",
    413: "The server refused the size of the upload; try again later or ask the repository's support.",
    429: (
        "The server's rate limit was still exceeded after {attempts} attempts; wait a few minutes and run "
        "the command again."
    ),
}
_SERVER_HINT = "The server failed; run the command again later (apply continues where this run stopped)."
_OTHER_HINT = "Run the command again; if it keeps failing, report it with this message."
_MAX_FIELD_ERRORS = 10


class NotFound(ApiError):
    """404 or 410: the record, draft or file does not exist (or is not visible to this token)."""


class PermissionDenied(ApiError):
    """401 or 403: the token is missing, wrong, lacks scopes, or is not the owner's."""


class RateLimited(ApiError):
    """429 persisted after every allowed attempt."""


class ServerFailed(ApiError):
    """A 5xx persisted after every allowed attempt of a request that is safe to repeat."""


class ConnectionFailed(ApiError):
    """No response: connection refused, reset or timed out, after every allowed attempt."""


class OutcomeUnknown(ApiError):
    """A request that must not be repeated blindly (create, publish, …) failed with a 5xx,
    a timeout or a dropped connection: the server may or may not have carried it out."""


def redact_url(url: str) -> str:
    """``url`` without user info and without any query parameter whose name contains "token"."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port is not None:
        netloc = f"{netloc}:{parts.port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if "token" not in k.lower()]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), ""))


#: A secret this long is replaced wherever it occurs: no word contains one by chance.
_ANYWHERE = 16


def scrub(text: str, secret: str | None) -> str:
    """``text`` with ``secret`` replaced by ``***`` (a last line of defence): as a whole token
    (not inside a longer run of letters and digits, so a short token cannot mangle the words of
    a message), and anywhere at all once it is ``_ANYWHERE`` characters or longer."""
    if not secret:
        return text
    if len(secret) >= _ANYWHERE:
        return text.replace(secret, "***")
    return re.sub(rf"(?<![^\W_]){re.escape(secret)}(?![^\W_])", "***", text)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?" else text + "."


def parse_error_body(response: requests.Response) -> tuple[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """The server's message and field errors from an InvenioRDM error body
    ``{"status", "message", "errors": [{"field", "messages": [...]}]}`` (invenio-records-resources: ``resources/errors.py``)."""
    try:
        body: Any = response.json()
    except ValueError:
        return (response.reason or "", ())
    if not isinstance(body, dict):
        return (response.reason or "", ())
    message = str(body.get("message") or response.reason or "")
    fields: list[tuple[str, tuple[str, ...]]] = []
    errors = body.get("errors")
    for item in errors if isinstance(errors, list) else ():
        if not isinstance(item, dict):
            continue
        raw = item.get("messages", item.get("message", ()))
        texts = (
            (raw,)
            if isinstance(raw, str)
            else tuple(str(m) for m in raw if m)
            if isinstance(raw, list)
            else ()
        )
        fields.append((str(item.get("field", "")), texts))
    return (message, tuple(fields))


def _display(method: str, url: str) -> str:
    return f"{method} {urlsplit(url).path}"


def error_for_status(
    method: str,
    url: str,
    response: requests.Response,
    *,
    attempts: int,
    secret: str | None,
    unknown_outcome: str = "",
) -> ApiError:
    """The typed error for a non-2xx ``response``; ``url`` must already be redacted.

    ``unknown_outcome`` (what the request may have done, e.g. "published the record") turns a
    5xx into an :class:`OutcomeUnknown` whose message says so."""
    status = response.status_code
    server_message, field_errors = parse_error_body(response)
    details = " ".join(
        _sentence(f"{field}: {' '.join(texts)}" if field else " ".join(texts))
        for field, texts in field_errors[:_MAX_FIELD_ERRORS]
    )
    if len(field_errors) > _MAX_FIELD_ERRORS:
        details += f" ({len(field_errors) - _MAX_FIELD_ERRORS} more field errors.)"
    hint = _HINTS.get(status, _SERVER_HINT if status >= 500 else _OTHER_HINT)
    hint = hint.format(host=urlsplit(url).hostname, attempts=attempts)
    if unknown_outcome and status >= 500:
        hint = _unknown_hint(unknown_outcome)
    text = " ".join(p for p in (_sentence(server_message), details, hint) if p)
    message = scrub(f"{_display(method, url)} failed ({status}): {text}", secret)
    cls: type[ApiError] = ApiError
    if status in (404, 410):
        cls = NotFound
    elif status in (401, 403):
        cls = PermissionDenied
    elif status == 429:
        cls = RateLimited
    elif status >= 500:
        cls = OutcomeUnknown if unknown_outcome else ServerFailed
    return cls(
        message,
        status=status,
        method=method,
        url=url,
        server_message=scrub(server_message, secret),
        field_errors=tuple((f, tuple(scrub(t, secret) for t in ts)) for f, ts in field_errors),
    )


def error_for_exception(
    method: str,
    url: str,
    exc: requests.RequestException,
    *,
    attempts: int,
    secret: str | None,
    unknown_outcome: str = "",
) -> ApiError:
    """The typed error for a request that got no response; ``url`` must already be redacted.

    The message names the kind of failure but not ``str(exc)``, which repeats the full URL.
    ``unknown_outcome`` as in :func:`error_for_status`."""
    kind = "timed out" if isinstance(exc, requests.Timeout) else "could not reach the server"
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    hint = (
        _unknown_hint(unknown_outcome)
        if unknown_outcome
        else f"Check the network connection and that {urlsplit(url).hostname} is up, then run the command again."
    )
    message = f"{_display(method, url)} {kind}{tries} ({type(exc).__name__}). {hint}"
    cls = OutcomeUnknown if unknown_outcome else ConnectionFailed
    return cls(scrub(message, secret), method=method, url=url)


def _unknown_hint(what: str) -> str:
    return (
        f"The server may nevertheless have {what}; run apply again — it re-reads the remote state "
        "first, so nothing is done twice."
    )
