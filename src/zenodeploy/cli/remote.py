"""Commands that change or would change the server: plan and apply."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from zenodeploy.cli.common import (
    EXIT_FAILURE,
    EXIT_OK,
    cli,
    complete_keys,
    handle_errors,
    manifest_arg,
    note_local_links,
)
from zenodeploy.errors import UsageError, ZenodeployError

if TYPE_CHECKING:
    from zenodeploy.reconcile.apply import Outcome
    from zenodeploy.reconcile.plan import DepositionPlan
    from zenodeploy.reconcile.run import Settings
    from zenodeploy.reconcile.shard import Shard

ADOPT = click.option(
    "--adopt",
    multiple=True,
    metavar="KEY",
    help="Let this deposition change the record its title matched (delete files, new version, publish).",
)
FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> Shard | None:
    from zenodeploy.reconcile.shard import Shard

    try:
        return None if value is None else Shard.parse(value)
    except UsageError as exc:
        raise click.BadParameter(str(exc)) from None


_RUN_OPTIONS = (
    manifest_arg,
    click.option(
        "--server",
        help="Override the manifest's server: sandbox, zenodo, local (an emulator in the project folder), "
        "or a URL (https://…; http://127.0.0.1:PORT for 'zenodeploy emulator').",
    ),
    click.option("--token-env", metavar="NAME", help="Read the token from this environment variable."),
    click.option(
        "--only",
        multiple=True,
        metavar="KEY",
        help="Only this deposition (repeatable).",
        shell_complete=lambda ctx, param, incomplete: complete_keys(ctx, incomplete),
    ),
    click.option(
        "--parallel",
        type=click.IntRange(1, 32),
        default=4,
        show_default=True,
        help="Requests on the wire at once, shared by the depositions (for apply, uploads included).",
    ),
    click.option(
        "--max-wait",
        type=click.FloatRange(0),
        default=900,
        show_default=True,
        metavar="SECONDS",
        help="Longest pause a rate limit may impose; past it the run stops and says when to come back.",
    ),
    click.option(
        "--shard",
        metavar="I/N",
        callback=_shard,
        help="Only the I-th of N deterministic shards of the keys (CI matrix); apply writes that "
        "shard's lock entries to <manifest>.lock.shard-I-of-N.",
    ),
)


def run_options(func: Callable[..., None]) -> Callable[..., None]:
    """MANIFEST and the options every server command shares, handed to ``func`` as one ``Settings``
    (plus ``--publish`` when the command has it)."""

    @functools.wraps(func)
    def wrapper(
        manifest: Path,
        server: str | None,
        token_env: str | None,
        only: tuple[str, ...],
        parallel: int,
        max_wait: float,
        shard: Shard | None,
        publish: bool | None = None,
        adopt: tuple[str, ...] = (),
        **rest: Any,
    ) -> None:
        from zenodeploy.reconcile.run import Settings

        settings = Settings(
            manifest,
            server=server,
            token_env=token_env,
            only=only,
            publish=publish,
            parallel=parallel,
            shard=shard,
            adopt=adopt,
            max_wait=max_wait,
        )
        func(settings, **rest)

    decorated: Callable[..., None] = wrapper
    for option in reversed(_RUN_OPTIONS):
        decorated = option(decorated)
    return decorated


@cli.command()
@run_options
@click.option(
    "--publish", "publish", flag_value=True, default=None, help="Plan to publish every changed deposition."
)
@ADOPT
@FORMAT
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 0 when nothing would change, 4 when changes are pending."
)
@handle_errors
def plan(settings: Settings, fmt: str, detailed_exitcode: bool) -> None:
    """Show what apply would change, without writing anything (GET requests only).

    \b
    Example:
      zenodeploy plan zenodeploy.yaml --detailed-exitcode
    """
    from zenodeploy.cli import plan_report  # here, not at the top: other commands start faster
    from zenodeploy.reconcile import run

    with run.connect(settings) as session:
        plans = run.plans(session)
    click.echo(
        json.dumps(plan_report.plan_json(plans), indent=2) if fmt == "json" else plan_report.plan_text(plans)
    )
    if fmt == "text" and (gone := plan_report.left_out_text(run.left_out(session), run.lock_name(settings))):
        click.echo(gone)
    if any(p.refused for p in plans):
        sys.exit(EXIT_FAILURE)
    sys.exit(4 if detailed_exitcode and any(p.changes for p in plans) else EXIT_OK)


@cli.command()
@run_options
@click.option("--publish", "publish", flag_value=True, default=None, help="Publish every changed deposition.")
@ADOPT
@click.option(
    "--yes",
    "-y",
    is_flag=True,
    help="Apply without asking (CI). Without a terminal to ask in, apply changes nothing unless --yes "
    "is given (--server local excepted: nothing leaves this machine).",
)
@click.option(
    "--wait", is_flag=True, help="When another apply of this manifest runs on this machine, wait for it."
)
@click.option("--dry-run", is_flag=True, hidden=True, callback=lambda ctx, param, value: _no_dry_run(value))
@FORMAT
@handle_errors
def apply(settings: Settings, yes: bool, wait: bool, fmt: str, dry_run: bool) -> None:
    """Make the server match the manifest: create, update, upload, publish when asked.

    Idempotent: a second run with an unchanged manifest writes nothing. One apply of a manifest
    runs at a time on a machine; another stops at once, or queues with --wait.

    \b
    Example:
      zenodeploy apply zenodeploy.yaml --server local --yes
    """
    from zenodeploy.cli import plan_report
    from zenodeploy.cli.progress import Progress
    from zenodeploy.reconcile import run
    from zenodeploy.reconcile.apply import apply_plans
    from zenodeploy.reconcile.runlock import exclusive

    def waiting(message: str) -> None:
        click.echo(message, err=True)

    scope = str(settings.shard or "")
    with (
        exclusive(settings.manifest, scope=scope, wait=wait, waiting=waiting),
        run.connect(settings) as session,
    ):
        plans = run.plans(session)
        run.adopt(session, plans)
        if fmt == "text":
            click.echo(plan_report.plan_text(plans))
            if gone := plan_report.left_out_text(run.left_out(session), run.lock_name(settings)):
                click.echo(gone)
        if not any(p.changes for p in plans):
            outcomes = [unchanged(p) for p in plans]
        else:
            terminal = stdin_is_terminal()
            if run.publishes_to_production(session, plans) and not yes and not terminal:
                raise UsageError("this run publishes to zenodo.org (permanent DOIs); confirm with --yes.")
            if not yes and not terminal and session.server != "local":
                raise UsageError(
                    f"this run would change {session.server} and there is no terminal to confirm it; "
                    "nothing was changed. Run it again with --yes to apply without asking (as in CI)."
                )
            if terminal and not yes and not click.confirm("Apply these changes?", default=False):
                raise ZenodeployError("apply cancelled; nothing was changed.")
            with Progress(plans, enabled=fmt == "text" and sys.stderr.isatty()) as progress:
                outcomes = apply_plans(session.client, plans, session.lock, session.server, progress=progress)
        requests = dict(session.client.requests_made)
    if fmt == "json":
        depositions = [plan_report.outcome_json(o) for o in outcomes] or plan_report.plan_json(plans)
        click.echo(json.dumps({"depositions": depositions, "requests": requests}, indent=2))
    elif outcomes:
        click.echo(plan_report.outcomes_text(outcomes))
        note_local_links(session.server, any(o.url for o in outcomes))
    if any(o.error for o in outcomes):
        sys.exit(EXIT_FAILURE)


def _no_dry_run(value: bool) -> bool:
    """``apply --dry-run`` is what ``plan`` does: say so instead of "no such option"."""
    if value:
        raise click.UsageError(
            "apply has no dry run: 'zenodeploy plan MANIFEST' shows what apply would do, writing nothing."
        )
    return value


def stdin_is_terminal() -> bool:
    """Whether a person can answer a confirmation (a seam for tests)."""
    return sys.stdin.isatty()


def unchanged(plan: DepositionPlan) -> Outcome:
    from zenodeploy.reconcile.apply import Outcome

    r = plan.observation.remote
    if r is None:
        return Outcome(plan.key, state="not created")
    return Outcome(plan.key, r.record_id, r.doi, r.concept_doi, r.url, state="unchanged")
