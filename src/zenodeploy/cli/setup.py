"""Setting up: init (first login), login/logout (tokens), the local emulator."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from zenodeploy.cli.common import (
    _profile,
    cli,
    handle_errors,
)
from zenodeploy.errors import UsageError


@cli.command()
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--type", "kind", help="Account type: personal or organizational.")
@click.option("--family", help="Your family name.")
@click.option("--given", help="Your given name(s).")
@click.option("--name", help="The organisation's name (organizational accounts).")
@click.option("--orcid", help="Your ORCID iD (checked); '' for none.")
@click.option("--affiliation", help="Your affiliation; '' for none.")
@click.option("--license", "license_", help="Default license id, e.g. cc-by-4.0.")
@click.option("--server", help="sandbox (default), zenodo, local or an InvenioRDM URL.")
@click.option("--no-input", is_flag=True, help="Never prompt: use options, saved answers and defaults.")
@click.option("--force", is_flag=True, help="Overwrite existing files and the saved profile.")
@handle_errors
def init(
    directory: Path | None, kind: str | None, no_input: bool, force: bool, **options: str | None
) -> None:
    """Save your default creator, license and server, and start a project in DIRECTORY.

    Asks each question the options do not answer. Without DIRECTORY only the profile is written.

    \b
    Example:
      zenodeploy init my-dataset
      zenodeploy init . --no-input --family Doe --given Jane --orcid 0000-0002-1825-0097
    """
    from zenodeploy.cli import starter as init_mod

    given = {"type": kind, "license": options.pop("license_"), **options}
    if not force:
        init_mod.check_free(directory)
    answers = init_mod.gather(given, None if no_input else _ask, _profile())
    result = init_mod.init_project(directory, answers, force=force)
    for path in ([result.profile] if result.profile else []) + list(result.files):
        click.echo(f"wrote {path}")
    if directory is not None:
        manifest = directory / "zenodeploy.yaml"
        login = "" if answers["server"] == "local" else f"zenodeploy login --server {answers['server']}; "
        click.echo(f"next: {login}zenodeploy validate {manifest}")


def _ask(question: Any) -> str:
    """Prompt until ``question.check`` accepts the answer (it raises ValueError with the reason)."""

    def convert(value: str) -> str:
        try:
            result: str = question.check(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
        return result

    default = question.default if question.default is not None else ("" if question.optional else None)
    try:
        answer: str = click.prompt(
            question.text, default=default, value_proc=convert, show_default=bool(default)
        )
    except click.Abort:  # end of input (or Ctrl-C) while asking
        click.echo(err=True)
        raise UsageError(
            f"no answer to '{question.text}': the input ended, and nothing was written. Answer in a "
            "terminal, or pass --no-input with the answers as options (zenodeploy init --help)."
        ) from None
    return answer


@cli.command()
@click.option("--server", help="sandbox, zenodo or an InvenioRDM URL (default: the profile's, else sandbox).")
@click.option("--token-stdin", is_flag=True, help="Read the token from standard input instead of prompting.")
@click.option(
    "--check",
    is_flag=True,
    help="Verify with the server: the account, and whether the token can write (creates and deletes an empty draft).",
)
@handle_errors
def login(server: str | None, token_stdin: bool, check: bool) -> None:
    """Store an access token (system keyring, else a private 0600 file); optionally check it.

    Environment variables (ZENODO_SANDBOX_TOKEN, ZENODO_TOKEN) still win over a stored token.
    With --check and no --token-stdin, checks the token a run would use, if there is one.

    \b
    Example:
      zenodeploy login --server sandbox --check
      printf %s "$ZENODO_TOKEN" | zenodeploy login --server zenodo --token-stdin
    """
    from zenodeploy.cli import login as login_mod
    from zenodeploy.reconcile import tokens

    server = server or str(_profile().get("server") or "sandbox")
    token: str | None = None
    if token_stdin:
        token = sys.stdin.read().strip()
    elif not (check and login_mod.current_token(server)):
        click.echo(f"Create a token at {tokens.server_key(server)}/account/settings/applications/tokens/new/")
        click.echo("with the scopes deposit:write and deposit:actions, then paste it (input is hidden).")
        token = click.prompt("Access token", hide_input=True)
    given_by = "standard input" if token_stdin else "the prompt"
    result = login_mod.login(server, token, check=check, given_by=given_by)
    if result.check is not None:
        c = result.check
        click.echo(f"token from {c.source} accepted by {c.server}")
        click.echo(f"account: {c.account} ({c.records} drafts and records)")
        click.echo(f"can write: {c.write_detail}")
    if result.stored_in:
        click.echo(f"stored the token for {tokens.server_key(server)} in {result.stored_in}")
    if result.shadowed_by:
        click.echo(f"note: {result.shadowed_by} is set and wins over the stored token.", err=True)


@cli.command()
@click.option("--server", help="sandbox, zenodo or an InvenioRDM URL (default: the profile's, else sandbox).")
@handle_errors
def logout(server: str | None) -> None:
    """Remove the stored token of a server (keyring and token file).

    \b
    Example:
      zenodeploy logout --server sandbox
    """
    from zenodeploy.reconcile import tokens

    server = server or str(_profile().get("server") or "sandbox")
    removed = tokens.forget_token(server)
    for where in removed:
        click.echo(f"removed the token for {tokens.server_key(server)} from {where}")
    if not removed:
        click.echo(f"no stored token for {tokens.server_key(server)}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=0, type=int, help="Port to listen on (0 picks a free one).")
@click.option(
    "--data", type=click.Path(file_okay=False, path_type=Path), help="State directory (kept across runs)."
)
@click.option("--token", "tokens", multiple=True, metavar="TOKEN[=USER]", help="Accepted token (repeatable).")
@click.option("--rate-limit", default="off", metavar="N|zenodo|documented|off", help="Requests per minute.")
@click.option("--community", "communities", multiple=True, metavar="SLUG", help="A community (repeatable).")
@click.option(
    "--admin-token", metavar="TOKEN", help="Token for /api/_emulator/* (default: a random one, printed)."
)
@click.option(
    "--max-file-size", type=click.IntRange(1), metavar="BYTES", help="Largest file (default: 50 GB)."
)
@click.option("--quota", type=click.IntRange(1), metavar="BYTES", help="Bytes per record (default: 50 GB).")
@handle_errors
def emulator(
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

    Its admin endpoints (/api/_emulator/: faults, stats, deciding requests) need the admin token,
    sent as 'Authorization: Bearer TOKEN'.

    \b
    Example:
      zenodeploy emulator --port 5000 --data .emulator
      export ZENODEPLOY_TOKEN=zenodeploy-local
      zenodeploy apply zenodeploy.yaml --server http://127.0.0.1:5000 --token-env ZENODEPLOY_TOKEN
    """
    from zenodeploy.emulator import server as emulator_server

    settings = emulator_server.cli_settings(data, tokens, rate_limit, communities)
    limits = {"max_file_size": max_file_size, "quota_size": quota}
    settings.update({k: v for k, v in limits.items() if v is not None})
    running = emulator_server.start(host=host, port=port, admin_token=admin_token, **settings)
    click.echo(running.url)
    token, user = next(iter(settings["tokens"].items()))
    shown_admin = "the one given with --admin-token" if admin_token else running.admin_token
    click.echo(
        f"records and drafts: {running.url}/ (data in {settings['data_dir']}, kept across runs)\n"
        f"token: {token} (user {user})\n"
        "point zenodeploy at it (a token is sent only to a server it is named for):\n"
        f"  export ZENODEPLOY_TOKEN={token}\n"
        f"  zenodeploy apply zenodeploy.yaml --server {running.url} --token-env ZENODEPLOY_TOKEN\n"
        f"admin token for /api/_emulator/*: {shown_admin}\n"
        "Ctrl-C stops it."
    )
    sys.stdout.flush()
    try:
        running.wait()
    except KeyboardInterrupt:
        click.echo("emulator stopped.", err=True)
    finally:
        running.stop()
