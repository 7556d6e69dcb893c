"""Run ``zenodeploy`` in a child process and measure it: wall time and peak resident memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measured:
    returncode: int
    output: str
    seconds: float
    peak_mb: float


def run_measured(
    args: list[str], cwd: Path, *, timeout: float = 60.0, env: dict[str, str] | None = None
) -> Measured:
    """``python -m zenodeploy *args``; the peak RSS is the child's own (``wait4``), in MB."""
    out = cwd / ".measured-output"
    with out.open("wb") as sink:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "zenodeploy", *args],
            cwd=cwd,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                child.kill()
                pid, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.01)
        seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # already reaped: keep Popen from waiting
    peak_kb = usage.ru_maxrss  # kilobytes on Linux
    return Measured(child.returncode, out.read_text("utf-8", "replace"), seconds, peak_kb / 1024)
