"""How fast the emulator receives file content: ``curl -T`` (a client that costs almost nothing)
into ``zenodeploy emulator``, one connection and several at once.

Each round starts ``--parallel`` uploads of a ``--size-mb`` file to as many drafts, at the same
time, and prints the aggregate MB/s (bytes / wall time of the slowest); the median of
``--runs`` rounds is reported. The emulator keeps its blobs in /dev/shm when there is one.
Compare with another checkout by putting its ``src`` first: ``PYTHONPATH=/other/src``. Usage:
    .venv/bin/python bench/emulator_throughput.py [--size-mb 1024] [--parallel 1 2] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from upload_vs_curl import TOKEN, emulator, make_file


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def round_of(url: str, source: Path, parallel: int) -> float:
    """Start ``parallel`` curl uploads together; aggregate MB/s."""
    with requests.Session() as session:
        session.headers.update(Authorization=f"Bearer {TOKEN}")
        targets = []
        for _ in range(parallel):
            draft = session.post(f"{url}/api/records", json={}, timeout=30).json()
            files = f"{url}/api/records/{draft['id']}/draft/files"
            session.post(files, json=[{"key": "big.bin"}], timeout=30).raise_for_status()
            targets.append(f"{files}/big.bin/content")
        command = [
            "curl",
            "-sS",
            "--fail",
            "-o",
            "/dev/null",
            "-T",
            str(source),
            "-H",
            f"Authorization: Bearer {TOKEN}",
        ]
        started = time.perf_counter()
        running = [subprocess.Popen([*command, target]) for target in targets]
        if any(p.wait() != 0 for p in running):
            raise SystemExit("an upload failed")
        seconds = time.perf_counter() - started
    return parallel * source.stat().st_size / 1e6 / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--parallel", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if shutil.which("curl") is None:
        raise SystemExit("curl is not installed (apt-get install curl)")
    shm = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory(dir=shm) as blobs:
        source = Path(tmp) / "big.bin"
        make_file(source, args.size_mb)
        with emulator(Path(blobs) / "data") as (url, pid):
            print(f"{args.size_mb} MiB per upload, {os.cpu_count()} CPUs, median of {args.runs}")
            for parallel in args.parallel:
                before = cpu_seconds(pid)
                rates = [round_of(url, source, parallel) for _ in range(args.runs)]
                cost = (cpu_seconds(pid) - before) / (args.runs * parallel * source.stat().st_size / 1e9)
                runs = " ".join(f"{r:.0f}" for r in rates)
                print(
                    f"{parallel} connection(s): {statistics.median(rates):5.0f} MB/s  (runs: {runs}); "
                    f"emulator CPU {cost:.2f} s per GB"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
