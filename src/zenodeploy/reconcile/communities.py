"""The manifest's communities by their server ids, each slug looked up once per run (GET only).

The manifest names a community by its slug; a request to include a record in it names the
community's id, which ``GET /api/communities/<slug>`` answers with."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from zenodeploy.errors import LocatedError
from zenodeploy.model import DesiredDeposition
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.failures import NotFound

if TYPE_CHECKING:  # observe imports this module
    from zenodeploy.reconcile.observe import Remote


def get_or_none(call: Callable[[str], Mapping[str, Any]], some_id: str) -> Mapping[str, Any] | None:
    """``call(some_id)``, or None when the server has no such thing."""
    try:
        return call(some_id)
    except NotFound:
        return None


class CommunityIds:
    """Community slugs (or ids) → UUIDs for one run, each looked up once (GET only)."""

    def __init__(self, client: ZenodoClient, server: str) -> None:
        self.client, self.server = client, server
        self._known: dict[str, str | None] = {}
        self._mutex = threading.Lock()

    def of(self, desired: DesiredDeposition) -> dict[str, str]:
        """The UUID of each community ``desired`` names; an unknown one stops the run at its line."""
        out = {}
        for index, name in enumerate(desired.communities):
            with self._mutex:
                if name not in self._known:
                    found = get_or_none(self.client.get_community, name)
                    self._known[name] = str(found["id"]) if found and found.get("id") else None
                uuid = self._known[name]
            if uuid is None:
                raise LocatedError(
                    _no_community(name, self.client.base_url, self.server),
                    f"{desired.source_path}.communities[{index}]",
                )
            out[name] = uuid
        return out


def _no_community(name: str, url: str, server: str) -> str:
    if server == "local":  # its address dies with the run: say how to make the community there
        return (
            f"no community '{name}' on the local emulator; add it with 'zenodeploy emulator communities "
            f"--add {name} --data .zenodeploy/local' in the manifest's folder, then run the command again."
        )
    return (
        f"no community '{name}' on {url}; check the slug on the community's "
        f"page (…/communities/<slug>) for server '{server}'."
    )


def community_notes(desired: DesiredDeposition, remote: Remote) -> list[str]:
    waiting = {"submitted": "waiting for {c} to accept the request", "declined": "{c} declined the request"}
    return [waiting[state].format(c=c) for c, state in sorted(remote.communities.items()) if state in waiting]


def new_communities(desired: DesiredDeposition, remote: Remote) -> tuple[str, ...]:
    """Communities to ask for: not included yet, and no request open or declined already."""
    record = remote.published
    settled = {c for c, state in remote.communities.items() if state in ("accepted", "submitted", "declined")}
    return tuple(
        c
        for c in desired.communities
        if not (record is not None and record.included_in(c)) and c not in settled
    )
