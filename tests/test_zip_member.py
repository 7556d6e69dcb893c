"""Reading a file inside a zip in place (model.ZipMember): the same bytes as zipfile gives, any
size and compression, and a damaged or rewritten archive refused rather than misread."""

from __future__ import annotations

import os
import random
import zipfile
from pathlib import Path

import pytest

from zenodeploy.content.crate import open_crate
from zenodeploy.errors import FilesError
from zenodeploy.model import ZipMember

CONTENTS = {
    "empty.txt": b"",
    "small.txt": "naïve 東京\n".encode(),
    "zeros.bin": bytes(5 << 20),  # inflates far beyond one read: the decompressor keeps input back
    "random.bin": random.Random(1).randbytes(3 << 20),
}


def member(archive: Path, name: str) -> ZipMember:
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo(name)
    st = archive.stat()
    return ZipMember(
        archive, name, info.file_size, info.CRC, info.header_offset, info.compress_type, info.compress_size,
        (st.st_size, st.st_mtime_ns),
    )  # fmt: skip


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
@pytest.mark.parametrize("name", sorted(CONTENTS))
def test_a_member_reads_as_zipfile_reads_it(tmp_path: Path, method: int, name: str) -> None:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w", compression=method) as z:
        for key, data in CONTENTS.items():
            z.writestr(key, data)
    with member(archive, name).open() as stream:
        assert stream.read() == CONTENTS[name]
    with member(archive, name).open() as stream:  # in small pieces too
        pieces = iter(lambda: stream.read(1000), b"")
        assert b"".join(pieces) == CONTENTS[name]


def test_a_rewritten_archive_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "a.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("x.txt", b"one")
    old = member(archive, "x.txt")
    with zipfile.ZipFile(archive, "a") as z:
        z.writestr("y.txt", b"two")
    with pytest.raises(OSError, match="changed since it was read"):
        old.open()


def test_an_unpacked_crate_may_not_link_out(tmp_path: Path) -> None:
    crate = tmp_path / "crate"
    (crate / "s1").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", crate / "s1" / "data.txt")
    (crate / "ro-crate-metadata.json").write_text(
        '{"@graph": [{"@id": "ro-crate-metadata.json", "about": {"@id": "./"}},'
        ' {"@id": "./", "@type": "Dataset", "hasPart": [{"@id": "./s1/"}]},'
        ' {"@id": "./s1/", "@type": "Dataset", "hasPart": [{"@id": "./s1/data.txt"}]}]}',
        encoding="utf-8",
    )
    opened = open_crate(crate, "samples.lab.eln")
    with pytest.raises(
        FilesError, match=r"links `./s1/data.txt` to .*secret.txt, outside the crate"
    ) as caught:
        opened.source("s1/data.txt", "./s1/data.txt")
    assert caught.value.path == "samples.lab.eln"
