"""Start-up time of the command line: ``zenodeploy --help`` and ``validate`` on a tiny manifest.

Each command runs ``--runs`` times (default 10) in a new process; the median wall time and
the median CPU time (user + system: steadier on a shared machine) are printed, next to those
of ``python -c pass`` (the interpreter alone). The targets are checked on wall time. Targets: --help
<= 0.15 s, validate of examples/minimal <= 0.25 s. ``--imports`` also prints the ten slowest
imports of ``validate`` (``python -X importtime``, cumulative microseconds). Usage:
    .venv/bin/python bench/startup.py [--runs 10] [--imports]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

MINIMAL = Path(__file__).resolve().parents[1] / "examples" / "minimal"
ZENODEPLOY = [sys.executable, "-m", "zenodeploy"]
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "zenodeploy --help": [*ZENODEPLOY, "--help"],
    "zenodeploy validate (examples/minimal)": [*ZENODEPLOY, "validate", "zenodeploy.yaml"],
}
TARGETS = {"zenodeploy --help": 0.15, "zenodeploy validate (examples/minimal)": 0.25}


def median_seconds(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``command``."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(command, cwd=MINIMAL, capture_output=True, check=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def slowest_imports(count: int = 10) -> list[tuple[int, str]]:
    command = [sys.executable, "-X", "importtime", "-m", "zenodeploy", "validate", "zenodeploy.yaml"]
    err = subprocess.run(command, cwd=MINIMAL, capture_output=True, text=True, check=True).stderr
    rows = []
    for line in err.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].strip()))
    return sorted(rows, reverse=True)[:count]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--imports", action="store_true", help="print the slowest imports of validate")
    args = parser.parse_args()
    base = None
    ok = True
    print(f"{'median of ' + str(args.runs) + ' runs':<40} {'wall':>8}  {'':>12}  {'CPU':>7}")
    for label, command in COMMANDS.items():
        seconds, cpu = median_seconds(command, args.runs)
        base = base or seconds
        target = TARGETS.get(label)
        verdict = (
            "" if target is None else f"  target <= {target:.2f} s: {'ok' if seconds <= target else 'over'}"
        )
        ok = ok and (target is None or seconds <= target)
        print(f"{label:<40} {seconds:6.3f} s  {seconds / base:5.1f}x python  {cpu:5.3f} s{verdict}")
    if args.imports:
        for micros, name in slowest_imports():
            print(f"  {micros / 1000:7.1f} ms  {name}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
