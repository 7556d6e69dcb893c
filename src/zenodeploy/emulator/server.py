"""Starting and stopping the emulator: ``start(data_dir)`` returns a running ``Emulator``."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, make_server

from zenodeploy.emulator import faults as faults_mod
from zenodeploy.emulator.app import App, Call
from zenodeploy.emulator.blobs import BlobStore
from zenodeploy.emulator.communities import Communities, CommunitySpec
from zenodeploy.emulator.community_requests import CommunityRequests
from zenodeploy.emulator.drafts import Drafts
from zenodeploy.emulator.files import ZENODO_MAX_FILE_SIZE, ZENODO_QUOTA, Files
from zenodeploy.emulator.handler import QuietHandler
from zenodeploy.emulator.ratelimit import Limit, RateLimiter
from zenodeploy.emulator.records import Records
from zenodeploy.emulator.replies import HttpError, Reply
from zenodeploy.emulator.routes import URL_MAP, handlers
from zenodeploy.emulator.store import Store

LOCAL_TOKEN = "zenodeploy-local"  # noqa: S105 - a public, local-only token by design
log = logging.getLogger("zenodeploy.emulator")


class Emulator:
    """A running emulator; a context manager that stops it on exit."""

    def __init__(
        self,
        server: BaseWSGIServer,
        app: App,
        store: Store,
        communities: Communities,
        records: Records,
        community_requests: CommunityRequests,
    ) -> None:
        self._records = records
        self._requests = community_requests
        self._server = server
        self._app = app
        self._store = store
        self._communities = communities
        self.url = f"http://{server.host}:{server.port}"
        self.admin_token = app.admin_token
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="zenodeploy-emulator",
            daemon=True,
        )
        self._thread.start()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop serving and close the database (idempotent)."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
            self._server.server_close()
            self._store.close()

    def wait(self) -> None:
        """Block until the server stops (the CLI serves until Ctrl-C)."""
        while self._thread.is_alive():
            self._thread.join(0.5)

    @property
    def admin_headers(self) -> dict[str, str]:
        """The header ``/api/_emulator/*`` requests need (the in-process helpers below need none)."""
        return {"Authorization": f"Bearer {self.admin_token}"}

    def stats(self) -> dict[str, Any]:
        return self._app.stats.as_dict()

    def reset_stats(self) -> None:
        self._app.stats.reset()

    def add_fault(
        self,
        method: str,
        path_regex: str,
        *,
        nth: int = 1,
        times: int = 1,
        status: int | None = None,
        drop_after_bytes: int | None = None,
        after: bool = False,
        latency: float = 0.0,
        retry_after: float | None = None,
    ) -> None:
        """Inject a fault into the ``nth`` (and ``times - 1`` following) matching requests."""
        self._app.faults.add(
            faults_mod.Fault(
                method.upper(), path_regex, nth, times, status, drop_after_bytes, after, latency, retry_after
            )
        )

    def clear_faults(self) -> None:
        self._app.faults.clear()

    def accept_request(self, request_id: str) -> dict[str, Any]:
        return self._requests.decide(self.url, request_id, True)

    def decline_request(self, request_id: str) -> dict[str, Any]:
        return self._requests.decide(self.url, request_id, False)

    def share(self, rec_id: str, user: str, permission: str = "edit") -> None:
        """Give ``user`` an access grant (view, preview, edit, manage) on ``rec_id``'s record."""
        self._records.share(rec_id, user, permission)

    def add_community(self, spec: CommunitySpec) -> dict[str, Any]:
        """Create (or update) a community: ``"slug"``, ``"slug:open"`` or a mapping with
        ``slug``, ``title``, ``review_policy``, ``record_submission_policy``, ``visibility``,
        ``members`` (user → owner/manager/curator/reader); returns its JSON (with ``id``)."""
        return self._communities.json(self.url, self._communities.define(spec))


def start(
    data_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    tokens: Mapping[str, str] | None = None,
    rate_limit: int | str | Sequence[Limit] | None = None,
    communities: Sequence[CommunitySpec] = ("zenodo-test",),
    max_file_size: int | None = ZENODO_MAX_FILE_SIZE,
    max_files: int | None = 100,
    quota_size: int | None = ZENODO_QUOTA,
    html_tags: Iterable[str] | None = None,
    admin_token: str | None = None,
) -> Emulator:
    """Serve the emulator on ``host:port`` (0 = any free port) with its state under ``data_dir``.

    ``admin_token`` guards ``/api/_emulator/*`` (default: a random one, ``Emulator.admin_token``).

    ``tokens`` maps token → user name (default: ``LOCAL_TOKEN`` → ``"local"``);
    ``rate_limit`` is requests per minute per client, a preset (``zenodo``, ``documented``)
    or a Flask-Limiter string such as ``"5000 per hour;100 per minute"`` (None: no limit
    and no headers; see ``ratelimit.py``). ``html_tags`` serves an instance with its own
    ``ALLOWED_HTML_TAGS`` instead of Zenodo's (invenio-config's defaults): a rewrite of
    descriptions no client can predict.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(data_dir / "emulator.sqlite3")
    blobs = BlobStore(data_dir / "blobs")
    comms = Communities(store, communities)
    records = Records(store, blobs, comms)
    drafts = Drafts(records)
    reqs = CommunityRequests(records, drafts, comms)
    files = Files(records, blobs, max_files, max_file_size, quota_size)
    table = handlers(records, drafts, files, comms, reqs)
    app = App(
        URL_MAP,
        table,
        tokens if tokens is not None else {LOCAL_TOKEN: "local"},
        RateLimiter(rate_limit),
        faults_mod.Faults(),
        admin_token=admin_token or secrets.token_urlsafe(24),
        html_tags=frozenset(html_tags) if html_tags is not None else None,
    )
    table.update(_admin_handlers(app, comms, records, reqs))
    server = make_server(host, port, app, threaded=True, request_handler=QuietHandler)
    log.debug("emulator serving %s with data in %s", server.server_address, data_dir)
    return Emulator(server, app, store, comms, records, reqs)


def _admin_handlers(
    app: App, comms: Communities, records: Records, reqs: CommunityRequests
) -> dict[str, Any]:
    """``/api/_emulator/…`` (not part of Zenodo's API): stats, faults, access grants
    (``POST records/{id}/grants`` ``{"user": "bob", "permission": "edit"}``), communities
    (``GET``; ``POST`` a body like ``{"slug": "x", "review_policy": "open", "members":
    {"local": "curator"}}`` creates or updates one), deciding community requests."""

    def faults(call: Call) -> Reply:
        method = call.request.method
        if method == "POST":
            try:
                app.faults.add(faults_mod.from_json(call.json()))
            except (TypeError, ValueError) as exc:
                raise HttpError(400, f"Invalid fault: {exc}.") from None
            return Reply(status=201, body={"faults": app.faults.describe()})
        if method == "DELETE":
            app.faults.clear()
        return Reply(body={"faults": app.faults.describe()})

    def communities(call: Call) -> Reply:
        if call.request.method == "POST":
            try:
                c = comms.define(call.json())
            except (TypeError, ValueError) as exc:
                raise HttpError(400, f"Invalid community: {exc}.") from None
            return Reply(status=201, body={**comms.json(call.base, c), "members": c["members"]})
        hits = [{**comms.json(call.base, c), "members": c["members"]} for c in comms.store.all_communities()]
        return Reply(body={"hits": hits})

    def share(call: Call, id: str) -> Reply:
        body = call.json()
        if not isinstance(body, dict) or not isinstance(body.get("user"), str):
            raise HttpError(
                400, 'Invalid grant: send {"user": NAME, "permission": "view|preview|edit|manage"}.'
            )
        records.share(id, body["user"], str(body.get("permission", "edit")))
        return Reply(status=201, body={"record": id, "user": body["user"]})

    def reset(call: Call) -> Reply:
        app.stats.reset()
        return Reply(body=app.stats.as_dict())

    return {
        "admin_stats": lambda c: Reply(body=app.stats.as_dict()),
        "admin_stats_reset": reset,
        "admin_faults": faults,
        "admin_requests": lambda c: Reply(
            body={"hits": [reqs.request_json(c.base, r) for r in reqs.store.all_requests()]}
        ),
        "admin_communities": communities,
        "admin_share": share,
        "admin_accept": lambda c, id: Reply(body=reqs.decide(c.base, id, True)),
        "admin_decline": lambda c, id: Reply(body=reqs.decide(c.base, id, False)),
    }


def cli_settings(
    data: Path | None, tokens: Sequence[str], rate_limit: str, communities: Sequence[str]
) -> dict[str, Any]:
    """``start`` keyword arguments from the command line's strings; raises ``click.UsageError``
    (exit 2; the emulator uses click's error rather than the client's ``zenodeploy.errors``).

    ``--token TOKEN`` belongs to user "local", ``--token TOKEN=USER`` to USER; without any
    ``--token`` the ``LOCAL_TOKEN`` is accepted. The data directory defaults to the user's
    data folder, so a trial keeps its records between runs.
    """
    from click import UsageError
    from platformdirs import user_data_path

    from zenodeploy.emulator.ratelimit import parse_limit

    try:
        limit = parse_limit(rate_limit)
    except ValueError:
        raise UsageError(
            f"--rate-limit {rate_limit!r} is not a number, 'zenodo', 'documented', 'off' or limits like "
            "'5000 per hour;100 per minute'; pass one of those."
        ) from None
    table = {t.partition("=")[0]: t.partition("=")[2] or "local" for t in tokens} or {LOCAL_TOKEN: "local"}
    settings: dict[str, Any] = {
        "data_dir": data or user_data_path("zenodeploy") / "emulator",
        "tokens": table,
        "rate_limit": limit,
    }
    if communities:
        from zenodeploy.emulator.communities import parse_spec

        for spec in communities:
            try:
                parse_spec(spec)
            except ValueError as exc:
                raise UsageError(
                    f"--community {spec!r}: {exc}; pass SLUG or SLUG:open|closed|members."
                ) from None
        settings["communities"] = tuple(communities)
    return settings
