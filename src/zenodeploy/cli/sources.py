"""``zenodeploy samples``: each sample source's samples and the metadata keys ``where:`` can use."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from zenodeploy.cli.common import cli, handle_errors, manifest_arg, user_profile
from zenodeploy.errors import LocatedError, ManifestError

if TYPE_CHECKING:
    from zenodeploy.content.survey import SourceSurvey


@cli.command()
@manifest_arg
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@handle_errors
def samples(manifest: Path, fmt: str) -> None:
    """List each sample source's samples and the metadata keys found, to write `where:` with.

    \b
    Example:
      zenodeploy samples zenodeploy.yaml --format json
    """
    from zenodeploy.content.survey import survey
    from zenodeploy.manifest.load import load_manifest

    loaded = load_manifest(manifest, profile=user_profile())
    try:
        found = survey(loaded.sample_sources, base=loaded.base_dir, allow_outside=loaded.allow_outside)
    except LocatedError as exc:
        raise ManifestError(f"{manifest} has 1 problem", [loaded.finding(exc)]) from None
    if fmt == "json":
        click.echo(json.dumps([_document(s) for s in found], indent=2, ensure_ascii=False, default=str))
        return
    if not found:
        click.echo(f"{manifest} defines no sample sources (the top-level `samples:`).")
    for source in found:
        click.echo(f"{source.name} ({source.origin}): {len(source.samples)} samples")
        for sample in source.samples:
            click.echo(f"  {sample.name}  ({len(sample.files)} files)")
        click.echo("  keys for where: (samples having each: some values)")
        for key, count, values in source.keys:
            shown = ", ".join(_short(v) for v in values)
            click.echo(f"    {key}  ({count}{': ' + shown if shown else ''})")


def _document(source: SourceSurvey) -> dict[str, Any]:
    return {
        "name": source.name,
        "source": source.origin,
        "keys": {key: {"samples": count, "values": list(values)} for key, count, values in source.keys},
        "samples": [
            {"name": s.name, "files": [rel for rel, _ in s.files], "metadata": s.metadata}
            for s in source.samples
        ],
    }


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else f"{text[:37]}..."
