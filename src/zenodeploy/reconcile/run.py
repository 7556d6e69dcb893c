"""The run of ``plan``/``apply``/``status``: resolve offline, connect, observe, plan (and apply)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zenodeploy.errors import ConflictError
from zenodeploy.manifest.load import Manifest, load_manifest
from zenodeploy.manifest.profile import load_profile
from zenodeploy.model import DesiredDeposition
from zenodeploy.reconcile.lock import Lock, lock_path
from zenodeploy.reconcile.observe import Observation, observe, read
from zenodeploy.reconcile.plan import DepositionPlan, compute_plan
from zenodeploy.reconcile.pool import run_all
from zenodeploy.reconcile.resolve import Resolution, resolve
from zenodeploy.reconcile.shard import Shard
from zenodeploy.reconcile.tokens import stored_token
from zenodeploy.zenodo import RateLimiter, RetryPolicy, ZenodoClient, base_url, resolve_token

PRODUCTION = "zenodo"


@dataclass(frozen=True, slots=True)
class Settings:
    manifest: Path
    server: str | None = None
    token_env: str | None = None
    only: tuple[str, ...] = ()
    publish: bool | None = None
    parallel: int = 4
    shard: Shard | None = None  # --shard I/N: only this shard's keys; the lock goes to its fragment


@dataclass(slots=True)
class Session:
    """An open connection to the manifest's server for one command."""

    manifest: Manifest
    resolution: Resolution
    server: str
    client: ZenodoClient
    lock: Lock


def load(settings: Settings) -> tuple[Manifest, Resolution]:
    """Offline: the whole manifest is valid and resolved before anything is sent."""
    manifest = load_manifest(settings.manifest, profile=load_profile())
    only = settings.only
    if settings.shard is not None:
        # Select before resolving, so a job hashes only its own shard's files.
        only = settings.shard.select(d.key for d in manifest.select(only))
        if not only:
            return manifest, Resolution((), manifest.warnings)
    return manifest, resolve(manifest, only=only, publish=settings.publish)


@contextlib.contextmanager
def connect(settings: Settings) -> Iterator[Session]:
    manifest, resolution = load(settings)
    server = settings.server or manifest.server
    main = lock_path(settings.manifest)
    shard = settings.shard
    lock = Lock.layered(main, shard.fragment(settings.manifest)) if shard else Lock.load(main)
    with _client(server, manifest, settings) as client:
        yield Session(manifest, resolution, server, client, lock)


def pacing() -> tuple[RateLimiter, RetryPolicy]:
    """The rate limiter and retry policy shared by every client of one run: real time, real
    exponential back-off. The one seam for tests: ``tests/conftest.py`` (``fast_retries``)
    replaces this function so that fault-injection tests never sleep through a back-off."""
    return RateLimiter(), RetryPolicy()


@contextlib.contextmanager
def _client(server: str, manifest: Manifest, settings: Settings) -> Iterator[ZenodoClient]:
    limiter, retry = pacing()
    if server == "local":
        from zenodeploy.emulator import LOCAL_TOKEN, start

        with (
            start(manifest.base_dir / ".zenodeploy" / "local") as emulator,
            ZenodoClient(emulator.url, LOCAL_TOKEN, limiter=limiter, retry=retry) as client,
        ):
            yield client
        return
    token = resolve_token(
        server, token_env=settings.token_env, profile_token=stored_token(server, token_env=settings.token_env)
    )
    with ZenodoClient(base_url(server), token, limiter=limiter, retry=retry) as client:
        yield client


def observe_all(session: Session, parallel: int) -> list[Observation]:
    """Read every deposition's remote state (GET only), ``parallel`` at a time."""

    def one(desired: DesiredDeposition) -> Observation:
        return observe(session.client, desired, session.lock, session.server)

    return run_all(one, session.resolution.depositions, max(1, parallel), "observe")


def plans(session: Session, parallel: int) -> list[DepositionPlan]:
    observations = observe_all(session, parallel)
    return [compute_plan(d, o) for d, o in zip(session.resolution.depositions, observations, strict=True)]


def adopt(session: Session, plan_list: Sequence[DepositionPlan]) -> None:
    """Write lock entries for records found by search or moved on to a newer version since the
    lock was written, so the next run reads the right record at once."""
    for plan in plan_list:
        remote = plan.observation.remote
        if remote is None:
            continue
        entry = session.lock.get(session.server, plan.key)
        if plan.observation.found_by == "search" or (
            entry is not None and entry.record_id != remote.record_id
        ):
            session.lock.set(session.server, plan.key, remote.lock_entry())


def publishes_to_production(session: Session, plan_list: Sequence[DepositionPlan]) -> bool:
    from zenodeploy.reconcile.plan import Publish

    return session.server == PRODUCTION and any(isinstance(a, Publish) for p in plan_list for a in p.actions)


def import_record(settings: Settings, key: str, record: str) -> dict[str, Any]:
    """Adopt an existing record for ``key`` explicitly: read it and write the lock entry."""
    with connect(settings) as session:
        if key not in {d.key for d in session.manifest.depositions}:
            raise ConflictError(f"{settings.manifest} has no deposition with key '{key}'.")
        remote = read(session.client, record, None)
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
