"""Wall time of ``apply`` under a rate limit against the moving-window minimum for its requests.

Targets: a job bigger than the budget (default 20 depositions x 5 files under 100 per minute)
gets no 429 and finishes within 10 % of the minimum a moving window allows for its request
count, ``floor((requests - 1) / limit) x window`` (the first ``limit`` go at once, each later
one when the request ``limit`` places before it leaves the window); a job that fits the budget
(``--fits`` depositions) runs as fast as with no limit at all. Each job runs ``apply`` in a
subprocess against a fresh in-process emulator, with a fresh user cache, so the remembered
budget is the job's own. Usage:
    .venv/bin/python bench/pacing.py [--depositions 20] [--files 5] [--fits 7] [--limit 100]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from apply_depositions import run_apply, write_manifest  # bench/ is the script's folder

from zenodeploy.emulator import LOCAL_TOKEN, start

WINDOW = 60.0


def job(depositions: int, files: int, rate_limit: str | None) -> tuple[float, int, int]:
    """Wall seconds, requests and 429s of a first ``apply`` of a generated manifest."""
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        os.environ["ZENODEPLOY_CACHE_DIR"] = str(base / "cache")
        manifest = write_manifest(base, depositions, files)
        with start(base / "server", rate_limit=rate_limit) as emulator:
            seconds, counts, _, _ = run_apply(emulator, manifest, parallel=4, publish=False)
            refused = int(emulator.stats()["responses"].get("429", 0))
    return seconds, sum(counts.values()), refused


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depositions", type=int, default=20)
    parser.add_argument("--files", type=int, default=5)
    parser.add_argument("--fits", type=int, default=7, help="depositions of the job that fits")
    parser.add_argument("--limit", type=int, default=100, help="requests per minute")
    args = parser.parse_args()
    os.environ["ZENODO_TOKEN"] = LOCAL_TOKEN
    limit = f"{args.limit} per minute"
    ok = True
    seconds, requests, refused = job(args.depositions, args.files, limit)
    minimum = (requests - 1) // args.limit * WINDOW
    ratio = seconds / minimum if minimum else float("inf")
    verdict = "ok" if refused == 0 and seconds <= 1.10 * minimum else "FAILED"
    ok = verdict == "ok"
    print(f"over budget: {args.depositions} depositions x {args.files} files under {limit}")
    print(f"  {requests} requests, {refused} x 429, wall {seconds:.1f} s, minimum {minimum:.0f} s")
    print(f"  wall / minimum = {ratio:.3f} (target <= 1.10, 0 x 429): {verdict}")
    free, _, _ = job(args.fits, args.files, None)
    paced, paced_requests, refused = job(args.fits, args.files, limit)
    verdict = "ok" if refused == 0 and paced <= free + 1.0 else "FAILED"
    ok = ok and verdict == "ok"
    print(f"fits the budget: {args.fits} depositions x {args.files} files ({paced_requests} requests)")
    print(f"  under {limit}: {paced:.2f} s, {refused} x 429; no limit: {free:.2f} s: {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
