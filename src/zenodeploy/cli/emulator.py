"""``zenodeploy emulator``: serve the local emulator, and stand in for a community's curator
(``requests``, ``accept``, ``decline``, ``communities``) on a running one or on a data folder."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any

import click

from zenodeploy.cli.common import cli, handle_errors


def _data_dir(data: Path | None) -> Path:
    """The sub-command's --data, else the group's (``zenodeploy emulator --data DIR accept``),
    else the standalone emulator's default folder."""
    from platformdirs import user_data_path

    given = data or click.get_current_context().meta.get("zenodeploy.emulator.data")
    return Path(given) if given else user_data_path("zenodeploy") / "emulator"


data_option = click.option(
    "--data",
    type=click.Path(file_okay=False, path_type=Path),
    help="The emulator's data folder (.zenodeploy/local for --server local; default: the "
    "standalone emulator's). A running emulator serving it is used, else it is opened for the call.",
)


@cli.group(invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=0, type=int, help="Port to listen on (0 picks a free one).")
@click.option(
    "--data", type=click.Path(file_okay=False, path_type=Path), help="State directory (kept across runs)."
)
@click.option("--token", "tokens", multiple=True, metavar="TOKEN[=USER]", help="Accepted token (repeatable).")
@click.option("--rate-limit", default="off", metavar="N|zenodo|documented|off", help="Requests per minute.")
@click.option(
    "--community",
    "communities",
    multiple=True,
    metavar="SLUG[:POLICY]",
    help="Create this community (repeatable). POLICY: closed (default; every request waits for "
    "'zenodeploy emulator accept'), open (its curators include directly) or members (any member does).",
)
@click.option(
    "--admin-token", metavar="TOKEN", help="Token for /api/_emulator/* (default: a random one, printed)."
)
@click.option(
    "--max-file-size", type=click.IntRange(1), metavar="BYTES", help="Largest file (default: 50 GB)."
)
@click.option("--quota", type=click.IntRange(1), metavar="BYTES", help="Bytes per record (default: 50 GB).")
@click.pass_context
@handle_errors
def emulator(
    ctx: click.Context,
    host: str,
    port: int,
    data: Path | None,
    tokens: tuple[str, ...],
    rate_limit: str,
    communities: tuple[str, ...],
    admin_token: str | None,
    max_file_size: int | None,
    quota: int | None,
) -> None:
    """Serve a local Zenodo (InvenioRDM) emulator until Ctrl-C; prints its base URL first, then the
    token and the lines that point zenodeploy at it. Its root page lists records and drafts.

    Community requests wait for a curator: 'zenodeploy emulator requests' lists them,
    'accept' and 'decline' decide them (on this emulator while it runs, or on its --data folder).
    Its admin endpoints (/api/_emulator/: faults, stats, deciding requests) need the admin token,
    sent as 'Authorization: Bearer TOKEN'.

    \b
    Example:
      zenodeploy emulator --port 5000 --data .emulator --community my-lab
      export ZENODEPLOY_TOKEN=zenodeploy-local
      zenodeploy apply zenodeploy.yaml --server http://127.0.0.1:5000 --token-env ZENODEPLOY_TOKEN
      zenodeploy emulator accept --data .emulator
    """
    if ctx.invoked_subcommand is not None:
        ctx.meta["zenodeploy.emulator.data"] = data
        return
    from zenodeploy.cli.emulator_admin import announce, withdraw
    from zenodeploy.emulator import server as emulator_server

    settings = emulator_server.cli_settings(data, tokens, rate_limit, communities)
    limits = {"max_file_size": max_file_size, "quota_size": quota}
    settings.update({k: v for k, v in limits.items() if v is not None})
    running = emulator_server.start(host=host, port=port, admin_token=admin_token, **settings)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # kill PID cleans up as Ctrl-C does
    try:
        announce(settings["data_dir"], running.url, running.admin_token)  # before the lines: ready then
        _print_banner(
            running.url, settings, "the one given with --admin-token" if admin_token else running.admin_token
        )
        running.wait()
    except KeyboardInterrupt:
        click.echo("emulator stopped.", err=True)
    finally:
        withdraw(settings["data_dir"])
        running.stop()


def _print_banner(url: str, settings: dict[str, Any], shown_admin: str) -> None:
    click.echo(url)
    token, user = next(iter(settings["tokens"].items()))
    click.echo(
        f"records and drafts: {url}/ (data in {settings['data_dir']}, kept across runs)\n"
        f"token: {token} (user {user})\n"
        "point zenodeploy at it (a token is sent only to a server it is named for):\n"
        f"  export ZENODEPLOY_TOKEN={token}\n"
        f"  zenodeploy apply zenodeploy.yaml --server {url} --token-env ZENODEPLOY_TOKEN\n"
        f"community requests: zenodeploy emulator requests --data {settings['data_dir']}\n"
        f"admin token for /api/_emulator/*: {shown_admin}\n"
        "Ctrl-C stops it."
    )
    sys.stdout.flush()


@emulator.command("requests")
@data_option
@handle_errors
def list_requests(data: Path | None) -> None:
    """List the community requests (reviews of drafts, inclusions of published records).

    \b
    Example:
      zenodeploy emulator requests --data .zenodeploy/local
    """
    from zenodeploy.cli.emulator_admin import admin

    with admin(_data_dir(data)) as emulator_admin:
        listed = emulator_admin.requests()
    for r in listed:
        click.echo(f"{r.id}  {r.status:<9}  {r.kind} of record {r.record} into {r.community}")
    if not listed:
        click.echo("no community requests yet")


def _decide(data: Path | None, request_id: str | None, accept: bool) -> None:
    from zenodeploy.cli.emulator_admin import admin

    with admin(_data_dir(data)) as emulator_admin:
        r = emulator_admin.decide(request_id, accept)
    click.echo(f"{r.status} {r.id}: {r.kind} of record {r.record} into {r.community}")


@emulator.command()
@click.argument("request_id", metavar="[ID]", required=False)
@data_option
@handle_errors
def accept(request_id: str | None, data: Path | None) -> None:
    """Accept a community request as its curator would (a review publishes the draft).

    ID is a request id or its start, as 'zenodeploy emulator requests' lists them; without
    ID, the only open request.

    \b
    Example:
      zenodeploy emulator accept --data .zenodeploy/local
    """
    _decide(data, request_id, True)


@emulator.command()
@click.argument("request_id", metavar="[ID]", required=False)
@data_option
@handle_errors
def decline(request_id: str | None, data: Path | None) -> None:
    """Decline a community request as its curator would (the record stays out of the community).

    ID is a request id or its start; without ID, the only open request.

    \b
    Example:
      zenodeploy emulator decline 3f2a --data .zenodeploy/local
    """
    _decide(data, request_id, False)


@emulator.command()
@click.option("--add", "added", multiple=True, metavar="SLUG[:POLICY]", help="Create this community.")
@data_option
@handle_errors
def communities(added: tuple[str, ...], data: Path | None) -> None:
    """List the emulator's communities; --add creates one (review policy closed unless given).

    \b
    Example:
      zenodeploy emulator communities --add my-lab --data .zenodeploy/local
    """
    from zenodeploy.cli.emulator_admin import admin

    with admin(_data_dir(data), create=True) as emulator_admin:
        for spec in added:
            emulator_admin.add_community(spec)
        listed = emulator_admin.communities()
    for c in listed:
        policy = c.get("access", {}).get("review_policy", "closed")
        click.echo(f"{c['slug']}  (review policy {policy})")
