"""Deterministic archives: byte-identical across runs, machines' clocks and file metadata."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import pytest

from zenodeploy.content import archive
from zenodeploy.content.archive import Member, archive_key, build_archive
from zenodeploy.content.files import resolve_deposition
from zenodeploy.errors import FilesError


def member(path: Path, name: str, data: bytes) -> Member:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return Member(name, path, len(data), hashlib.md5(data).hexdigest())


@pytest.fixture
def members(tmp_path: Path) -> list[Member]:
    src = tmp_path / "src"
    return [
        member(src / "b.jdx", "spectra/b.jdx", b"##TITLE=b\n" * 50),
        member(src / "a.mol", "a.mol", b"molfile\n"),
        member(src / "ü.txt", "notes/ü.txt", b"unicode name\n"),
    ]


def test_archive_is_sorted_stored_with_fixed_time_mode_and_no_extras(
    members: list[Member], tmp_path: Path
) -> None:
    path = build_archive(members, tmp_path / "out")
    with zipfile.ZipFile(path) as zipped:
        infos = zipped.infolist()
        assert [i.filename for i in infos] == ["a.mol", "notes/ü.txt", "spectra/b.jdx"]
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_STORED
            assert info.external_attr >> 16 == 0o100644
            assert info.create_system == 3
            assert info.extra == b""
            assert not info.is_dir()
        assert zipped.comment == b""
        assert zipped.read("spectra/b.jdx") == b"##TITLE=b\n" * 50


def test_same_members_give_byte_identical_archives_after_touching_mtimes(
    members: list[Member], tmp_path: Path
) -> None:
    first = build_archive(members, tmp_path / "one").read_bytes()
    for item in members:
        os.utime(item.source, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
        os.chmod(item.source, 0o600)
    second = build_archive(list(reversed(members)), tmp_path / "two").read_bytes()
    assert first == second


def test_archive_bytes_are_pinned(members: list[Member], tmp_path: Path) -> None:
    # A golden digest: if a Python or platform change alters the layout, this fails, and
    # FORMAT in archive.py must be bumped so cached archives are rebuilt.
    data = build_archive(members, tmp_path).read_bytes()
    assert (
        hashlib.sha256(data).hexdigest() == "456fe649f80485ee544b364cff0f2146bd80ebeafe9b5aca19b7405411bf763a"
    )


def test_unchanged_inputs_are_not_rebuilt(
    members: list[Member], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = build_archive(members, tmp_path)
    assert path.name == f"{archive_key(members)}.zip"

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("a member was read again")

    monkeypatch.setattr(archive, "open", no_open, raising=False)
    assert build_archive(members, tmp_path) == path
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".zip"] == [path.name]


def test_key_changes_with_any_member_detail(members: list[Member]) -> None:
    base = archive_key(members)
    renamed = [
        Member("x.mol", *[getattr(members[1], f) for f in ("source", "size", "md5")]),
        members[0],
        members[2],
    ]
    assert archive_key(renamed) != base
    changed = [Member(members[1].name, members[1].source, 8, "0" * 32), members[0], members[2]]
    assert archive_key(changed) != base
    assert archive_key(list(reversed(members))) == base


def test_member_changed_after_hashing_is_refused_and_leaves_no_file(
    members: list[Member], tmp_path: Path
) -> None:
    members[0].source.write_bytes(b"different bytes of another length")
    with pytest.raises(FilesError, match="changed while it was being packed"):
        build_archive(members, tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []


def test_duplicate_member_names_are_refused(members: list[Member], tmp_path: Path) -> None:
    with pytest.raises(FilesError, match=r"Two files would be stored as `a\.mol`"):
        build_archive([*members, members[1]], tmp_path)


def test_resolve_gives_the_same_archive_md5_after_touching_sources(tmp_path: Path) -> None:
    base = tmp_path / "study"
    for name in ("raw/x.dat", "raw/y/z.dat"):
        (base / name).parent.mkdir(parents=True, exist_ok=True)
        (base / name).write_bytes(name.encode() * 100)
    deposition = {"key": "k", "files": [{"path": "raw", "zip": "raw.zip"}]}

    def md5(build: str) -> str:
        (packed,) = resolve_deposition(
            deposition, base_dir=base, sample_sources={}, where="depositions[0]", build_dir=tmp_path / build
        ).files
        return packed.md5

    first = md5("one")
    for name in ("raw/x.dat", "raw/y/z.dat"):
        os.utime(base / name, ns=(1_000_000_000, 1_000_000_000))
    assert md5("two") == first
