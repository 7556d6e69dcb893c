"""Two applies of one manifest at once leave one record per deposition: on one machine the run
lock makes the second stop (or queue with --wait); across machines the twin check after each
create keeps the record created first and the other run deletes its own draft."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

from zenodeploy.cli import cli
from zenodeploy.emulator import LOCAL_TOKEN, Emulator
from zenodeploy.errors import ConflictError
from zenodeploy.reconcile.runlock import exclusive
from zenodeploy.reconcile.twins import LeftToOtherRun, Twins
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.records import RecordDoc

BENCH = Path(__file__).resolve().parents[2] / "bench" / "concurrent_applies.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("concurrent_applies", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_second_apply_on_this_machine_stops_and_names_the_first(
    manifest: Path, emulator: Emulator, writes: Any
) -> None:
    emulator.reset_stats()
    with exclusive(manifest):
        args = ["apply", str(manifest), "--server", emulator.url, "--token-env", "ZENODO_TOKEN", "--yes"]
        result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert (
        f"another zenodeploy apply of {manifest} is running (pid {os.getpid()} on {socket.gethostname()}"
        in message
    )
    assert "pass --wait to start when it is done" in message
    assert sum(emulator.stats()["requests"].values()) == 0


def test_wait_queues_behind_the_running_apply(manifest: Path, emulator: Emulator) -> None:
    command = [sys.executable, "-m", "zenodeploy", "apply", str(manifest), "--server", emulator.url]
    command += ["--token-env", "ZENODO_TOKEN", "--yes", "--wait"]
    with exclusive(manifest):
        waiting = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert waiting.stderr is not None
        first = waiting.stderr.readline()  # blocks until it queues, however slow the start-up
        assert "waiting for the other apply of" in first, first
        time.sleep(0.5)
        assert waiting.poll() is None  # still queued
        assert sum(emulator.stats()["requests"].values()) == 0
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, first + err
    assert "hello-zenodo" in out


def test_the_run_lock_is_per_manifest_and_shard(tmp_path: Path) -> None:
    with (
        exclusive(tmp_path / "a.yaml"),
        exclusive(tmp_path / "b.yaml"),
        exclusive(tmp_path / "a.yaml", scope="1/2"),
    ):
        pass
    with (
        exclusive(tmp_path / "a.yaml"),
        pytest.raises(ConflictError, match="another zenodeploy apply"),
        exclusive(tmp_path / "a.yaml"),
    ):
        pass


def _draft(client: ZenodoClient, title: str) -> RecordDoc:
    body = {"metadata": {"title": title, "resource_type": {"id": "dataset"}}, "files": {"enabled": True}}
    return RecordDoc.parse(client.create_draft(body))


def test_the_twin_created_first_stays_and_the_later_one_is_deleted(emulator: Emulator) -> None:
    with ZenodoClient(emulator.url, LOCAL_TOKEN) as client:
        older = _draft(client, "Old namesake")  # made before the runs began: never a twin
        ours, theirs = Twins(client), Twins(client)
        first = theirs.create("k", "Same title", lambda: _draft(client, "Same title"))
        with pytest.raises(
            LeftToOtherRun, match=f"another run created record {first.id} for this deposition"
        ):
            ours.create("k", "Same title", lambda: _draft(client, "Same title"))
        theirs.before_publish("k", first, "Same title")  # the first stays: nothing happens
        left = [h["id"] for h in client.search_user_records('metadata.title:"Same title"')]
        assert left == [first.id]
        # Two depositions of one run may share a title: a run never discards its own records.
        again = theirs.create("k2", "Same title", lambda: _draft(client, "Same title"))
        assert {h["id"] for h in client.search_user_records(None)} == {older.id, first.id, again.id}
        time.sleep(0.05)
        later = Twins(client, margin=0.0)  # a run that began after "Old namesake" was made
        later.create("k3", "Old namesake", lambda: _draft(client, "Old namesake"))  # no twin: kept


@pytest.mark.slow
def test_two_runners_leave_one_record_per_deposition(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each process has its own copy of the project and its own cache (no shared lock), as two CI
    jobs would; one trial here, ``bench/concurrent_applies.py`` runs twenty of each mode."""
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)
    result = _bench().trial("two-runners", 10, tmp_path)
    assert result["ok"], result
    assert result["converged"], result


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["same-machine", "two-runners"])
def test_concurrent_applies_in_three_trials(tmp_path: Path, mode: str) -> None:
    for n in range(3):
        result = _bench().trial(mode, 10, tmp_path / str(n))
        assert result["ok"] and result["converged"], result
        if mode == "same-machine":
            assert result["codes"] == [0, 0], result  # the second waited, then found nothing to do
