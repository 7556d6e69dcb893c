"""What every command shares: the Click group, the error handler and exit codes, common arguments."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from zenodeploy import __version__
from zenodeploy.cli.lazy import LazyGroup
from zenodeploy.errors import ManifestError, ZenodeployError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FAILURE, EXIT_UNEXPECTED, EXIT_INTERRUPTED = 0, 1, 3, 130


def handle_errors(func: F) -> F:
    """Map known errors to ``error: <message>`` on stderr and the design's exit codes."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ManifestError as exc:
            if exc.findings:
                from zenodeploy.cli import report

                click.echo(report.findings(exc.findings, "text"), err=True)
            if str(exc) not in {f.format() for f in exc.findings}:  # not the one finding said again
                click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except ZenodeployError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted: the next run will finish what this one started.", err=True)
            sys.exit(EXIT_INTERRUPTED)

    return wrapper  # type: ignore[return-value]


#: Each command: the module that defines it (imported when the command runs) and its short help,
#: the first sentence of its docstring (``zenodeploy --help`` lists them without importing anything).
COMMANDS: dict[str, tuple[str, str]] = {
    "apply": ("remote", "Make the server match the manifest: create, update, upload, publish when asked."),
    "convert": (
        "convert",
        "Print a manifest made from FILES (.zenodo.json and/or CITATION.cff), to switch for good.",
    ),
    "emulator": (
        "emulator",
        "Serve a local Zenodo (InvenioRDM) emulator until Ctrl-C; prints its base URL first, then the "
        "token and the lines that point zenodeploy at it.",
    ),
    "import": ("importing", "Write existing records into MANIFEST (created if missing) and its lock file."),
    "init": ("setup", "Save your default creator, license and server, and start a project in DIRECTORY."),
    "lock": ("records", "Maintain the lock file (<manifest>.lock)."),
    "login": (
        "setup",
        "Store an access token (system keyring, else a private 0600 file); optionally check it.",
    ),
    "logout": ("setup", "Remove the stored token of a server (keyring and token file)."),
    "plan": ("remote", "Show what apply would change, without writing anything (GET requests only)."),
    "render": (
        "local",
        "Show what each deposition would send: metadata, files with md5, and the description.",
    ),
    "samples": (
        "sources",
        "List each sample source's samples and the metadata keys found, to write `where:` with.",
    ),
    "schema": ("local", "Print the manifest's JSON Schema (for editors and other tools)."),
    "status": ("records", "Each deposition's record, DOI, state and web address."),
    "validate": (
        "local",
        "Check manifests offline: schema, vocabularies, ORCIDs, dates, files and templates.",
    ),
}


def _set_level(verbose: int) -> None:
    """WARNING, then INFO for -v and DEBUG for -vv, on the root logger."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger().setLevel(level)  # also when the root logger has handlers already


def _verbose_after(ctx: click.Context, param: click.Parameter, value: int) -> None:
    """``-v`` written after the command counts as before it (``zenodeploy plan -vv``)."""
    if value:
        _set_level(ctx.find_root().params.get("verbose", 0) + value)


def _verbose_option() -> click.Parameter:
    return click.Option(
        ["-v", "--verbose"], count=True, hidden=True, expose_value=False, callback=_verbose_after
    )


@click.group(
    cls=LazyGroup,
    lazy={name: (f"zenodeploy.cli.{module}", short) for name, (module, short) in COMMANDS.items()},
    shared=_verbose_option,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="zenodeploy")
@click.option("-v", "--verbose", count=True, help="More diagnostics on stderr (-vv for debug).")
def cli(verbose: int) -> None:
    """Publish research data to Zenodo from a YAML manifest, idempotently.

    \b
    Example:
      zenodeploy validate zenodeploy.yaml
    """
    _set_level(verbose)


def complete_keys(ctx: click.Context, incomplete: str) -> list[str]:
    """Shell completion of ``--only``: the keys of the MANIFEST argument, read offline.

    Completion must never fail or print: a manifest that does not load yields no keys."""
    from zenodeploy.manifest.load import load_manifest

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


def user_profile() -> dict[str, Any]:
    """The user's profile (``zenodeploy init``'s answers), ``{}`` when there is none."""
    from zenodeploy.manifest.profile import load_profile

    return load_profile()


DEFAULT_MANIFEST = "zenodeploy.yaml"


def default_manifest(command: str) -> Path:
    """``./zenodeploy.yaml`` when no MANIFEST is named; a usage error that says so when it is
    missing, with ``command`` (the one that was run) named in the example."""
    path = Path(DEFAULT_MANIFEST)
    if not path.is_file():
        raise click.UsageError(
            f"no MANIFEST given and no {DEFAULT_MANIFEST} in {Path.cwd()}; name the manifest "
            f"(e.g. {command} path/to/{DEFAULT_MANIFEST}) or run where it is."
        )
    return path


def _one_manifest(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None or ctx.resilient_parsing:  # shell completion must never fail
        return value
    return default_manifest(ctx.command_path)


def _manifests(ctx: click.Context, param: click.Parameter, value: tuple[Path, ...]) -> tuple[Path, ...]:
    return value or (() if ctx.resilient_parsing else (default_manifest(ctx.command_path),))


manifest_args = click.argument(
    "manifests", nargs=-1, callback=_manifests, type=click.Path(dir_okay=False, path_type=Path)
)
#: MANIFEST, optional: ``./zenodeploy.yaml`` when left out.
manifest_arg = click.argument(
    "manifest", required=False, callback=_one_manifest, type=click.Path(dir_okay=False, path_type=Path)
)


def note_local_links(server: str, shown: bool) -> None:
    """After addresses of ``--server local`` were printed: that emulator stopped with the command."""
    if server == "local" and shown:
        click.echo(
            "note: the --server local emulator stops with each command, so these addresses no longer "
            "answer; to browse them, run 'zenodeploy emulator --data .zenodeploy/local' in the manifest's "
            "folder and open the same paths on the address it prints.",
            err=True,
        )
