"""Two ``apply --yes --publish`` of one manifest at the same time: records per deposition afterwards.

Target: exactly one record per deposition in every trial.

* ``same-machine``: both processes apply the same project folder with the same user cache, so
  they share the run lock; each is given ``--wait`` (without it the second stops at once).
* ``two-runners``: each process applies its own copy of the project with its own cache folder,
  as two CI jobs on two machines would: no shared lock, so the twin check after each create
  (and before each publish) is what keeps one record per deposition.

Each trial starts a fresh emulator (no rate limit) and a generated manifest of one small file per
deposition; both applies run as subprocesses, started together. Usage:
    .venv/bin/python bench/concurrent_applies.py [--trials 20] [--depositions 10]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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

MODES = ("same-machine", "two-runners")


def write_project(base: Path, count: int) -> Path:
    base.mkdir(parents=True)
    lines = ["version: 1", "defaults:", "  resource_type: dataset", "  license: cc-by-4.0"]
    lines += ["  creators:", "    - {family: Doe, given: Jane}", "depositions:"]
    for i in range(count):
        (base / f"d{i:03d}.csv").write_text(f"deposition,value\n{i},{i * i}\n")
        lines += [f"  - key: dep-{i:03d}", f"    title: Concurrent deposition {i}"]
        lines += [f"    description: Deposition {i}.", f"    files: [d{i:03d}.csv]"]
    (base / "zenodeploy.yaml").write_text("\n".join(lines) + "\n")
    return base / "zenodeploy.yaml"


def launch(emulator: Emulator, manifest: Path, cache: Path, extra: list[str]) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "zenodeploy", "apply", str(manifest), "--server", emulator.url]
    command += ["--token-env", "ZENODO_TOKEN", "--yes", "--publish", "--format", "json", *extra]
    env = {**os.environ, "ZENODO_TOKEN": LOCAL_TOKEN, "ZENODEPLOY_CACHE_DIR": str(cache)}
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def settled(emulator: Emulator, manifest: Path, cache: Path) -> bool:
    """Whether ``plan --detailed-exitcode`` of this copy finds nothing left to do (exit 0)."""
    command = [sys.executable, "-m", "zenodeploy", "plan", str(manifest), "--server", emulator.url]
    command += ["--token-env", "ZENODO_TOKEN", "--publish", "--detailed-exitcode"]
    env = {**os.environ, "ZENODO_TOKEN": LOCAL_TOKEN, "ZENODEPLOY_CACHE_DIR": str(cache)}
    return subprocess.run(command, env=env, capture_output=True, check=False).returncode == 0


def records(emulator: Emulator) -> list[RecordDoc]:
    with ZenodoClient(emulator.url, LOCAL_TOKEN) as client:
        return [RecordDoc.parse(h) for h in client.search_user_records(None, all_versions=True)]


def trial(mode: str, count: int, base: Path) -> dict[str, Any]:
    """One trial: both applies, then the server's records counted by title."""
    first = write_project(base / "a", count)
    second = first
    if mode == "two-runners":
        shutil.copytree(base / "a", base / "b")
        second = base / "b" / "zenodeploy.yaml"
    caches = (base / "cache-a", base / "cache-b" if mode == "two-runners" else base / "cache-a")
    with start(base / "server") as emulator:
        started = time.perf_counter()
        procs = [launch(emulator, m, c, ["--wait"]) for m, c in zip((first, second), caches, strict=True)]
        outputs = [p.communicate() for p in procs]
        seconds = time.perf_counter() - started
        pairs = list(zip((first, second), caches, strict=True))
        converged = all(settled(emulator, m, c) for m, c in pairs)
        rerun = not converged  # a run stopped by the other is completed by its next run
        if rerun:
            for manifest, cache in pairs:
                launch(emulator, manifest, cache, []).communicate()
            converged = all(settled(emulator, m, c) for m, c in pairs)
        found = records(emulator)
    states: Counter[str] = Counter()
    errors = []
    for out, err in outputs:
        try:
            depositions = json.loads(out)["depositions"]
        except (ValueError, KeyError):
            states["(no output)"] += 1
            errors.append(err.strip().splitlines()[-1] if err.strip() else "no output")
            continue
        states.update(d["state"] for d in depositions)
        errors += [f"{d['key']}: {d['error']}" for d in depositions if d.get("error")]
    by_title = Counter(r.title for r in found)
    published = sum(1 for r in found if r.published_record)
    ok = len(by_title) == count and set(by_title.values()) == {1} and published == count
    return {
        "ok": ok,
        "converged": converged,
        "rerun": rerun,
        "codes": [p.returncode for p in procs],
        "records": len(found),
        "published": published,
        "states": dict(states),
        "seconds": seconds,
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--depositions", type=int, default=10)
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    args = parser.parse_args(argv)
    failed = False
    for mode in args.modes:
        good, left, failed_runs, converged, reruns = 0, 0, 0, 0, 0
        for n in range(1, args.trials + 1):
            with tempfile.TemporaryDirectory() as tmp:
                result = trial(mode, args.depositions, Path(tmp))
            good += result["ok"]
            converged += result["converged"]
            reruns += result["rerun"]
            left += result["states"].get("left to another run", 0)
            failed_runs += sum(1 for code in result["codes"] if code != 0)
            print(
                f"{mode:<12} trial {n:>2}: exit {result['codes']}, {result['records']} records, "
                f"{result['published']} published, states {result['states']}, {result['seconds']:.1f} s"
                + ("" if result["ok"] else "  DUPLICATES OR MISSING"),
                flush=True,
            )
            for error in result["errors"]:
                print(f"    {error[:160]}")
        failed = failed or good != args.trials or converged != args.trials
        print(
            f"{mode}: exactly one published record per deposition in {good} of {args.trials} trials "
            f"({args.depositions} depositions); {left} twin drafts discarded; {failed_runs} of "
            f"{2 * args.trials} runs exited non-zero; plan finds nothing left to do after "
            f"{converged} of {args.trials} trials ({reruns} needed one more apply of each copy first)",
            flush=True,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
