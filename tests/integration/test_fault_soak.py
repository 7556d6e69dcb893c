"""The fault soak bench runs end to end with tiny parameters (the full soak is ``bench/fault_soak.py``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "fault_soak.py"


@pytest.mark.slow
def test_fault_soak_converges_without_duplicates() -> None:
    args = ["--depositions", "4", "--files", "2", "--rate", "0.15", "--seed", "3", "--max-runs", "6"]
    done = subprocess.run(
        [sys.executable, str(BENCH), *args], capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert "duplicates 0; missing 0; md5 mismatches 0" in last, done.stdout
