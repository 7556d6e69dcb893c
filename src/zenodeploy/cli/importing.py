"""``zenodeploy import``: existing records into the manifest (or one record linked to a key)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from zenodeploy.cli.common import cli, handle_errors
from zenodeploy.cli.remote import FORMAT
from zenodeploy.errors import UsageError

if TYPE_CHECKING:
    from zenodeploy.reconcile.importing import ImportReport


@cli.command(name="import")
@click.argument("manifest", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("records", nargs=-1)
@click.option("--mine", is_flag=True, help="Every record of the account (latest version of each).")
@click.option("--community", metavar="SLUG", help="Every record of the account in this community.")
@click.option(
    "--download",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Fetch the files into DIR/<key>/ (relative to the manifest) and manage them from there.",
)
@click.option(
    "--key", metavar="KEY", help="Link one RECORD to this existing deposition key (lock file only)."
)
@click.option(
    "--wait",
    is_flag=True,
    help="When an apply (or import) of this manifest runs on this machine, wait for it.",
)
@click.option("--server", help="Override the manifest's server.")
@click.option("--token-env", metavar="NAME", help="Read the token from this environment variable.")
@FORMAT
@handle_errors
def import_(
    manifest: Path,
    records: tuple[str, ...],
    mine: bool,
    community: str | None,
    download: Path | None,
    key: str | None,
    wait: bool,
    server: str | None,
    token_env: str | None,
    fmt: str,
) -> None:
    """Write existing records into MANIFEST (created if missing) and its lock file.

    RECORDS are record ids, DOIs (10.5281/zenodo.123, https://doi.org/…) or addresses
    (https://zenodo.org/records/123). Fields the manifest cannot express stay as they are on the
    server (keep_on_server) and are listed. 'import MANIFEST KEY RECORD' (or --key KEY RECORD)
    links one record to a deposition the manifest already has.

    \b
    Example:
      zenodeploy import zenodeploy.yaml --mine
      zenodeploy import zenodeploy.yaml 10.5281/zenodo.1234567 https://zenodo.org/records/7654321
      zenodeploy import zenodeploy.yaml my-dataset 1234567
    """
    from zenodeploy.reconcile import run
    from zenodeploy.reconcile.runlock import exclusive

    settings = run.Settings(manifest, server=server, token_env=token_env)
    link = _link_form(manifest, records, key)
    if not (link or records or mine or community):
        raise UsageError(
            "name the records to import (ids, DOIs or addresses), or give --mine or --community SLUG."
        )
    # apply's run lock: an apply's last lock write would otherwise drop the imported entries.
    with exclusive(manifest, wait=wait, waiting=lambda message: click.echo(message, err=True)):
        if link is not None:
            result = run.import_record(settings, *link)
            click.echo(
                f"{result['key']} is now record {result['record_id']} ({result['state']}); written to {result['lock']}"
            )
            return
        report = run.import_into(settings, records, mine=mine, community=community, download=download)
    _show(report, fmt)
    if not report.imported and fmt == "text":
        from zenodeploy.reconcile.importing import manifest_server

        _nothing(report, server or manifest_server(manifest))


def _link_form(manifest: Path, records: tuple[str, ...], key: str | None) -> tuple[str, str] | None:
    """(key, record) for the form that links one record to an existing key, else None."""
    if key is not None:
        if len(records) != 1:
            raise UsageError("--key links exactly one record: zenodeploy import MANIFEST --key KEY RECORD.")
        return key, records[0]
    if len(records) == 2 and manifest.exists():
        from zenodeploy.reconcile.importing import manifest_keys

        keys = manifest_keys(manifest)
        if records[0] in keys:
            return records[0], records[1]
        if not _looks_like_a_record(records[0]):
            raise UsageError(
                f"{manifest} has no deposition with key '{records[0]}' (it has: {', '.join(sorted(keys)) or 'none'}). "
                "To link a record, name one of its keys; to import records, give their ids, DOIs or addresses."
            )
    return None


def _nothing(report: ImportReport, server: str) -> None:
    """Say plainly that nothing was written, and where an empty ``local`` emulator lives."""
    passed = f" ({len(report.skipped)} passed over, above)" if report.skipped else ""
    click.echo(
        f"nothing was written to {report.manifest}: no record to import on {server}{passed}.", err=True
    )
    if server == "local":
        click.echo(
            f"hint: --server local is the emulator kept beside the manifest "
            f"({report.manifest.parent / '.zenodeploy' / 'local'}), "
            f"{'with no published record' if report.skipped else 'empty'} here. To import what another "
            "folder's runs made, serve that folder's emulator (zenodeploy emulator --data "
            "OTHER/.zenodeploy/local) and pass the URL it prints with --server and --token-env.",
            err=True,
        )


def _looks_like_a_record(ref: str) -> bool:
    return ref.isdigit() or "/" in ref or ref.lower().startswith(("10.", "doi:"))


def _show(report: ImportReport, fmt: str) -> None:
    rows: list[dict[str, Any]] = [
        {
            "key": i.key,
            "record_id": i.record_id,
            "doi": i.doi,
            "title": i.title,
            "kept_on_server": list(i.kept),
            "files": i.files,
        }
        for i in report.imported
    ]
    skipped = [{"record_id": r, "reason": why} for r, why in report.skipped]
    if fmt == "json":
        out = {"manifest": str(report.manifest), "lock": str(report.lock), "requests": report.requests}
        click.echo(json.dumps(out | {"imported": rows, "skipped": skipped}, indent=2))
        return
    if rows:
        click.echo(
            f"imported {len(rows)} record{'' if len(rows) == 1 else 's'} into {report.manifest} "
            f"(lock: {report.lock}) with {report.requests} request{'' if report.requests == 1 else 's'}"
        )
    for row in rows:
        click.echo(f"  + {row['key']}: record {row['record_id']}" + (f"  {row['doi']}" if row["doi"] else ""))
        if row["kept_on_server"]:
            click.echo(
                f"      kept on the server (the manifest cannot say it): {', '.join(row['kept_on_server'])}"
            )
    for item in skipped:
        click.echo(f"  skipped {item['record_id']}: {item['reason']}")
    if rows:
        click.echo(f"next: zenodeploy plan {report.manifest}  (expect: no changes)")
