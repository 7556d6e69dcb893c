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
from zenodeploy.errors import ManifestError, ZenodeployError
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
@click.option("--only", multiple=True, metavar="KEY", help="Only this deposition (repeatable).")
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
    """Serve a local Zenodo (InvenioRDM) emulator until Ctrl-C; prints its base URL first."""
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
