"""Upload a 1 GB file through the emulator with plain ``requests``; print throughput and server RSS growth.

Targets (issue 3): > 200 MB/s on loopback, peak RSS growth of the server < 50 MB.
The emulator runs as ``zenodeploy emulator`` in a subprocess; its peak RSS is read from
/proc/PID/status (VmHWM) before and after the upload. Usage:
    .venv/bin/python bench/emulator_upload.py [--size-mb 1024] [--chunked]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

TOKEN = "zenodeploy-local"


def kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not found for {pid}")


def make_file(path: Path, size_mb: int) -> str:
    md5 = hashlib.md5()
    block = bytes(range(256)) * 4096  # 1 MiB, not all zeros
    with path.open("wb") as out:
        for i in range(size_mb):
            chunk = block[i % 256 :] + block[: i % 256]
            md5.update(chunk)
            out.write(chunk)
    return md5.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--chunked", action="store_true", help="send with Transfer-Encoding: chunked")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "big.bin"
        expected = make_file(source, args.size_mb)
        server = subprocess.Popen(
            [sys.executable, "-m", "zenodeploy", "emulator", "--data", str(Path(tmp) / "data")],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip()
            session = requests.Session()
            session.headers.update(
                Authorization=f"Bearer {TOKEN}", Accept="application/vnd.inveniordm.v1+json"
            )
            draft = session.post(f"{url}/api/records", json={}, timeout=30).json()
            files = f"{url}/api/records/{draft['id']}/draft/files"
            session.post(files, json=[{"key": "big.bin"}], timeout=30).raise_for_status()
            before_hwm, before_rss = kib(server.pid, "VmHWM"), kib(server.pid, "VmRSS")
            started = time.perf_counter()
            with source.open("rb") as handle:
                body = iter(lambda: handle.read(1024 * 1024), b"") if args.chunked else handle
                put = session.put(
                    f"{files}/big.bin/content",
                    data=body,
                    headers={"Content-Type": "application/octet-stream"},
                    timeout=600,
                )
            elapsed = time.perf_counter() - started
            put.raise_for_status()
            commit = session.post(f"{files}/big.bin/commit", timeout=60).json()
            after_hwm = kib(server.pid, "VmHWM")
            size = source.stat().st_size
            assert commit["checksum"] == f"md5:{expected}", commit
            assert commit["size"] == size
            mode = "chunked" if args.chunked else "content-length"
            print(
                f"uploaded {size / 1e6:.0f} MB ({mode}) in {elapsed:.2f} s: {size / 1e6 / elapsed:.0f} MB/s"
            )
            print(
                f"server RSS before {before_rss / 1024:.1f} MiB, peak before {before_hwm / 1024:.1f} MiB, "
                f"peak after {after_hwm / 1024:.1f} MiB: growth {(after_hwm - before_hwm) / 1024:.1f} MiB"
            )
            print("checksum verified: md5 matches")
        finally:
            server.terminate()
            server.wait(timeout=30)
            if server.stdout is not None:
                server.stdout.close()


if __name__ == "__main__":
    main()
