"""Setting up: init (first login), login/logout (tokens)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from zenodeploy.cli.common import (
    cli,
    handle_errors,
    user_profile,
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
    answers = init_mod.gather(given, None if no_input else _ask, user_profile())
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

    server = server or str(user_profile().get("server") or "sandbox")
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

    server = server or str(user_profile().get("server") or "sandbox")
    removed = tokens.forget_token(server)
    for where in removed:
        click.echo(f"removed the token for {tokens.server_key(server)} from {where}")
    if not removed:
        click.echo(f"no stored token for {tokens.server_key(server)}")
