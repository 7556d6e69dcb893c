"""The emulator's admin endpoints (``/api/_emulator/*``) for ``zenodeploy emulator requests``,
``accept``, ``decline`` and ``communities``: the emulator serving a data folder, or, when none
runs, one started on that folder for the call (so the ``--server local`` folder works too).

A standalone emulator announces itself in ``<data>/serving.json`` (its URL and admin token,
mode 0600) while it runs; nothing here prints.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from zenodeploy.errors import ConfigError, UsageError

ANNOUNCE = "serving.json"
_TIMEOUT = 10


def announce(data_dir: Path, url: str, admin_token: str) -> Path:
    """Write ``<data>/serving.json`` for the sub-commands (owner-only: it holds the admin token)."""
    path = data_dir / ANNOUNCE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"url": url, "admin_token": admin_token, "pid": os.getpid()}, out)
    return path


def withdraw(data_dir: Path) -> None:
    (data_dir / ANNOUNCE).unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class Request:
    """One community request as ``requests`` lists it."""

    id: str
    kind: str  # submission (a draft's review) or inclusion (a published record)
    status: str
    community: str
    record: str


class Admin:
    """Calls to one emulator's admin endpoints."""

    def __init__(self, url: str, admin_token: str) -> None:
        self.url = url
        self._headers = {"Authorization": f"Bearer {admin_token}"}

    def call(self, method: str, path: str, body: Any = None) -> Any:
        reply = requests.request(
            method, f"{self.url}/api/_emulator/{path}", headers=self._headers, json=body, timeout=_TIMEOUT
        )
        if reply.status_code >= 400:
            message = reply.json().get("message", reply.text) if _is_json(reply) else reply.text
            raise ConfigError(f"the emulator at {self.url} answered {reply.status_code}: {message}")
        return reply.json()

    def communities(self) -> list[dict[str, Any]]:
        hits: list[dict[str, Any]] = self.call("GET", "communities")["hits"]
        return hits

    def add_community(self, spec: str) -> dict[str, Any]:
        """Create (or update) the community of ``SLUG`` or ``SLUG:POLICY``."""
        made: dict[str, Any] = self.call("POST", "communities", spec)
        return made

    def requests(self) -> list[Request]:
        slugs = {c["id"]: c["slug"] for c in self.communities()}
        return [_request(r, slugs) for r in self.call("GET", "requests")["hits"]]

    def decide(self, given: str | None, accept: bool) -> Request:
        """Accept or decline the open request ``given`` (its id or a unique start of it), or,
        without one, the only open request; raises ``UsageError`` saying which ids there are."""
        listed = self.requests()
        open_ = [r for r in listed if r.status == "submitted"]
        chosen = [r for r in listed if r.id.startswith(given)] if given else open_
        verb = "accept" if accept else "decline"
        if len(chosen) != 1:
            ids = ", ".join(r.id for r in open_) or "none"
            if given and not chosen:
                problem = f"no request id starts with '{given}'; open requests: {ids}"
            elif given:
                problem = f"'{given}' starts {len(chosen)} request ids; give more of it"
            elif open_:
                problem = (
                    f"there are {len(open_)} open requests ({ids}); name one: zenodeploy emulator {verb} ID"
                )
            else:
                problem = (
                    f"no open request to {verb}: an apply that submits a deposition to a community makes "
                    "one ('zenodeploy emulator requests' lists them all)"
                )
            raise UsageError(problem + ".")
        decided = self.call("POST", f"requests/{chosen[0].id}/{verb}")
        slugs = {c["id"]: c["slug"] for c in self.communities()}
        return _request(decided, slugs)


def _is_json(reply: requests.Response) -> bool:
    return reply.headers.get("Content-Type", "").startswith("application/json")


def _request(raw: Mapping[str, Any], slugs: Mapping[str, str]) -> Request:
    community = str(raw.get("receiver", {}).get("community", ""))
    return Request(
        id=str(raw["id"]),
        kind=str(raw.get("type", "")).removeprefix("community-"),
        status=str(raw.get("status", "")),
        community=slugs.get(community, community),
        record=str(raw.get("topic", {}).get("record", "")),
    )


@contextlib.contextmanager
def admin(data_dir: Path, *, create: bool = False) -> Iterator[Admin]:
    """The emulator serving ``data_dir`` (as announced), else one started on it for the call
    (a folder without emulator data is an error unless ``create``)."""
    running = _announced(data_dir)
    if running is not None:
        yield running
        return
    if not create and not (data_dir / "emulator.sqlite3").exists():
        raise UsageError(
            f"{data_dir} holds no emulator data. Name the folder with --data (.zenodeploy/local next to "
            "a manifest used with --server local, or the --data of 'zenodeploy emulator')."
        )
    from zenodeploy.emulator import start

    with start(data_dir) as emulator:
        yield Admin(emulator.url, emulator.admin_token)


def _announced(data_dir: Path) -> Admin | None:
    try:
        found = json.loads((data_dir / ANNOUNCE).read_text("utf-8"))
        candidate = Admin(str(found["url"]), str(found["admin_token"]))
        candidate.call("GET", "stats")
    except (OSError, ValueError, KeyError, TypeError, requests.RequestException, ConfigError):
        return None  # none announced, or it stopped without withdrawing (killed)
    return candidate
