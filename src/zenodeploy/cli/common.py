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
