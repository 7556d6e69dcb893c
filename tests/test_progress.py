"""Upload progress is kept per (deposition, file): equal file names in different depositions
never share a bar, the total ends at the sum of the sizes, and log lines name the deposition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from zenodeploy.cli import cli
from zenodeploy.cli.progress import Progress
from zenodeploy.emulator import LOCAL_TOKEN, Emulator
from zenodeploy.model import DesiredDeposition, LocalFile
from zenodeploy.reconcile.observe import Observation
from zenodeploy.reconcile.plan import compute_plan

MB = 1_000_000


def _plans(sizes: dict[str, int]) -> list[Any]:
    plans = []
    for key, size in sizes.items():
        f = LocalFile("data.bin", Path("data.bin"), size, "0" * 32)
        record = {"metadata": {"title": key}, "access": {}, "custom_fields": {}}
        plans.append(
            compute_plan(
                DesiredDeposition(key=key, record=record, files=(f,)), Observation(key, None, "none")
            )
        )
    return plans


SIZES = {"study-1": 20 * MB, "study-2": 30 * MB, "study-3": 40 * MB}


def test_three_files_of_one_name_in_three_depositions_add_up_on_the_total_bar() -> None:
    with Progress(_plans(SIZES), enabled=True) as progress:
        for key, size in SIZES.items():
            for _ in range(size // MB):
                progress.update(key, "data.bin", MB)
            progress.done(key, "data.bin")
        assert progress._total.total == progress._total.n == sum(SIZES.values())
        assert {k: bar.total for k, bar in progress._bars.items()} == {
            (k, "data.bin"): s for k, s in SIZES.items()
        }


def test_a_restarted_file_goes_back_and_never_counts_twice() -> None:
    with Progress(_plans({"a": 10 * MB, "b": 10 * MB}), enabled=True) as progress:
        progress.update("a", "data.bin", 6 * MB)
        progress.update("a", "data.bin", -6 * MB)  # the upload started again
        progress.update("a", "data.bin", 12 * MB)  # a retry may report more than the file holds
        progress.update("b", "data.bin", 10 * MB)
        assert progress._total.n == progress.total_sent == 20 * MB


def test_log_lines_name_the_deposition_and_the_files_own_size(capsys: pytest.CaptureFixture[str]) -> None:
    with Progress(_plans(SIZES), enabled=False) as progress:
        for key in SIZES:
            progress.done(key, "data.bin")
    assert capsys.readouterr().err.splitlines() == [
        "uploaded study-1/data.bin (20.0 MB)",
        "uploaded study-2/data.bin (30.0 MB)",
        "uploaded study-3/data.bin (40.0 MB)",
    ]


def test_apply_logs_each_file_with_its_deposition(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)
    entries = []
    for n, size in ((1, 1000), (2, 2000), (3, 3000)):
        (tmp_path / f"s{n}").mkdir()
        (tmp_path / f"s{n}" / "data.bin").write_bytes(bytes([n]) * size)
        entries.append(
            f"  - key: study-{n}\n    title: Study {n}\n    resource_type: dataset\n"
            f"    creators: [{{family: Doe, given: Jane}}]\n    license: cc-by-4.0\n"
            f"    description: Study {n}.\n    files: [s{n}/data.bin]\n"
        )
    manifest = tmp_path / "zenodeploy.yaml"
    manifest.write_text("version: 1\ndepositions:\n" + "".join(entries))
    args = ["apply", str(manifest), "--yes", "--server", emulator.url, "--token-env", "ZENODO_TOKEN"]
    result = CliRunner().invoke(cli, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    logged = sorted(line for line in result.stderr.splitlines() if line.startswith("uploaded "))
    assert logged == [
        "uploaded study-1/s1/data.bin (1.0 kB)",
        "uploaded study-2/s2/data.bin (2.0 kB)",
        "uploaded study-3/s3/data.bin (3.0 kB)",
    ]
