"""The InvenioRDM side of the differential conformance suite (tests/conformance/).

InvenioRDM runs in a subprocess (``invenio_loader.py``) with the interpreter named by
``ZENODEPLOY_CONFORMANCE_PYTHON``, else this one. Without the ``conformance`` extra the suite
is skipped with the reason — except in CI (``CI=true``), where that is a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

LOADER = Path(__file__).resolve().parent / "invenio_loader.py"


def invenio_python() -> str:
    python = os.environ.get("ZENODEPLOY_CONFORMANCE_PYTHON") or sys.executable
    probe = subprocess.run([python, "-c", "import invenio_rdm_records"], capture_output=True, check=False)
    if probe.returncode != 0:
        reason = (
            f"InvenioRDM is not importable by {python}: install the extra "
            "(pip install -e '.[conformance]') or set ZENODEPLOY_CONFORMANCE_PYTHON"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return python


def invenio_load(payloads: list[Any]) -> list[dict[str, Any]]:
    """What RDMRecordSchema keeps and reports for each payload (one subprocess for all)."""
    done = subprocess.run(
        [invenio_python(), str(LOADER)],
        input=json.dumps(payloads),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results: list[dict[str, Any]] = json.loads(done.stdout)
    assert len(results) == len(payloads)
    return results
