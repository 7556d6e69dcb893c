"""The performance targets side by side in one run, each as a ratio or a count.

1. A big upload, cold checksum cache: ``apply`` against ``curl -T`` to the same emulator
   (``upload_vs_curl``; target <= 1.15x).
2. Many small files (20 depositions x 50 files): ``apply`` against a hand-written sequential
   ``requests`` script (``naive_upload``), wall time and requests.
3. Requests per deposition for a first apply, a re-apply with one file changed and a no-op
   re-apply, with ``--publish`` (``apply_depositions``; no-op targets: <= 3 requests for 100,
   <= 15 for 1,000).
4. Under a rate limit (20 depositions x 5 files, 100 per minute): wall time against the
   moving-window minimum for the job's requests, and the 429s (``pacing``; target <= 1.10x, 0).

``--quick`` shrinks everything (256 MiB; 5 x 10 files; 10 and 100 depositions; the limit's
window 10 s instead of a minute) to run in about a minute. The emulator is in-process for 2-4
(``apply`` and the script run in subprocesses) and a subprocess for 1. Usage:
    .venv/bin/python bench/ratios.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from apply_depositions import run_apply, write_manifest  # bench/ is the script's folder
from pacing import job
from upload_vs_curl import measure

from zenodeploy.emulator import LOCAL_TOKEN, start

HERE = Path(__file__).resolve().parent


def upload(size_mb: int, runs: int) -> list[str]:
    c_wall, c_cpu, o_wall, o_cpu = measure(size_mb, runs)
    return [
        f"{size_mb} MiB upload, cold cache (median of {runs})",
        f"  curl -T {c_wall:.2f} s (CPU {c_cpu:.2f} s), apply {o_wall:.2f} s (CPU {o_cpu:.2f} s)",
        f"  apply / curl = {o_wall / c_wall:.2f}x (target <= 1.15x)",
    ]


def many_files(depositions: int, files: int) -> list[str]:
    results = {}
    for who in ("script", "apply"):
        with tempfile.TemporaryDirectory() as tmp:
            base = Path(tmp)
            os.environ["ZENODEPLOY_CACHE_DIR"] = str(base / "cache")
            manifest = write_manifest(base, depositions, files)
            with start(base / "server") as emulator:
                if who == "apply":
                    seconds, counts, _, _ = run_apply(emulator, manifest, parallel=4, publish=False)
                else:
                    script = [
                        sys.executable,
                        str(HERE / "naive_upload.py"),
                        emulator.url,
                        LOCAL_TOKEN,
                        str(base),
                    ]
                    started = time.perf_counter()
                    subprocess.run([*script, str(depositions), str(files)], check=True)
                    seconds = time.perf_counter() - started
                    counts = emulator.stats()["requests"]
                results[who] = (seconds, sum(counts.values()))
    (s_wall, s_requests), (a_wall, a_requests) = results["script"], results["apply"]
    return [
        f"{depositions} depositions x {files} files, first upload",
        f"  sequential requests script {s_wall:.2f} s, {s_requests} requests; "
        f"apply {a_wall:.2f} s, {a_requests} requests",
        f"  apply / script: wall {a_wall / s_wall:.2f}x, requests {a_requests / s_requests:.2f}x",
    ]


def requests_per_deposition(sizes: list[int]) -> list[str]:
    lines = ["requests per deposition (--publish, 1 file each): first / one file changed / no-op"]
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            base = Path(tmp)
            os.environ["ZENODEPLOY_CACHE_DIR"] = str(base / "cache")
            manifest = write_manifest(base, size, 1)
            totals = []
            with start(base / "server") as emulator:
                for step in ("first", "changed", "no-op"):
                    if step == "changed":
                        (base / "d000-00.csv").write_text("one file of one deposition changed\n")
                    _, counts, _, _ = run_apply(emulator, manifest, parallel=4, publish=True)
                    totals.append(sum(counts.values()))
        per = " / ".join(f"{t / size:.2f}" for t in totals)
        raw = " / ".join(str(t) for t in totals)
        lines.append(f"  {size:>5} depositions: {per}  (requests: {raw})")
    return lines


def paced(depositions: int, files: int, limit: int, window: int) -> list[str]:
    rate = f"{limit} per {window} seconds"
    seconds, requests, refused = job(depositions, files, rate)
    minimum = (requests - 1) // limit * window
    return [
        f"{depositions} depositions x {files} files under {rate}",
        f"  {requests} requests, {refused} x 429, wall {seconds:.1f} s, moving-window minimum {minimum} s",
        f"  wall / minimum = {seconds / minimum:.3f}x (target <= 1.10x, 0 x 429)",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, about a minute")
    args = parser.parse_args()
    os.environ["ZENODO_TOKEN"] = LOCAL_TOKEN
    quick = args.quick
    sections = [
        lambda: upload(256 if quick else 2048, 1 if quick else 3),
        lambda: many_files(5, 10) if quick else many_files(20, 50),
        lambda: requests_per_deposition([10, 100] if quick else [10, 100, 1000]),
        lambda: paced(20, 5, 100, 10 if quick else 60),
    ]
    for section in sections:
        print("\n".join(section()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
