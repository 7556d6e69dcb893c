"""The ``zenodeploy`` command line: thin Click commands that call one core function each."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from zenodeploy import __version__
from zenodeploy.errors import ZenodeployError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_UNEXPECTED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def handle_errors(func: F) -> F:
    """Map known errors to ``error: <message>`` on stderr and the design's exit codes."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
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
