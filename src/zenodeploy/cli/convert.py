"""``zenodeploy convert``: .zenodo.json and CITATION.cff files → a manifest on stdout."""

from __future__ import annotations

from pathlib import Path

import click

from zenodeploy.cli.common import cli, handle_errors


@cli.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@handle_errors
def convert(files: tuple[Path, ...]) -> None:
    """Print a manifest made from FILES (.zenodo.json and/or CITATION.cff), to switch for good.

    Earlier files win field by field. What a file has that the manifest cannot take is listed
    in the output's comments and on stderr as warnings; an error there means the file itself
    must be corrected. To keep the file as the source instead, write 'from: .zenodo.json' on a
    deposition.

    \b
    Example:
      zenodeploy convert .zenodo.json CITATION.cff > zenodeploy.yaml
    """
    from zenodeploy.cli import report
    from zenodeploy.errors import ManifestError
    from zenodeploy.manifest.convert import convert as convert_files

    result = convert_files(files)
    click.echo(result.text, nl=False)
    errors = [f for f in result.findings if f.severity == "error"]
    if errors:
        noun = "value" if len(errors) == 1 else "values"
        raise ManifestError(
            f"{len(errors)} {noun} could not be taken (left out above); correct the file and convert again",
            list(result.findings),
        )
    if result.findings:
        click.echo(report.findings(list(result.findings), "text"), err=True)
