"""``zenodeploy convert``: .zenodo.json and CITATION.cff files → a manifest on stdout."""

from __future__ import annotations

from pathlib import Path

import click

from zenodeploy.cli.common import cli, handle_errors


@cli.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path)
)
@click.option(
    "--repository",
    metavar="OWNER/NAME",
    help="The GitHub repository the files describe: what they lack (title, version, licence, a link "
    "to the release, creators as [{from: git}]: the checkout's authors) is filled as Zenodo's GitHub "
    "integration fills it for a release. Default: "
    "for a .zenodo.json, its checkout's 'origin' remote when that is on GitHub.",
)
@click.option("--no-repository", is_flag=True, help="Do not fill anything from a GitHub repository.")
@handle_errors
def convert(files: tuple[Path, ...], repository: str | None, no_repository: bool) -> None:
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
    from zenodeploy.manifest.release_defaults import repository_of, valid_repository

    if repository is not None and not valid_repository(repository):
        raise click.BadParameter(
            f"'{repository}' is not OWNER/NAME, e.g. octo-org/tool", param_hint="--repository"
        )
    if repository is None and not no_repository and any(f.name == ".zenodo.json" for f in files):
        repository = repository_of(files[0].resolve().parent)  # the GitHub integration's file
        if repository:
            click.echo(
                f"Filling what the files lack as Zenodo's GitHub integration does for {repository} "
                "(the checkout's 'origin' remote); --no-repository to leave it out.",
                err=True,
            )
    result = convert_files(files, None if no_repository else repository)
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
