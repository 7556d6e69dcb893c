"""--shard I/N and ``lock merge``: a deterministic split by key, lock fragments, merged = one run."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from zenodeploy.cli import cli
from zenodeploy.emulator import LOCAL_TOKEN, Emulator
from zenodeploy.errors import ConfigError, UsageError
from zenodeploy.reconcile.lock import Lock, LockEntry, merge
from zenodeploy.reconcile.shard import Shard, fragments, shard_of

KEYS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta")


def test_every_key_is_in_exactly_one_shard() -> None:
    keys = [f"study-{i:03d}" for i in range(50)]
    for count in range(1, 6):
        shards = [Shard(i, count).select(keys) for i in range(1, count + 1)]
        assert sorted(k for shard in shards for k in shard) == keys
        if count > 1:
            assert all(shards), f"an empty shard among {count} for 50 keys"


def test_the_split_is_the_documented_hash_not_pythons_salted_hash() -> None:
    # sha256 of the key, first 8 bytes big-endian, mod N, 1-based: the same on every runner.
    assert [shard_of(k, 2) for k in KEYS] == [1, 2, 1, 2, 2, 1]
    assert [shard_of(k, 3) for k in KEYS] == [3, 1, 1, 2, 3, 2]


@pytest.mark.parametrize("text", ["0/2", "3/2", "1/0", "x", "1-2", "", "-1/2"])
def test_bad_shard_specs_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError, match="--shard"):
        Shard.parse(text)


def test_parse_and_fragment_name() -> None:
    shard = Shard.parse(" 2 / 4 ")
    assert (shard.index, shard.count, str(shard)) == (2, 4, "2/4")
    assert shard.fragment(Path("d/zenodeploy.yaml")) == Path("d/zenodeploy.yaml.lock.shard-2-of-4")


@pytest.mark.parametrize("command", ["plan", "apply", "status"])
def test_cli_rejects_an_out_of_range_shard_with_exit_2(command: str, tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path)
    result = CliRunner().invoke(cli, [command, str(manifest), "--shard", "3/2"])
    assert result.exit_code == 2
    assert "1 <= I <= N" in result.stderr


def test_merge_lets_fragments_replace_the_main_lock_but_not_contradict_each_other(tmp_path: Path) -> None:
    main = tmp_path / "m.yaml.lock"
    Lock(main, {"s": {"a": LockEntry("1"), "b": LockEntry("2")}}).save()
    one, two = tmp_path / "m.yaml.lock.shard-1-of-2", tmp_path / "m.yaml.lock.shard-2-of-2"
    Lock(one, {"s": {"a": LockEntry("10", parent_id="1")}}).save()
    Lock(two, {"s": {"c": LockEntry("3")}}).save()
    merged = merge(main, [one, two])
    assert merged.entries("s") == {
        "a": LockEntry("10", parent_id="1"),
        "b": LockEntry("2"),
        "c": LockEntry("3"),
    }
    assert Lock.load(main).to_json() == merged.to_json()
    Lock(two, {"s": {"a": LockEntry("11")}}).save()
    before = main.read_text()
    with pytest.raises(ConfigError, match="disagree about 'a'"):
        merge(main, [one, two])
    assert main.read_text() == before


def test_layered_lock_reads_main_then_fragment_and_writes_only_the_fragment(tmp_path: Path) -> None:
    main, fragment = tmp_path / "m.lock", tmp_path / "m.lock.shard-1-of-2"
    Lock(main, {"s": {"a": LockEntry("1"), "b": LockEntry("2")}}).save()
    Lock(fragment, {"s": {"b": LockEntry("20")}}).save()
    lock = Lock.layered(main, fragment)
    assert (lock.get("s", "a"), lock.get("s", "b")) == (LockEntry("1"), LockEntry("20"))
    lock.set("s", "a", LockEntry("1"))  # unchanged: nothing written
    lock.set("s", "c", LockEntry("3"))
    assert Lock.load(fragment).get("s", "c") == LockEntry("3")  # durable at once, in the journal
    lock.compact()
    assert not lock.journal.exists()
    assert json.loads(fragment.read_text())["servers"] == {
        "s": {"b": {"record_id": "20"}, "c": {"record_id": "3"}}
    }
    assert json.loads(main.read_text())["servers"]["s"] == {"a": {"record_id": "1"}, "b": {"record_id": "2"}}


# --- against the emulator -------------------------------------------------------------------------


def write_manifest(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    depositions = []
    for key in KEYS:
        (directory / f"{key}.csv").write_text(f"sample,value\n{key},1\n", "utf-8")
        depositions.append(
            f"""  - key: {key}
    title: Study {key}
    files: [{key}.csv]
"""
        )
    manifest = directory / "zenodeploy.yaml"
    manifest.write_text(
        """version: 1
defaults:
  resource_type: dataset
  creators:
    - {family: Carberry, given: Josiah, orcid: 0000-0002-1825-0097}
  license: cc-by-4.0
  description: One study of the sharding test.
depositions:
"""
        + "".join(depositions),
        "utf-8",
    )
    return manifest


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The six-study manifest, with the emulator's token in ZENODO_TOKEN."""
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)
    return write_manifest(tmp_path / "project")


def test_sharded_applies_cover_every_key_once_and_merge_equals_a_single_run(
    emulator: Emulator, manifest: Path, run: Callable[..., Any], writes: Callable[..., int]
) -> None:
    lock = manifest.with_name("zenodeploy.yaml.lock")
    applied: list[str] = []
    for index in (1, 2):
        out = run(emulator, "apply", str(manifest), "--shard", f"{index}/2", "--yes")
        keys = [d["key"] for d in out["depositions"]]
        assert keys == [k for k in KEYS if shard_of(k, 2) == index]
        applied += keys
    assert sorted(applied) == sorted(KEYS)
    assert not lock.exists()  # parallel jobs never write the same file
    parts = fragments(manifest)
    assert [p.name for p in parts] == [
        "zenodeploy.yaml.lock.shard-1-of-2",
        "zenodeploy.yaml.lock.shard-2-of-2",
    ]
    for index, part in enumerate(parts, start=1):
        (entries,) = json.loads(part.read_text())["servers"].values()
        assert sorted(entries) == sorted(k for k in KEYS if shard_of(k, 2) == index)

    # A sharded plan reads the main lock then its fragment: it finds its records, no changes.
    planned = run(emulator, "plan", str(manifest), "--shard", "2/2")
    assert {p["found_by"] for p in planned} == {"lock"}
    assert not any(p["changes"] for p in planned)

    merged = CliRunner().invoke(cli, ["lock", "merge", str(manifest), "--delete"], catch_exceptions=False)
    assert merged.exit_code == 0, merged.output
    assert not fragments(manifest)
    merged_lock = json.loads(lock.read_text())
    assert sorted(next(iter(merged_lock["servers"].values()))) == sorted(KEYS)

    emulator.reset_stats()
    full = run(emulator, "apply", str(manifest), "--yes")
    assert writes(emulator) == 0
    assert all(d["actions"] == [] for d in full["depositions"])
    assert json.loads(lock.read_text()) == merged_lock

    status = run(emulator, "status", str(manifest), "--shard", "1/2")
    assert [row["key"] for row in status] == [k for k in KEYS if shard_of(k, 2) == 1]


def test_an_empty_shard_does_nothing(
    emulator: Emulator, manifest: Path, run: Callable[..., Any], writes: Callable[..., int]
) -> None:
    empty = next(i for i in range(1, 21) if not any(shard_of(k, 20) == i for k in KEYS))
    out = run(emulator, "apply", str(manifest), "--shard", f"{empty}/20", "--yes")
    assert out["depositions"] == []
    assert writes(emulator) == 0


def test_lock_merge_without_fragments_is_a_usage_error(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path)
    result = CliRunner().invoke(cli, ["lock", "merge", str(manifest)])
    assert result.exit_code == 2
    assert "no lock fragments" in result.stderr
