"""A big upload with ``zenodeploy apply`` (cold checksum cache) against ``curl -T`` to the same emulator.

Target: apply's wall time, start-up, hashing, create, start, PUT and commit included, within
1.15x curl's PUT of the same bytes to the same content URL. The emulator runs as
``zenodeploy emulator`` in its own process (so neither client shares its GIL); the file is
written first, so both read it from the page cache, and the emulator keeps its blobs in
/dev/shm when there is one (``--disk`` for the temporary folder: disk write-back then adds
noise to both). Runs alternate which client goes first. Client CPU (user + system of the child
process) is printed for both. Usage:
    .venv/bin/python bench/upload_vs_curl.py [--size-mb 2048] [--quick] [--runs 3] [--disk]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

TOKEN = "zenodeploy-local"


def make_file(path: Path, size_mb: int) -> None:
    block = os.urandom(1024 * 1024)
    with path.open("wb") as out:
        for i in range(size_mb):
            out.write(block[i % 4096 :] + block[: i % 4096])


@contextmanager
def emulator(data: Path) -> Iterator[tuple[str, int]]:
    """A ``zenodeploy emulator`` subprocess; yields its base URL and process id."""
    server = subprocess.Popen(
        [sys.executable, "-m", "zenodeploy", "emulator", "--data", str(data)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        yield server.stdout.readline().strip(), server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stdout is not None:
            server.stdout.close()


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and the child's CPU seconds (user + system) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({result.returncode}): {result.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def curl_upload(url: str, source: Path) -> tuple[float, float]:
    """``curl -T`` of ``source`` to the content URL of a fresh draft's file (PUT), then commit."""
    session = requests.Session()
    session.headers.update(Authorization=f"Bearer {TOKEN}", Accept="application/vnd.inveniordm.v1+json")
    try:
        draft = session.post(f"{url}/api/records", json={}, timeout=30).json()
        files = f"{url}/api/records/{draft['id']}/draft/files"
        session.post(files, json=[{"key": source.name}], timeout=30).raise_for_status()
        command = ["curl", "-sS", "--fail", "-o", "/dev/null", "-T", str(source)]
        command += ["-H", f"Authorization: Bearer {TOKEN}", "-H", "Content-Type: application/octet-stream"]
        result = timed([*command, f"{files}/{source.name}/content"])
        committed = session.post(f"{files}/{source.name}/commit", timeout=60).json()
        assert committed["size"] == source.stat().st_size, committed
        return result
    finally:
        session.close()


def apply_upload(url: str, source: Path, work: Path) -> tuple[float, float]:
    """``zenodeploy apply`` of a one-file manifest, with an empty checksum cache."""
    manifest = work / "zenodeploy.yaml"
    manifest.write_text(
        "version: 1\ndepositions:\n  - key: big\n    title: Big upload\n    resource_type: dataset\n"
        "    creators: [{family: Doe, given: Jane}]\n    license: cc-by-4.0\n"
        f"    description: One big file.\n    files: [{source}]\n    allow_outside: true\n"
    )
    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(work / ".zenodeploy", ignore_errors=True)
    for lock in work.glob("*.lock*"):
        lock.unlink()
    env = {**os.environ, "ZENODEPLOY_CACHE_DIR": str(cache), "ZENODO_TOKEN": TOKEN}
    command = [sys.executable, "-m", "zenodeploy", "apply", str(manifest), "--server", url]
    command += ["--token-env", "ZENODO_TOKEN", "--yes", "--format", "json"]
    return timed(command, env)


def measure(size_mb: int, runs: int, *, disk: bool = False) -> tuple[float, float, float, float]:
    """Median wall and CPU seconds of curl, then of apply, over ``runs`` alternating runs."""
    if shutil.which("curl") is None:
        raise SystemExit("curl is not installed (apt-get install curl)")
    shm = None if disk or not Path("/dev/shm").is_dir() else "/dev/shm"
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory(dir=shm) as blobs:
        base = Path(tmp)
        source = base / "big.bin"
        make_file(source, size_mb)
        (base / "work").mkdir()
        curl: list[tuple[float, float]] = []
        ours: list[tuple[float, float]] = []
        with emulator(Path(blobs) / "data") as (url, _):
            for run in range(runs):
                if run % 2:
                    ours.append(apply_upload(url, source, base / "work"))
                curl.append(curl_upload(url, source))
                if not run % 2:
                    ours.append(apply_upload(url, source, base / "work"))
    return (
        statistics.median(w for w, _ in curl),
        statistics.median(c for _, c in curl),
        statistics.median(w for w, _ in ours),
        statistics.median(c for _, c in ours),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=2048)
    parser.add_argument("--runs", type=int, default=3, help="alternating runs of each; medians printed")
    parser.add_argument("--disk", action="store_true", help="emulator blobs in the temporary folder")
    parser.add_argument("--quick", action="store_true", help="256 MiB instead")
    args = parser.parse_args()
    size_mb = 256 if args.quick else args.size_mb
    c_wall, c_cpu, o_wall, o_cpu = measure(size_mb, args.runs, disk=args.disk)
    mb = size_mb * 1024 * 1024 / 1e6
    print(
        f"{size_mb} MiB, median of {args.runs} run(s), emulator blobs {'on disk' if args.disk else 'in /dev/shm'}"
    )
    print(f"curl -T          {c_wall:6.2f} s  {mb / c_wall:5.0f} MB/s  CPU {c_cpu:5.2f} s")
    print(f"zenodeploy apply {o_wall:6.2f} s  {mb / o_wall:5.0f} MB/s  CPU {o_cpu:5.2f} s (cold cache)")
    ratio = o_wall / c_wall
    print(f"ratio apply/curl {ratio:.2f}x (target <= 1.15x): {'ok' if ratio <= 1.15 else 'over'}")
    return 0 if ratio <= 1.15 else 1


if __name__ == "__main__":
    sys.exit(main())
