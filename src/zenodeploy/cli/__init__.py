"""The ``zenodeploy`` command line: thin Click commands that call one core function each.

The stage that may import every other; nothing imports it. Commands live in submodules by theme
(``local``: offline; ``remote``: plan and apply; ``records``: status, the lock; ``importing``: import;
``setup``: profile, tokens; ``emulator``: the local server and its curator's commands;
``sources``: the samples of each source; ``convert``: other metadata files to a manifest);
importing one registers its commands on the group defined in ``common``, which imports a command's
module only when the command runs (``common.COMMANDS`` names each command's module)."""

from __future__ import annotations

import logging
import sys

import click

from zenodeploy.cli.common import EXIT_UNEXPECTED, cli

__all__ = ["cli", "main"]


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
