"""apply at the limits (issue 5): a rate-limited bulk run, a 2 GB upload in constant memory, Ctrl-C.

The bulk test takes over a minute by design (130 requests against 100 per minute); the
others run ``zenodeploy`` in subprocesses, because peak RSS and SIGINT are process-wide.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from generated import generated_manifest

from zenodeploy.cli import cli
from zenodeploy.emulator import LOCAL_TOKEN, Emulator

AUTH = {"Authorization": f"Bearer {LOCAL_TOKEN}"}


def write_manifest(base: Path, count: int, files: dict[str, str] | None = None) -> Path:
    """A manifest of ``count`` depositions; every third has two small files, the others one.

    ``files`` maps a key to the one file (relative to ``base``) that deposition gets instead."""
    entries = []
    for i in range(count):
        key = f"dep-{i:03d}"
        if files and key in files:
            names = [files[key]]
        else:
            folder = base / key
            folder.mkdir(parents=True, exist_ok=True)
            names = []
            for j in range(2 if i % 3 == 0 else 1):
                (folder / f"part-{j}.csv").write_text(f"deposition,part\n{i},{j}\n")
                names.append(f"{key}/part-{j}.csv")
        entries.append((key, f"Generated deposition {i}", names))
    return generated_manifest(base, entries)


@pytest.mark.slow  # over a minute by design
def test_bulk_apply_under_100_per_minute_never_gets_429(
    make_emulator: Callable[..., Emulator],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    writes: Callable[..., int],
) -> None:
    limited = make_emulator(rate_limit=100)
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)
    manifest = write_manifest(tmp_path / "bulk", 20)
    args = [
        "apply",
        str(manifest),
        "--server",
        limited.url,
        "--token-env",
        "ZENODO_TOKEN",
        "--yes",
        "--format",
        "json",
    ]
    first = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    stats = limited.stats()
    assert sum(stats["requests"].values()) > 100  # more than a minute's budget: pacing was needed
    assert "429" not in stats["responses"], stats["responses"]
    outcomes = json.loads(first.stdout)["depositions"]
    assert len(outcomes) == 20 and {o["state"] for o in outcomes} == {"draft"}
    assert len({o["record_id"] for o in outcomes}) == 20
    mine = requests.get(f"{limited.url}/api/user/records", headers=AUTH, params={"size": 100}, timeout=10)
    assert mine.json()["hits"]["total"] == 20
    limited.reset_stats()
    second = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert second.exit_code == 0, second.output
    stats = limited.stats()
    assert writes(stats) == 0 and "429" not in stats["responses"], stats
    assert all(o["actions"] == [] for o in json.loads(second.stdout)["depositions"])


ADMIN = "admin-secret"
ADMIN_AUTH = {"Authorization": f"Bearer {ADMIN}"}


class ServerProcess:
    """``zenodeploy emulator`` in a subprocess; its admin endpoints drive faults and stats."""

    def __init__(self, data: Path) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                *("zenodeploy", "emulator", "--port", "0", "--data", str(data), "--admin-token", ADMIN),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.proc.stdout is not None
        self.url = self.proc.stdout.readline().strip()
        assert self.url.startswith("http://127.0.0.1:"), self.url

    def admin(self, method: str, path: str, body: dict | None = None) -> dict:
        answer = requests.request(
            method, f"{self.url}/api/_emulator/{path}", json=body, headers=ADMIN_AUTH, timeout=10
        )
        answer.raise_for_status()
        return dict(answer.json())

    def get(self, path: str, **params: str) -> dict:
        answer = requests.get(f"{self.url}{path}", headers=AUTH, params=params, timeout=60)
        answer.raise_for_status()
        return dict(answer.json())

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.communicate()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    running = ServerProcess(tmp_path / "server")
    yield running
    running.stop()


def start_apply(manifest: Path, url: str, *extra: str) -> subprocess.Popen[str]:
    command = [
        sys.executable,
        "-m",
        "zenodeploy",
        "apply",
        str(manifest),
        "--server",
        url,
        "--token-env",
        "ZENODO_TOKEN",
        "--yes",
        *extra,
    ]
    env = {**os.environ, "ZENODO_TOKEN": LOCAL_TOKEN}
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def stop_process(proc: subprocess.Popen[str]) -> None:
    """Kill a child a failed assertion left running, and close its pipes."""
    if proc.returncode is None and proc.poll() is None:
        proc.kill()
    proc.communicate()


def apply_json(manifest: Path, url: str) -> dict:
    proc = start_apply(manifest, url, "--format", "json")
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return dict(json.loads(out))


def high_water_kib(pid: int) -> int:
    """The peak resident memory of a running process so far (0 once it has exited)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@pytest.mark.slow  # 2 GiB through loopback
def test_two_gigabyte_upload_keeps_the_client_under_100_mb(
    server: ServerProcess, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    big = tmp_path / "big" / "volume.img"
    big.parent.mkdir()
    with big.open("wb") as handle:
        handle.truncate(2 * 1024**3)  # sparse: no disk space, but every byte is read and sent
    manifest = write_manifest(tmp_path / "big", 1, files={"dep-000": big.name})
    proc = start_apply(manifest, server.url, "--format", "json")
    request.addfinalizer(lambda: stop_process(proc))
    # VmHWM, not ru_maxrss: Linux carries the forking parent's (pytest's) high-water mark
    # across exec into the child's ru_maxrss, which then measures pytest, not apply.
    peak_kib = 0
    while proc.poll() is None:
        peak_kib = max(peak_kib, high_water_kib(proc.pid))
        time.sleep(0.05)
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert 30_000 < peak_kib < 100 * 1024, f"apply peaked at {peak_kib / 1024:.0f} MB"
    record_id = json.loads(out)["depositions"][0]["record_id"]
    entries = server.get(f"/api/records/{record_id}/draft/files")["entries"]
    assert [(e["key"], e["size"]) for e in entries] == [("volume.img", 2 * 1024**3)]
    assert entries[0]["checksum"] == f"md5:{md5_of(big)}"


@pytest.mark.slow
def test_ctrl_c_during_an_upload_exits_130_and_the_next_run_finishes(
    server: ServerProcess, tmp_path: Path, request: pytest.FixtureRequest, writes: Callable[..., int]
) -> None:
    manifest = write_manifest(tmp_path / "project", 1)
    server.admin("POST", "faults", {"method": "PUT", "path_regex": "/content$", "latency": 60})
    proc = start_apply(manifest, server.url)
    request.addfinalizer(lambda: stop_process(proc))
    deadline = time.monotonic() + 60
    while not server.admin("GET", "faults")["faults"][0]["fired"]:  # the content PUT has arrived
        assert proc.poll() is None and time.monotonic() < deadline, "apply never reached the upload"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)  # well before the 60 s latency ends
    assert proc.returncode == 130, err
    assert "interrupted: the next run will finish what this one started." in err
    assert "Traceback" not in err
    server.admin("DELETE", "faults")
    second = apply_json(manifest, server.url)
    assert second["depositions"][0]["state"] == "draft" and second["depositions"][0]["actions"]
    server.admin("POST", "stats/reset")
    third = apply_json(manifest, server.url)
    assert third["depositions"][0]["actions"] == []
    assert writes(server.admin("GET", "stats")) == 0
    hits = server.get("/api/user/records", allversions="true")["hits"]["hits"]
    assert [h["metadata"]["title"] for h in hits] == ["Generated deposition 0"]
    files = server.get(f"/api/records/{hits[0]['id']}/draft/files")["entries"]
    assert sorted(e["key"] for e in files) == ["dep-000/part-0.csv", "dep-000/part-1.csv"]


def test_an_hourly_limit_stops_the_run_with_the_time_to_come_back(
    make_emulator: Callable[..., Emulator], manifest: Path
) -> None:
    """Zenodo's limits are per minute and per hour ("5000 per hour;100 per minute"): a spent hour
    asks for a pause of up to 3600 s, which the run refuses past --max-wait instead of blocking
    silently for an hour."""
    emulator = make_emulator(rate_limit="3 per hour;100 per minute")
    started = time.monotonic()
    target = ["--server", emulator.url, "--token-env", "ZENODO_TOKEN"]
    result = CliRunner().invoke(cli, ["apply", str(manifest), *target, "--yes", "--max-wait", "60"])
    assert time.monotonic() - started < 30
    assert result.exit_code == 1, result.output
    assert "min pause before the next request" in result.output
    assert re.search(
        r"run the same command again after \d\d:\d\d UTC, or let it wait with --max-wait 3[56]\d\d",
        result.output,
    )
