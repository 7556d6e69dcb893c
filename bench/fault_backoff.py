"""First-run time of an apply under a seeded mix of 503/429/502 faults: back-off before and after.

*before*: a 503's ``Retry-After`` held every thread of the run (as a 429's does);
*after*: a 5xx's back-off pauses only the request that got it, a 429's still pauses everyone.

Both runs apply the same generated manifest (one small file per deposition, ``--parallel 4``)
to a fresh emulator given the same fault rules, drawn from ``--seed``: about ``--rate`` of the
GET and PUT requests fail, as a 503 with ``Retry-After: 3`` (60 %), a 502 without (25 %) or a
429 with ``Retry-After: 1`` (15 %). The runs are in-process (the limiter's policy is the one
thing swapped) and sleep for real. Usage:
    .venv/bin/python bench/fault_backoff.py [--depositions 30] [--rate 0.08] [--seed 10]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from click.testing import CliRunner
from concurrent_applies import write_project  # bench/ is the script's folder

from zenodeploy.cli import cli
from zenodeploy.emulator import LOCAL_TOKEN, Emulator, start
from zenodeploy.reconcile import run as reconcile_run
from zenodeploy.zenodo.ratelimit import RateLimiter
from zenodeploy.zenodo.retry import RetryPolicy

Rule = tuple[str, int, int, float | None]  # method, nth, status, Retry-After


class BlockEveryoneOn503(RateLimiter):
    """The policy before the change: a 503's Retry-After held every caller, like a 429's."""

    def release(self, status: int | None, headers: Mapping[str, str] | None) -> float | None:
        asked = super().release(status, headers)
        if status == 503 and asked is not None:
            self.block(asked)
        return asked


def fault_mix(seed: int, count: int, rate: float) -> list[Rule]:
    """Which GET and PUT requests fail, and how: the same list for both policies."""
    rng = random.Random(seed)
    rules: list[Rule] = []
    for method, expected in (("GET", 6 * count), ("PUT", 3 * count)):
        for nth in range(1, expected + 1):
            if rng.random() < rate:
                kind = rng.random()
                if kind < 0.60:
                    rules.append((method, nth, 503, 3.0))
                elif kind < 0.85:
                    rules.append((method, nth, 502, None))
                else:
                    rules.append((method, nth, 429, 1.0))
    return rules


def first_run(emulator: Emulator, manifest: Path, limiter: type[RateLimiter], seed: int) -> dict[str, object]:
    def pacing() -> tuple[RateLimiter, RetryPolicy]:
        return limiter(), RetryPolicy()

    original = reconcile_run.pacing
    reconcile_run.pacing = pacing
    random.seed(seed)  # the jitter of the 502 back-offs
    try:
        args = ["apply", str(manifest), "--server", emulator.url, "--token-env", "ZENODO_TOKEN"]
        args += ["--yes", "--format", "json", "--parallel", "4"]
        started = time.perf_counter()
        result = CliRunner().invoke(cli, args, env={"ZENODO_TOKEN": LOCAL_TOKEN})
        seconds = time.perf_counter() - started
    finally:
        reconcile_run.pacing = original
    depositions = json.loads(result.stdout)["depositions"] if result.stdout.startswith("{") else []
    stats = emulator.stats()
    faults = {k: v for k, v in stats["responses"].items() if k in ("429", "502", "503")}
    return {
        "seconds": seconds,
        "exit": result.exit_code,
        "failed": sum(1 for d in depositions if d.get("error")),
        "requests": sum(stats["requests"].values()),
        "faults": faults,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depositions", type=int, default=30)
    parser.add_argument("--rate", type=float, default=0.08)
    parser.add_argument("--seed", type=int, default=10)
    args = parser.parse_args(argv)
    rules = fault_mix(args.seed, args.depositions, args.rate)
    print(
        f"{args.depositions} depositions, seed {args.seed}: {len(rules)} fault rules on GET/PUT", flush=True
    )
    times = {}
    for label, limiter in (("before", BlockEveryoneOn503), ("after", RateLimiter)):
        with tempfile.TemporaryDirectory() as tmp:
            base = Path(tmp)
            manifest = write_project(base / "project", args.depositions)
            with start(base / "server") as emulator:
                for method, nth, status, retry_after in rules:
                    emulator.add_fault(method, ".", nth=nth, status=status, retry_after=retry_after)
                result = first_run(emulator, manifest, limiter, args.seed)
        times[label] = float(result["seconds"])  # type: ignore[arg-type]
        print(
            f"{label:<7} first run {result['seconds']:.1f} s, exit {result['exit']}, "
            f"{result['failed']} depositions failed, {result['requests']} requests, faults answered "
            f"{result['faults']}",
            flush=True,
        )
    print(f"after/before: {times['after'] / times['before']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
