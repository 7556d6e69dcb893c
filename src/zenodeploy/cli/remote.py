"""Commands that talk to the server: plan, apply, status, import, and the lock file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from zenodeploy.cli import report
from zenodeploy.cli.common import (
    EXIT_FAILURE,
    EXIT_OK,
    F,
    _complete_keys,
    cli,
    handle_errors,
)
from zenodeploy.errors import UsageError, ZenodeployError


def _settings(manifest: Path, **kwargs: Any) -> Any:
    from zenodeploy.reconcile.run import Settings

    return Settings(manifest=manifest, **kwargs)


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    from zenodeploy.reconcile.shard import Shard

    try:
        return None if value is None else Shard.parse(value)
    except UsageError as exc:
        raise click.BadParameter(str(exc)) from None


def server_options(func: F) -> F:
    func = click.option(
        "--server", help="Override the manifest's server: sandbox, zenodo, local or an https:// URL."
    )(func)
    func = click.option(
        "--shard",
        metavar="I/N",
        callback=_shard,
        help="Only the I-th of N deterministic shards of the keys (CI matrix); apply writes the lock "
        "to <manifest>.lock.shard-I-of-N.",
    )(func)
    func = click.option("--token-env", metavar="NAME", help="Read the token from this environment variable.")(
        func
    )
    func = click.option(
        "--only",
        multiple=True,
        metavar="KEY",
        help="Only this deposition (repeatable).",
        shell_complete=lambda ctx, param, incomplete: _complete_keys(ctx, incomplete),
    )(func)
    return click.option(
        "--parallel",
        type=click.IntRange(1, 32),
        default=4,
        show_default=True,
        help="Depositions and uploads at a time.",
    )(func)


@cli.command()
@click.argument("manifest", type=click.Path(dir_okay=False, path_type=Path))
@server_options
@click.option(
    "--publish", "publish", flag_value=True, default=None, help="Plan to publish every changed deposition."
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 0 when nothing would change, 4 when changes are pending."
)
@handle_errors
def plan(
    manifest: Path,
    server: str | None,
    token_env: str | None,
    only: tuple[str, ...],
    parallel: int,
    publish: bool | None,
    fmt: str,
    detailed_exitcode: bool,
    shard: Any = None,
) -> None:
    """Show what apply would change, without writing anything (GET requests only).

    \b
    Example:
      zenodeploy plan zenodeploy.yaml --detailed-exitcode
    """
    from zenodeploy.reconcile import run as reconcile

    settings = _settings(
        manifest,
        server=server,
        token_env=token_env,
        only=only,
        publish=publish,
        parallel=parallel,
        shard=shard,
    )
    with reconcile.connect(settings) as session:
        plans = reconcile.plans(session, parallel)
    click.echo(json.dumps(report.plan_json(plans), indent=2) if fmt == "json" else report.plan_text(plans))
    if any(p.refused for p in plans):
        sys.exit(EXIT_FAILURE)
    sys.exit(4 if detailed_exitcode and any(p.changes for p in plans) else EXIT_OK)


@cli.command()
@click.argument("manifest", type=click.Path(dir_okay=False, path_type=Path))
@server_options
@click.option("--publish", "publish", flag_value=True, default=None, help="Publish every changed deposition.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation (CI).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handle_errors
def apply(
    manifest: Path,
    server: str | None,
    token_env: str | None,
    only: tuple[str, ...],
    parallel: int,
    publish: bool | None,
    yes: bool,
    fmt: str,
    shard: Any = None,
) -> None:
    """Make the server match the manifest: create, update, upload, publish when asked.

    Idempotent: a second run with an unchanged manifest writes nothing.

    \b
    Example:
      zenodeploy apply zenodeploy.yaml --server local --yes
    """
    from zenodeploy.reconcile import run as reconcile
    from zenodeploy.reconcile.apply import apply_plans

    settings = _settings(
        manifest,
        server=server,
        token_env=token_env,
        only=only,
        publish=publish,
        parallel=parallel,
        shard=shard,
    )
    with reconcile.connect(settings) as session:
        plans = reconcile.plans(session, parallel)
        reconcile.adopt(session, plans)
        if fmt == "text":
            click.echo(report.plan_text(plans))
        if not any(p.changes for p in plans):
            outcomes = [unchanged(p) for p in plans]
        else:
            terminal = stdin_is_terminal()
            if reconcile.publishes_to_production(session, plans) and not yes and not terminal:
                raise UsageError("this run publishes to zenodo.org (permanent DOIs); confirm with --yes.")
            if terminal and not yes and not click.confirm("Apply these changes?", default=False):
                raise ZenodeployError("apply cancelled; nothing was changed.")
            with report.Progress(plans, enabled=fmt == "text" and sys.stderr.isatty()) as progress:
                outcomes = apply_plans(
                    session.client,
                    plans,
                    session.lock,
                    session.server,
                    parallel=parallel,
                    progress=progress,
                )
        requests = dict(session.client.requests_made)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "depositions": [vars_of(o) for o in outcomes] or report.plan_json(plans),
                    "requests": requests,
                },
                indent=2,
            )
        )
    elif outcomes:
        click.echo(report.outcomes_text(outcomes))
    if any(o.error for o in outcomes):
        sys.exit(EXIT_FAILURE)


def stdin_is_terminal() -> bool:
    """Whether a person can answer a confirmation (a seam for tests)."""
    return sys.stdin.isatty()


def unchanged(plan: Any) -> Any:
    from zenodeploy.reconcile.apply import Outcome

    r = plan.observation.remote
    if r is None:
        return Outcome(plan.key, state="not created")
    return Outcome(plan.key, r.record_id, r.doi, r.concept_doi, r.url, state=r.state.replace("-", " "))


def vars_of(outcome: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(outcome)


@cli.command()
@click.argument("manifest", type=click.Path(dir_okay=False, path_type=Path))
@server_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handle_errors
def status(
    manifest: Path,
    server: str | None,
    token_env: str | None,
    only: tuple[str, ...],
    parallel: int,
    fmt: str,
    shard: Any = None,
) -> None:
    """Each deposition's record, DOI, state and web address.

    \b
    Example:
      zenodeploy status zenodeploy.yaml
    """
    from zenodeploy.reconcile import run as reconcile

    settings = _settings(
        manifest, server=server, token_env=token_env, only=only, parallel=parallel, shard=shard
    )
    with reconcile.connect(settings) as session:
        observations = reconcile.observe_all(session, parallel)
    rows: list[dict[str, Any]] = []
    for obs in observations:
        r = obs.remote
        state = (
            "not created"
            if r is None
            else ("new version pending" if r.pending else r.state.replace("-", " "))
        )
        rows.append(
            {
                "key": obs.key,
                "record_id": r.record_id if r else None,
                "doi": r.doi if r else None,
                "state": state,
                "url": r.url if r else None,
                "communities": dict(r.communities) if r else {},
            }
        )
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
    else:
        for row in rows:
            click.echo(
                f"{row['key']}: {row['state']}"
                + "".join(f"  {row[k]}" for k in ("record_id", "doi", "url") if row[k])
            )
            for community, state in sorted(row["communities"].items()):
                click.echo(f"  community {community}: {state}")


@cli.command(name="import")
@click.argument("manifest", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("key")
@click.argument("record")
@click.option("--server", help="Override the manifest's server.")
@click.option("--token-env", metavar="NAME", help="Read the token from this environment variable.")
@handle_errors
def import_(manifest: Path, key: str, record: str, server: str | None, token_env: str | None) -> None:
    """Adopt an existing record for a deposition key (writes the lock file).

    \b
    Example:
      zenodeploy import zenodeploy.yaml my-dataset 1234567
    """
    from zenodeploy.reconcile import run as reconcile

    result = reconcile.import_record(_settings(manifest, server=server, token_env=token_env), key, record)
    click.echo(
        f"{result['key']} is now record {result['record_id']} ({result['state']}); written to {result['lock']}"
    )


@cli.group(name="lock")
def lock_group() -> None:
    """Maintain the lock file (<manifest>.lock).

    \b
    Example:
      zenodeploy lock merge zenodeploy.yaml --delete
    """


@lock_group.command(name="merge")
@click.argument("manifest", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("fragments", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--delete", is_flag=True, help="Delete the fragments once merged.")
@handle_errors
def lock_merge(manifest: Path, fragments: tuple[Path, ...], delete: bool) -> None:
    """Combine the lock fragments of sharded runs (--shard I/N) into <manifest>.lock.

    Without FRAGMENTS, merges every <manifest>.lock.shard-* beside the manifest.

    \b
    Example:
      zenodeploy lock merge zenodeploy.yaml --delete
      zenodeploy lock merge zenodeploy.yaml locks/*/zenodeploy.yaml.lock.shard-*
    """
    from zenodeploy.reconcile.lock import lock_path, merge
    from zenodeploy.reconcile.shard import fragments as shard_fragments

    parts = list(fragments) or shard_fragments(manifest)
    if not parts:
        raise UsageError(
            f"no lock fragments ({manifest.name}.lock.shard-*) beside {manifest}; name them as arguments."
        )
    merged = merge(lock_path(manifest), parts)
    for part in parts:
        if delete:
            part.unlink()
        click.echo(f"merged {part}{' (deleted)' if delete else ''}")
    click.echo(f"wrote {merged.path}")
