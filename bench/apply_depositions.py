"""Requests and wall time of ``apply``: a first run and a no-op re-run of 1, 10 and 100 depositions.

Targets: a first apply of a deposition with F new files costs F content PUTs + F commits + a
small constant (all of its files are started by one POST); a no-op re-apply makes no write and,
with ``--publish``, costs one search per 100 depositions (at most 3 requests for 100, 15 for
1,000); unpublished drafts are still read one by one (at most 2 GET per deposition).
Each size gets a generated manifest (``--files`` small files per deposition), a cold checksum
cache and a fresh in-process emulator (no rate limit); ``apply`` runs in a subprocess exactly as
a user calls it, so the wall time includes start-up, and the emulator counts the requests. Usage:
    .venv/bin/python bench/apply_depositions.py [--sizes 1 10 100] [--files 1] [--parallel 4] [--publish]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from zenodeploy.emulator import LOCAL_TOKEN, Emulator, start

WRITES = ("POST", "PUT", "DELETE")


def write_manifest(base: Path, count: int, files: int = 1) -> Path:
    lines = [
        "version: 1",
        "defaults:",
        "  resource_type: dataset",
        "  license: cc-by-4.0",
        "  creators:",
        "    - {family: Doe, given: Jane}",
        "  publisher: Zenodo",
        "depositions:",
    ]
    for i in range(count):
        names = [f"d{i:03d}-{f:02d}.csv" for f in range(files)]
        for f, name in enumerate(names):
            (base / name).write_text(f"deposition,file,value\n{i},{f},{i * i}\n")
        lines += [
            f"  - key: dep-{i:03d}",
            f"    title: Benchmark deposition {i}",
            f"    description: Deposition {i} of a generated benchmark manifest.",
            f"    files: [{', '.join(names)}]",
        ]
    manifest = base / "zenodeploy.yaml"
    manifest.write_text("\n".join(lines) + "\n")
    return manifest


def run_apply(
    emulator: Emulator, manifest: Path, parallel: int, publish: bool
) -> tuple[float, dict[str, int], dict, float]:
    """One ``python -m zenodeploy apply`` (start-up included, as a user sees it); returns wall
    seconds, the server's request counts by method, the JSON summary and the client's CPU
    seconds (user + system of the apply process)."""
    emulator.reset_stats()
    command = [sys.executable, "-m", "zenodeploy", "apply", str(manifest), "--server", emulator.url]
    command += ["--token-env", "ZENODO_TOKEN"]  # sent to another server only when named
    command += ["--yes", "--format", "json", "--parallel", str(parallel), *(["--publish"] if publish else [])]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if result.returncode != 0:
        raise SystemExit(f"apply failed ({result.returncode}): {result.stderr}")
    return seconds, dict(emulator.stats()["requests"]), json.loads(result.stdout), cpu


def fmt(counts: dict[str, int]) -> str:
    return " ".join(f"{m}={counts[m]}" for m in sorted(counts)) or "none"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--files", type=int, default=1, help="files per deposition")
    parser.add_argument("--parallel", type=int, default=4)
    parser.add_argument("--publish", action="store_true", help="publish on the first run")
    args = parser.parse_args()
    os.environ["ZENODO_TOKEN"] = LOCAL_TOKEN
    ok = True
    print(f"{'deps':>5} {'run':<7} {'wall s':>7} {'requests':>8}  by method")
    # The server runs in this process (threads): its CPU is not in the client's figure.
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            base = Path(tmp)
            os.environ["ZENODEPLOY_CACHE_DIR"] = str(base / "cache")  # a cold checksum cache
            manifest = write_manifest(base, size, args.files)
            with start(base / "server") as emulator:
                for label in ("first", "no-op"):
                    seconds, counts, summary, cpu = run_apply(emulator, manifest, args.parallel, args.publish)
                    print(f"{size:>5} {label:<7} {seconds:>7.2f} {sum(counts.values()):>8}  {fmt(counts)}")
                    print(f"      client CPU {cpu:.2f} s, {1000 * cpu / size:.1f} ms per deposition")
                    if label == "first":
                        per = sum(counts.values()) / size
                        constant = per - 2 * args.files
                        print(
                            f"      first: {per:.2f} requests per deposition = 2 x {args.files} files + {constant:.2f}"
                        )
                    client = summary["requests"]
                    if client != counts:  # the client's own count must agree with the server's
                        print(f"      client counted {fmt(client)}")
                        ok = False
                writes = sum(counts.get(m, 0) for m in WRITES)
                total = sum(counts.values())
                target = (3 if size <= 100 else 15 * size // 1000) if args.publish else 2 * size
                verdict = "ok" if writes == 0 and total <= target else "FAILED"
                ok = ok and verdict == "ok"
                print(
                    f"      no-op: {total} requests, {total / size:.3f} per deposition (target <= {target}), "
                    f"{writes} writes: {verdict}"
                )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
