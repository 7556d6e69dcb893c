"""Fault soak: apply ``--publish`` again and again under seeded mixed faults until nothing changes.

Target: converges in a few runs, 0 duplicate records, 0 md5 mismatches.

A fault-free calibration run against a throw-away emulator counts the requests of a first run
per method; the soak emulator then gets fault rules on about ``--rate`` of those requests, drawn
from ``--seed``: a 500/502/503 (503 with ``Retry-After: 1``), a 429 with ``Retry-After: 1``, a
dropped connection part-way through a file upload (PUT), latency (0.2-0.8 s), or a POST that
succeeds but answers 500 (the reply is lost). Rules count matching requests across runs, so the
faults left over from the first run hit the second. Each apply is a subprocess
(``zenodeploy apply … --yes --publish --token-env ZENODO_TOKEN --server URL --format json``);
a run "reports no changes" when it exits 0 and no deposition has an action or an error.
Afterwards ``/api/user/records`` (all versions) is counted per deposition title and each
stored file's md5 compared to the local file's. Usage:
    .venv/bin/python bench/fault_soak.py [--depositions 40] [--files 3] [--rate 0.07] [--seed 7]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from zenodeploy.emulator import LOCAL_TOKEN, Emulator, start
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.records import RecordDoc


def write_project(base: Path, count: int, files: int) -> Path:
    base.mkdir(parents=True)
    lines = ["version: 1", "defaults:", "  resource_type: dataset", "  license: cc-by-4.0"]
    lines += ["  creators:", "    - {family: Doe, given: Jane}", "depositions:"]
    for i in range(count):
        names = []
        for j in range(files):
            name = f"d{i:03d}-{j}.csv"
            rows = "".join(f"{i},{j},{k},{(i * 31 + j * 7 + k) % 97}\n" for k in range(200 + 50 * j))
            (base / name).write_text("deposition,file,row,value\n" + rows)
            names.append(name)
        lines += [f"  - key: dep-{i:03d}", f"    title: Soak deposition {i}"]
        lines += [f"    description: Deposition {i}.", f"    files: [{', '.join(names)}]"]
    (base / "zenodeploy.yaml").write_text("\n".join(lines) + "\n")
    return base / "zenodeploy.yaml"


def apply(emulator: Emulator, manifest: Path, cache: Path) -> tuple[int, list[dict[str, Any]], str]:
    command = [sys.executable, "-m", "zenodeploy", "apply", str(manifest), "--server", emulator.url]
    command += ["--token-env", "ZENODO_TOKEN", "--yes", "--publish", "--format", "json"]
    env = {**os.environ, "ZENODO_TOKEN": LOCAL_TOKEN, "ZENODEPLOY_CACHE_DIR": str(cache)}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    try:
        depositions: list[dict[str, Any]] = json.loads(done.stdout)["depositions"]
    except (ValueError, KeyError):
        depositions = []
    last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    return done.returncode, depositions, last


def fault_rules(seed: int, counts: dict[str, int], rate: float) -> list[dict[str, Any]]:
    """Keyword arguments of ``Emulator.add_fault``, one per faulty request, drawn from ``seed``."""
    rng = random.Random(seed)
    rules: list[dict[str, Any]] = []
    for method in sorted(counts):
        for nth in range(1, counts[method] + 1):
            if rng.random() >= rate:
                continue
            kinds = ("5xx", "5xx", "429", "drop", "drop", "latency") if method == "PUT" else None
            kind = rng.choice(kinds or ("5xx", "5xx", "429", "latency", "lost reply"))
            rule: dict[str, Any] = {"method": method, "path_regex": "^/api/(?!_emulator)", "nth": nth}
            if kind == "drop" and method == "PUT":
                rule.update(path_regex="/content$", drop_after_bytes=rng.randrange(100, 4000))
            elif kind == "latency":
                rule.update(latency=round(rng.uniform(0.2, 0.8), 2))
            elif kind == "429":
                rule.update(status=429, retry_after=1.0)
            elif kind == "lost reply" and method == "POST":
                rule.update(status=500, after=True)
            else:
                status = rng.choice((500, 502, 503))
                rule.update(status=status, retry_after=1.0 if status == 503 else None)
            rules.append(rule)
    return rules


def calibrate(base: Path, count: int, files: int) -> dict[str, int]:
    """Requests per method of a fault-free first run."""
    manifest = write_project(base / "project", count, files)
    with start(base / "server") as emulator:
        code, _, last = apply(emulator, manifest, base / "cache")
        if code != 0:
            raise SystemExit(f"calibration run failed: {last}")
        return dict(emulator.stats()["requests"])


def check(emulator: Emulator, project: Path, count: int) -> tuple[int, int, int]:
    """Extra records, missing depositions and md5 mismatches on the server."""
    with ZenodoClient(emulator.url, LOCAL_TOKEN) as client:
        found = [RecordDoc.parse(h) for h in client.search_user_records(None, all_versions=True)]
    by_title = Counter(r.title for r in found)
    extra = sum(n - 1 for n in by_title.values())
    missing = count - len(by_title)
    mismatches = 0
    for record in found:
        for key, remote in record.files.items():
            local = project / key
            if not local.is_file() or hashlib.md5(local.read_bytes()).hexdigest() != remote.md5:
                mismatches += 1
    return extra, missing, mismatches


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depositions", type=int, default=40)
    parser.add_argument("--files", type=int, default=3)
    parser.add_argument("--rate", type=float, default=0.07)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--max-runs", type=int, default=10)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        counts = calibrate(base / "calibration", args.depositions, args.files)
        rules = fault_rules(args.seed, counts, args.rate)
        kinds = Counter(
            "drop"
            if r.get("drop_after_bytes")
            else "latency"
            if r.get("latency")
            else "lost reply"
            if r.get("after")
            else str(r["status"])
            for r in rules
        )
        print(
            f"{args.depositions} depositions x {args.files} files, seed {args.seed}: first run "
            f"{sum(counts.values())} requests {counts}; {len(rules)} faults {dict(kinds)}",
            flush=True,
        )
        project = base / "soak"
        manifest = write_project(project, args.depositions, args.files)
        started = time.perf_counter()
        runs, converged = 0, False
        with start(base / "server") as emulator:
            for rule in rules:
                emulator.add_fault(**rule)
            while runs < args.max_runs and not converged:
                runs += 1
                run_start = time.perf_counter()
                code, depositions, last = apply(emulator, manifest, base / "cache")
                changed = sum(1 for d in depositions if d.get("actions"))
                failed = sum(1 for d in depositions if d.get("error"))
                converged = code == 0 and len(depositions) == args.depositions and not changed and not failed
                print(
                    f"run {runs}: exit {code}, {changed} depositions changed, {failed} failed, "
                    f"{time.perf_counter() - run_start:.1f} s" + (f"  ({last[:120]})" if code else ""),
                    flush=True,
                )
            seconds = time.perf_counter() - started
            fired = sum(f["fired"] for f in emulator._app.faults.describe())
            emulator.clear_faults()
            extra, missing, mismatches = check(emulator, project, args.depositions)
    print(
        f"runs to converge: {runs if converged else f'not within {runs}'} (the last one a no-op); "
        f"faults fired {fired} of {len(rules)}; duplicates {extra}; missing {missing}; "
        f"md5 mismatches {mismatches}; wall time {seconds:.1f} s"
    )
    return 0 if converged and extra == 0 and missing == 0 and mismatches == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
