"""Offline commands: validate, schema, render (no token, no network)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from zenodeploy.cli import report
from zenodeploy.cli.common import (
    EXIT_FAILURE,
    EXIT_OK,
    cli,
    complete_keys,
    handle_errors,
    manifest_arg,
    manifest_args,
    user_profile,
)
from zenodeploy.model import Finding


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
    from zenodeploy.reconcile import resolve

    profile = user_profile()
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
    from zenodeploy.manifest.schema import schema_text

    click.echo(schema_text(), nl=False)


@cli.command()
@manifest_arg
@click.option(
    "--only",
    multiple=True,
    metavar="KEY",
    help="Only this deposition (repeatable).",
    shell_complete=lambda ctx, param, incomplete: complete_keys(ctx, incomplete),
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="json: one document, the list of depositions (one file each with --output); html: one page, "
    "so several depositions need --output or --only.",
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
    from zenodeploy.describe.page import preview_page
    from zenodeploy.manifest.authors import expand_sample_authors
    from zenodeploy.manifest.load import load_manifest
    from zenodeploy.reconcile import resolve

    loaded = load_manifest(manifest, profile=user_profile())
    resolution = resolve.resolve(loaded, only=only)
    by_key = {d.key: d.data for d in loaded.depositions}
    origin = {d.key: d.creators_from for d in loaded.depositions}
    for finding in resolution.warnings:
        click.echo(finding.format(), err=True)
    if fmt == "html" and output is None and len(resolution.depositions) > 1:
        raise click.UsageError(
            f"--format html prints one page, and {manifest} has {len(resolution.depositions)} depositions; "
            "pass --output DIR (one page each) or --only KEY."
        )
    if fmt == "json" and output is None:
        # One JSON document for the whole manifest (a list, as plan --format json prints).
        documents = [report.rendered_json(desired, origin[desired.key]) for desired in resolution.depositions]
        click.echo(json.dumps(documents, indent=2, ensure_ascii=False))
        return
    for desired in resolution.depositions:
        if fmt == "json":
            text = json.dumps(
                report.rendered_json(desired, origin[desired.key]), indent=2, ensure_ascii=False
            )
        elif fmt == "html":
            data = expand_sample_authors(by_key[desired.key], desired.samples, desired.source_path)
            text = preview_page(
                title=str(data.get("title", desired.key)),
                description=desired.description,
                metadata=data,
                files=desired.files,
            )
        else:
            text = report.rendered_text(desired, origin[desired.key])
        if output is None:
            click.echo(text)
        else:
            output.mkdir(parents=True, exist_ok=True)
            target = output / f"{desired.key}.{'md' if fmt == 'text' else fmt}"
            target.write_text(text if fmt != "text" else click.unstyle(text), "utf-8")
            click.echo(f"wrote {target}", err=True)
