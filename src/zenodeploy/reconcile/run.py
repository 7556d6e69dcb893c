"""The run of ``plan``/``apply``/``status``: resolve offline, connect, observe, plan (and apply)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zenodeploy.content.checksums import cache_dir
from zenodeploy.errors import ConflictError, LocatedError, ManifestError
from zenodeploy.manifest.load import Manifest, load_manifest
from zenodeploy.manifest.profile import load_profile
from zenodeploy.model import DesiredDeposition
from zenodeploy.reconcile.communities import CommunityIds
from zenodeploy.reconcile.hashing import settle
from zenodeploy.reconcile.index import Index
from zenodeploy.reconcile.lock import Lock, lock_path
from zenodeploy.reconcile.observe import Observation, observe, read
from zenodeploy.reconcile.plan import DepositionPlan, compute_plan
from zenodeploy.reconcile.pool import run_all
from zenodeploy.reconcile.resolve import Resolution, resolve
from zenodeploy.reconcile.shard import Shard
from zenodeploy.reconcile.tokens import stored_token
from zenodeploy.zenodo.budget import BudgetFile
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.ratelimit import RateLimiter
from zenodeploy.zenodo.retry import RetryPolicy
from zenodeploy.zenodo.servers import base_url, resolve_token

if TYPE_CHECKING:
    from zenodeploy.reconcile.importing import ImportReport

PRODUCTION = "zenodo"


@dataclass(frozen=True, slots=True)
class Settings:
    """One run's options as the command line gave them, built once and passed whole.

    ``max_wait``: a rate-limit pause longer than this stops the run with the time to come back.

    ``server`` None means the manifest's; ``parallel`` is the run's one concurrency budget (requests
    on the wire, uploads included); ``shard`` (``--shard I/N``) keeps only that shard's keys and
    writes the lock to its fragment."""

    manifest: Path
    server: str | None = None
    token_env: str | None = None
    only: tuple[str, ...] = ()
    publish: bool | None = None
    parallel: int = 4
    shard: Shard | None = None
    adopt: tuple[str, ...] = ()  # keys whose record, found by title, may be changed destructively
    max_wait: float = 900.0  # the longest pause a server's rate limit may impose before the run stops


@dataclass(slots=True)
class Session:
    """One command's run: the manifest resolved for ``server`` (the effective one), and an open client."""

    settings: Settings
    manifest: Manifest
    resolution: Resolution
    server: str
    client: ZenodoClient
    lock: Lock


def load(settings: Settings) -> tuple[Manifest, str, Resolution]:
    """Offline: the whole manifest is valid and resolved, for the server this run talks to
    (``--server`` over the manifest's), before anything is sent."""
    manifest = load_manifest(settings.manifest, profile=load_profile())
    server = settings.server or manifest.server
    only = settings.only
    if settings.shard is not None:
        # Select before resolving, so a job hashes only its own shard's files.
        only = settings.shard.select(d.key for d in manifest.select(only))
        if not only:
            return manifest, server, Resolution((), manifest.warnings)
    # The token the run will send is checked against what it would publish (env tokens in resolve).
    stored = None if server == "local" else stored_token(server, token_env=settings.token_env)
    return (
        manifest,
        server,
        resolve(
            manifest,
            server=server,
            only=only,
            publish=settings.publish,
            token_env=settings.token_env,
            stored_token=stored,
            defer_md5=True,  # hashed once: while sent, or where the server has a same-sized file
        ),
    )


@contextlib.contextmanager
def connect(settings: Settings) -> Iterator[Session]:
    manifest, server, resolution = load(settings)
    main = lock_path(settings.manifest)
    shard = settings.shard
    lock = Lock.layered(main, shard.fragment(settings.manifest)) if shard else Lock.load(main)
    try:
        with open_client(server, manifest.base_dir, settings) as client:
            yield Session(settings, manifest, resolution, server, client, lock)
    finally:
        lock.compact()  # after a kill -9 the journal stays, and the next load replays it


def pacing() -> tuple[RateLimiter, RetryPolicy]:
    """The rate limiter and retry policy shared by every client of one run: real time, real
    exponential back-off. The one seam for tests: ``tests/conftest.py`` (``fast_retries``)
    replaces this function so that fault-injection tests never sleep through a back-off."""
    return RateLimiter(), RetryPolicy()


@contextlib.contextmanager
def open_client(server: str, base_dir: Path, settings: Settings) -> Iterator[ZenodoClient]:
    """A client for ``server`` (``local``: the emulator, its state beside the manifest in ``base_dir``)."""
    (limiter, retry), budget = pacing(), settings.parallel
    limiter.max_wait = settings.max_wait
    if server == "local":
        from zenodeploy.emulator import LOCAL_TOKEN, start

        with (
            start(base_dir / ".zenodeploy" / "local") as emulator,
            ZenodoClient(
                emulator.url, LOCAL_TOKEN, limiter=limiter, retry=retry, max_in_flight=budget
            ) as client,
        ):
            yield client
        return
    token = resolve_token(
        server,
        token_env=settings.token_env,
        profile_token=stored_token(server, token_env=settings.token_env),
        server_given=settings.server is not None,
    )
    url = base_url(server)
    limiter.remember(BudgetFile(cache_dir() / "ratelimit.json", url, token))
    try:
        with ZenodoClient(url, token, limiter=limiter, retry=retry, max_in_flight=budget) as client:
            yield client
    finally:
        limiter.save()


def observe_all(session: Session) -> list[Observation]:
    """Read every deposition's remote state (GET only), within the run's concurrency budget:
    published records unchanged since the lock recorded them from one search per 100, the rest
    one by one."""
    communities = CommunityIds(session.client, session.server)
    depositions = session.resolution.depositions
    entries = [session.lock.get(session.server, d.key) for d in depositions if not d.pin]
    index = Index.search(session.client, [e for e in entries if e is not None])

    def one(desired: DesiredDeposition) -> Observation:
        return observe(session.client, desired, session.lock, session.server, communities, index)

    return run_all(one, depositions, session.client.max_in_flight, "observe")


def plans(session: Session) -> list[DepositionPlan]:
    try:
        observations = observe_all(session)
    except LocatedError as exc:  # a pin that names no record: point at the manifest's line
        finding = session.manifest.finding(exc)
        raise ManifestError(f"{session.manifest.path} has 1 problem", [finding]) from None
    adopted = set(session.settings.adopt)
    desired = settle(session.resolution.depositions, observations)
    return [compute_plan(d, o, adopt=d.key in adopted) for d, o in zip(desired, observations, strict=True)]


def lock_name(settings: Settings) -> str:
    """The lock file's name (the main one, also under ``--shard``, whose fragment layers on it)."""
    return lock_path(settings.manifest).name


def left_out(session: Session) -> list[tuple[str, str]]:
    """(key, record id) of the lock's entries for this server that no deposition of the manifest
    has any more (a removed entry or for_each folder): left as they are on the server."""
    keys = {d.key for d in session.manifest.depositions}
    entries = session.lock.entries(session.server)
    return [(key, entries[key].record_id) for key in sorted(entries) if key not in keys]


def adopt(session: Session, plan_list: Sequence[DepositionPlan]) -> None:
    """Write lock entries for records found by search, found by a pin the lock does not hold yet
    (the record's own id: a concept id pin names its latest version), or moved on to a newer
    version since the lock was written, so the next run reads the right record at once and the
    receipts of its saves are kept."""
    for plan in plan_list:
        remote = plan.observation.remote
        if remote is None or plan.refused:  # a refused match is not this deposition's record yet
            continue
        entry = session.lock.get(session.server, plan.key)
        if plan.observation.found_by == "search" or (
            entry.record_id != remote.record_id if entry is not None else plan.observation.found_by == "pin"
        ):
            session.lock.set(session.server, plan.key, remote.lock_entry())
        elif entry is not None and plan.observation.found_by == "lock":
            # The save just read: the next run's search hit can stand for this record's GET.
            read_as = remote.lock_entry()
            session.lock.set(
                session.server,
                plan.key,
                replace(entry, revision_id=read_as.revision_id, updated=read_as.updated),
            )


def publishes_to_production(session: Session, plan_list: Sequence[DepositionPlan]) -> bool:
    from zenodeploy.reconcile.plan import Publish

    return session.server == PRODUCTION and any(isinstance(a, Publish) for p in plan_list for a in p.actions)


def import_record(settings: Settings, key: str, record: str) -> dict[str, Any]:
    """Adopt an existing record for ``key`` explicitly: read it and write the lock entry."""
    with connect(settings) as session:
        if key not in {d.key for d in session.manifest.depositions}:
            raise ConflictError(f"{settings.manifest} has no deposition with key '{key}'.")
        from zenodeploy.zenodo.refs import record_id

        remote = read(session.client, record_id(record, session.client.base_url), None)
        if remote is None:
            raise ConflictError(
                f"record {record} does not exist on {session.server} or is not yours; check the id and --server."
            )
        session.lock.set(session.server, key, remote.lock_entry())
        return {
            "key": key,
            "record_id": remote.record_id,
            "state": remote.state,
            "doi": remote.doi,
            "lock": str(session.lock.path),
        }


def import_into(
    settings: Settings,
    refs: Sequence[str],
    *,
    mine: bool = False,
    community: str | None = None,
    download: Path | None = None,
) -> ImportReport:
    """Write the records named by ``refs`` (or the account's, or a community's) into the manifest."""
    from zenodeploy.reconcile import import_fetch
    from zenodeploy.reconcile.importing import import_records, manifest_server, references

    server = settings.server or manifest_server(settings.manifest)
    with open_client(server, settings.manifest.resolve().parent, settings) as client:
        found = import_fetch.Found()
        if refs:
            found = import_fetch.named(client, references(refs, client))
        if mine or community:
            more = import_fetch.mine(client, community)
            found = import_fetch.Found(found.remotes + more.remotes, found.skipped + more.skipped)
        report = import_records(client, settings.manifest, server, found, download=download)
        report.requests = sum(client.requests_made.values())
    return report
