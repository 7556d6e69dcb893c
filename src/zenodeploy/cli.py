"""The ``zenodeploy`` command line: thin Click commands that call one core function each."""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from zenodeploy import __version__, report, resolve
from zenodeploy.errors import ManifestError, UsageError, ZenodeployError
from zenodeploy.model import Finding

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_UNEXPECTED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def handle_errors(func: F) -> F:
    """Map known errors to ``error: <message>`` on stderr and the design's exit codes."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ManifestError as exc:
            if exc.findings:
                click.echo(report.findings(exc.findings, "text"), err=True)
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except ZenodeployError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted: the next run will finish what this one started.", err=True)
            sys.exit(EXIT_INTERRUPTED)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="zenodeploy")
@click.option("-v", "--verbose", count=True, help="More diagnostics on stderr (-vv for debug).")
def cli(verbose: int) -> None:
    """Publish research data to Zenodo from a YAML manifest, idempotently.

    \b
    Example:
      zenodeploy validate zenodeploy.yaml
    """
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _complete_keys(ctx: click.Context, incomplete: str) -> list[str]:
    """Shell completion of ``--only``: the keys of the MANIFEST argument, read offline.

    Completion must never fail or print: a manifest that does not load yields no keys."""
    from zenodeploy.manifest import load_manifest

    # While completing, Click may leave the positional MANIFEST unparsed in ctx.args.
    given = [ctx.params.get("manifest"), *ctx.args]
    manifest = next((Path(p) for p in given if p and Path(p).is_file()), None)
    if manifest is None:
        return []
    try:
        keys = [d.key for d in load_manifest(manifest).depositions]
    except Exception:
        return []
    return [key for key in keys if key.startswith(incomplete)]


def _profile() -> dict[str, Any]:
    from zenodeploy.profile import load_profile

    return load_profile()


manifest_args = click.argument(
    "manifests", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path)
)


@cli.command()
@manifest_args
@click.option(
    "--format",
    "fmt",
    type=click.Choice(report.FORMATS),
    default="text",
    show_default=True,
    help="Output format; github prints workflow annotations.",
)
@click.option("--no-files", is_flag=True, help="Skip file-system checks (globs, samples, checksums).")
@handle_errors
def validate(manifests: tuple[Path, ...], fmt: str, no_files: bool) -> None:
    """Check manifests offline: schema, vocabularies, ORCIDs, dates, files and templates.

    Exit 0 when every manifest is valid, 1 otherwise. Nothing is sent anywhere.

    \b
    Example:
      zenodeploy validate examples/*/zenodeploy.yaml --format github
    """
    profile = _profile()
    all_findings: list[Finding] = []
    failed = 0
    summaries = []
    for path in manifests:
        found, count = resolve.check(path, check_files=not no_files, profile=profile)
        all_findings += found
        bad = any(f.severity == "error" for f in found)
        failed += bad
        summaries.append(
            f"✗ {path}: invalid" if bad else f"✓ {path}: {count} deposition{'s' if count != 1 else ''} valid"
        )
    if fmt == "json":
        click.echo(report.findings(all_findings, "json"))
    else:
        if all_findings:
            click.echo(report.findings(all_findings, fmt))
        if fmt == "text":
            for line in summaries:
                click.echo(line)
    sys.exit(EXIT_FAILURE if failed else EXIT_OK)


@cli.command()
@handle_errors
def schema() -> None:
    """Print the manifest's JSON Schema (for editors and other tools).

    \b
    Example:
      zenodeploy schema > zenodeploy.schema.json
    """
    from zenodeploy.schema import schema_text

    click.echo(schema_text(), nl=False)


@cli.command()
@click.argument("manifest", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--only",
    multiple=True,
    metavar="KEY",
    help="Only this deposition (repeatable).",
    shell_complete=lambda ctx, param, incomplete: _complete_keys(ctx, incomplete),
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text", show_default=True
)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write one file per deposition into this folder.",
)
@handle_errors
def render(manifest: Path, only: tuple[str, ...], fmt: str, output: Path | None) -> None:
    """Show what each deposition would send: metadata, files with md5, and the description.

    \b
    Example:
      zenodeploy render zenodeploy.yaml --format html --output preview/
    """
    from zenodeploy.manifest import load_manifest
    from zenodeploy.preview import preview_page

    loaded = load_manifest(manifest, profile=_profile())
    resolution = resolve.resolve(loaded, only=only)
    by_key = {d.key: d.data for d in loaded.depositions}
    for finding in resolution.warnings:
        click.echo(finding.format(), err=True)
    for desired in resolution.depositions:
        if fmt == "json":
            text = json.dumps(report.rendered_json(desired), indent=2, ensure_ascii=False)
        elif fmt == "html":
            data = by_key[desired.key]
            text = preview_page(
                title=str(data.get("title", desired.key)),
                description=desired.description,
                metadata=data,
                files=desired.files,
            )
        else:
            text = report.rendered_text(desired)
        if output is None:
            click.echo(text)
        else:
            output.mkdir(parents=True, exist_ok=True)
            target = output / f"{desired.key}.{'md' if fmt == 'text' else fmt}"
            target.write_text(text if fmt != "text" else click.unstyle(text), "utf-8")
            click.echo(f"wrote {target}", err=True)


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
    from zenodeploy import init as init_mod

    given = {"type": kind, "license": options.pop("license_"), **options}
    answers = init_mod.gather(given, None if no_input else _ask, _profile())
    result = init_mod.init_project(directory, answers, force=force)
    for path in ([result.profile] if result.profile else []) + list(result.files):
        click.echo(f"wrote {path}")
    if directory is not None:
        manifest = directory / "zenodeploy.yaml"
        click.echo(f"next: zenodeploy login --server {answers['server']}; zenodeploy validate {manifest}")


def _ask(question: Any) -> str:
    """Prompt until ``question.check`` accepts the answer (it raises ValueError with the reason)."""

    def convert(value: str) -> str:
        try:
            result: str = question.check(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
        return result

    default = question.default if question.default is not None else ("" if question.optional else None)
    answer: str = click.prompt(question.text, default=default, value_proc=convert, show_default=bool(default))
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
    from zenodeploy import tokens

    server = server or str(_profile().get("server") or "sandbox")
    token: str | None = None
    if token_stdin:
        token = sys.stdin.read().strip()
    elif not (check and tokens.current_token(server)):
        click.echo(f"Create a token at {tokens.server_key(server)}/account/settings/applications/tokens/new/")
        click.echo("with the scopes deposit:write and deposit:actions, then paste it (input is hidden).")
        token = click.prompt("Access token", hide_input=True)
    result = tokens.login(server, token, check=check)
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
    from zenodeploy import tokens

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
@handle_errors
def emulator(
    host: str,
    port: int,
    data: Path | None,
    tokens: tuple[str, ...],
    rate_limit: str,
    communities: tuple[str, ...],
) -> None:
    """Serve a local Zenodo (InvenioRDM) emulator until Ctrl-C; prints its base URL first.

    \b
    Example:
      zenodeploy emulator --port 5000 --data .emulator
      ZENODO_TOKEN=zenodeploy-local zenodeploy apply zenodeploy.yaml --server http://127.0.0.1:5000
    """
    from zenodeploy.emulator import server as emulator_server

    settings = emulator_server.cli_settings(data, tokens, rate_limit, communities)
    running = emulator_server.start(host=host, port=port, **settings)
    click.echo(running.url)
    sys.stdout.flush()
    try:
        running.wait()
    except KeyboardInterrupt:
        click.echo("emulator stopped.", err=True)
    finally:
        running.stop()


def _settings(manifest: Path, **kwargs: Any) -> Any:
    from zenodeploy.reconcile import Settings

    return Settings(manifest=manifest, **kwargs)


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    from zenodeploy.shard import Shard

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
    from zenodeploy import reconcile

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
    from zenodeploy import reconcile
    from zenodeploy.apply import apply_plans

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
            interactive = sys.stdin.isatty() and not yes
            if reconcile.publishes_to_production(session, plans) and not yes and not sys.stdin.isatty():
                raise UsageError("this run publishes to zenodo.org (permanent DOIs); confirm with --yes.")
            if interactive and not click.confirm("Apply these changes?", default=False):
                raise UsageError("nothing applied.")
            with report.Progress(plans, enabled=fmt == "text" and sys.stderr.isatty()) as progress:
                outcomes = apply_plans(
                    session.client,
                    plans,
                    session.lock,
                    session.server,
                    parallel=parallel,
                    progress=progress.update,
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


def unchanged(plan: Any) -> Any:
    from zenodeploy.apply import Outcome

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
    from zenodeploy import reconcile

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
    from zenodeploy import reconcile

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
    from zenodeploy.lock import lock_path, merge
    from zenodeploy.shard import fragments as shard_fragments

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


def main() -> None:
    """Console-script entry point; unexpected errors exit 3 with a short message."""
    try:
        cli(prog_name="zenodeploy")
    except SystemExit:
        raise
    except Exception as exc:  # pragma: no cover - last resort, keeps tracebacks (and secrets) off stdout
        logging.getLogger("zenodeploy").debug("unexpected error", exc_info=True)
        click.echo(f"error: unexpected {type(exc).__name__}: {exc}. Run with -vv for details.", err=True)
        sys.exit(EXIT_UNEXPECTED)
