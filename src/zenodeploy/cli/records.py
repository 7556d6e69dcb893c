"""Commands about the records a manifest manages: status and the lock file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from zenodeploy.cli.common import cli, handle_errors, note_local_links
from zenodeploy.cli.remote import FORMAT, run_options
from zenodeploy.errors import UsageError

if TYPE_CHECKING:
    from zenodeploy.reconcile.run import Settings


@cli.command()
@run_options
@FORMAT
@handle_errors
def status(settings: Settings, fmt: str) -> None:
    """Each deposition's record, DOI, state and web address.

    \b
    Example:
      zenodeploy status zenodeploy.yaml
    """
    from zenodeploy.reconcile import run

    with run.connect(settings) as session:
        observations = run.observe_all(session)
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
        note_local_links(session.server, any(row["url"] for row in rows))


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
    from zenodeploy.reconcile.lock import lock_path, merge
    from zenodeploy.reconcile.shard import fragments as shard_fragments

    parts = list(fragments) or shard_fragments(manifest)
    if not parts:
        raise UsageError(
            f"no lock fragments ({manifest.name}.lock.shard-*) beside {manifest}; name them as arguments."
        )
    merged = merge(lock_path(manifest), parts)
    for part in parts:
        if delete:
            part.unlink()
            part.with_name(part.name + ".journal").unlink(missing_ok=True)  # merged with it
        click.echo(f"merged {part}{' (deleted)' if delete else ''}")
    click.echo(f"wrote {merged.path}")
