"""Every real notebook export in tests/data/eln loads: samples, their metadata, and their files
with sizes and md5s equal to the bytes inside the zip (read here with zipfile, independently)."""

from __future__ import annotations

import hashlib
import posixpath
import zipfile
from pathlib import Path
from typing import Any

import pytest

from eln_export import write_export
from zenodeploy.content.files import resolve_deposition
from zenodeploy.content.samples import lookup
from zenodeploy.errors import FilesError

DATA = Path(__file__).parent / "data" / "eln"

# export → (number of samples, a known sample, a subset of its metadata, its files)
CASES: dict[str, tuple[int, str, dict[str, Any], list[str]]] = {
    "elabftw-export.eln": (
        12,
        "Gold master experiment",
        {
            "genre": "experiment",
            "category": "Demo",
            "creativeWorkStatus": "Success",
            "properties.Number with units": "12",
            "units.Number with units": "mM",
            "keywords": [
                "generated from yml",
                "test-data",
                "eln",
                "tag with space",
                "special chars {[éèÀ®]}:*<>×÷±",
            ],
        },
        ["example.jpg"],
    ),
    "kadi4mat-records.eln": (
        1,
        "records-example",
        {"properties.type": "Measurement", "properties.actor.givenName": "Max", "keywords": ["sample"]},
        ["files/example.csv", "files/example.txt", "records-example.json", "records-example.ttl"],
    ),
    "kadi4mat-collections.eln": (
        4,
        "Instrument used in experiment",
        {
            "properties.Instrument.Settings.beam spot size": 1.2,
            "units.Instrument.Settings.beam spot size": "mm",
            "keywords": ["high-resolution electron microscopy", "instrument"],
        },
        [
            "files/Product-flyer_GeminiSEM_360.pdf",
            "files/zeiss_gemini_360_microscope.jpeg",
            "instrument-used-in-experiment.json",
            "instrument-used-in-experiment.ttl",
        ],
    ),
    "sampledb-export.eln": (
        2,
        "OMBE-1",
        {"genre": "sample", "properties.substrate": "GaAs", "properties.dropdown": "Option B"},
        [
            "files.json",
            "files/0/example.txt",
            "files/1/demo.png",
            "versions/0/data.json",
            "versions/0/schema.json",
        ],
    ),
    "rspace-selection.eln": (
        3,
        "doc_Experiment-1-25",
        {"keywords": ["exampleExperimentTag"], "id": "./doc_Experiment-1-25"},
        ["Picture1_1701965472094.png", "doc_Experiment-1-25.xml", "doc_Experiment-1-25_form.xml"],
    ),
    "pasta.eln": (
        9,
        "Data files",
        {"genre": "folder"},
        ["example.tif", "simple.csv", "simple.png"],
    ),
}


def _resolve(tmp_path: Path, export: str, *, base: Path = DATA, **selection: Any) -> Any:
    return resolve_deposition(
        {"key": "k", "samples": {"from": "lab", **selection}},
        base_dir=base,
        sample_sources={"lab": {"eln": export}},
        where="depositions[0]",
        build_dir=tmp_path / "build",
        max_files=None,
    )


def _in_zip(export: Path, sample_id: str) -> dict[str, bytes]:
    """Every file below the sample's folder in the zip, by its path relative to that folder."""
    with zipfile.ZipFile(export) as archive:
        meta = next(n for n in archive.namelist() if n.endswith("ro-crate-metadata.json"))
        folder = posixpath.join(posixpath.dirname(meta), sample_id.removeprefix("./").rstrip("/")) + "/"
        return {
            posixpath.normpath(n)[len(folder) :]: archive.read(n)
            for n in archive.namelist()
            if posixpath.normpath(n).startswith(folder) and not n.endswith("/")
        }


@pytest.mark.parametrize("export", sorted(CASES))
def test_every_shared_export_loads(tmp_path: Path, export: str) -> None:
    count, name, expected, files = CASES[export]
    resolved = _resolve(tmp_path, export)
    assert len(resolved.samples) == count
    sample = next(s for s in resolved.samples if s.name == name)
    for key, value in expected.items():
        assert lookup(sample.metadata, key) == value, key
    assert [f.name for f in sample.files] == [f"{name}/{rel}" for rel in files]
    contents = _in_zip(DATA / export, sample.metadata["id"])
    for f in sample.files:
        data = contents[f.name.removeprefix(f"{name}/")]
        assert f.size == len(data)
        assert f.md5 == hashlib.md5(data, usedforsecurity=False).hexdigest()


def test_authors_come_from_person_nodes(tmp_path: Path) -> None:
    resolved = _resolve(
        tmp_path, "elabftw-export.eln", include=["Gold master experiment"], where={"genre": "none"}
    )
    (sample,) = resolved.samples
    assert sample.metadata["authors"] == [
        {
            "name": "Nicola Mohr",
            "given_name": "Nicola",
            "family_name": "Mohr",
            "orcid": None,
            "affiliation": None,
        }
    ]


def test_where_on_a_notebook_property_selects_samples(tmp_path: Path) -> None:
    resolved = _resolve(
        tmp_path, "kadi4mat-collections.eln", where={"properties.Instrument.Detector.0": "EDT"}
    )
    assert [s.name for s in resolved.samples] == ["Instrument used in experiment"]
    resolved = _resolve(tmp_path, "elabftw-export.eln", where={"keywords": "chemistry"})
    assert sorted(s.name for s in resolved.samples) == [
        "Synthesis and Characterization of a Novel Organic Compound with Antimicrobial Properties",
        "Synthesis of Aspirin",
    ]


def test_per_sample_archives_hold_the_zip_members(tmp_path: Path) -> None:
    resolved = resolve_deposition(
        {
            "key": "k",
            "samples": {"from": "lab", "include": ["OMBE-1"], "where": {"genre": "none"}},
            "pack": "per-sample",
        },
        base_dir=DATA,
        sample_sources={"lab": {"eln": "sampledb-export.eln"}},
        where="depositions[0]",
        build_dir=tmp_path / "build",
    )
    (archive,) = resolved.files
    assert archive.name == "OMBE-1.zip"
    contents = _in_zip(DATA / "sampledb-export.eln", "./objects/1/")
    with zipfile.ZipFile(Path(str(archive.source))) as packed:
        assert {n: packed.read(n) for n in packed.namelist()} == contents


def test_an_unpacked_crate_folder_gives_the_same_samples(tmp_path: Path) -> None:
    with zipfile.ZipFile(DATA / "sampledb-export.eln") as archive:
        archive.extractall(tmp_path / "unpacked")
    resolved = _resolve(tmp_path, "unpacked/sampledb_export", base=tmp_path)
    from_zip = _resolve(tmp_path, "sampledb-export.eln")
    assert [(s.name, [(f.name, f.md5) for f in s.files]) for s in resolved.samples] == [
        (s.name, [(f.name, f.md5) for f in s.files]) for s in from_zip.samples
    ]


def test_non_ascii_names_and_files_with_a_double_slash_in_the_zip(tmp_path: Path) -> None:
    resolved = _resolve(tmp_path, "elabftw-export.eln", where={"keywords": "CJK"})
    assert [s.name for s in resolved.samples] == ["フルーツフライの食性に関する研究"]
    gold = _resolve(
        tmp_path, "elabftw-export.eln", include=["Gold master experiment"], where={"genre": "none"}
    )
    (sample,) = gold.samples
    assert str(sample.files[0].source).endswith(
        "!/2025-09-16-103731-export/Demo - Gold-master-experiment - 4af4da4e//example.jpg"
    )


def test_percent_encoded_ids_name_the_decoded_files(tmp_path: Path) -> None:
    write_export(tmp_path / "n.eln", {"s1": {"name": "one", "files": {"raw data.csv": "a,b\n"}}})
    with zipfile.ZipFile(tmp_path / "n.eln") as archive:
        text = (
            archive.read("export/ro-crate-metadata.json").decode().replace("raw data.csv", "raw%20data.csv")
        )
        members = {n: archive.read(n) for n in archive.namelist() if not n.endswith(".json")}
    with zipfile.ZipFile(tmp_path / "n.eln", "w") as archive:
        archive.writestr("export/ro-crate-metadata.json", text)
        for name, data in members.items():
            archive.writestr(name, data)
    resolved = _resolve(tmp_path, "n.eln", base=tmp_path)
    assert [f.name for f in resolved.files] == ["one/raw data.csv"]


def test_file_patterns_pick_among_a_samples_files(tmp_path: Path) -> None:
    resolved = _resolve(tmp_path, "kadi4mat-records.eln", files=["files/*.csv", "*.ttl"])
    assert [f.name for f in resolved.files] == [
        "records-example/files/example.csv",
        "records-example/records-example.ttl",
    ]


def test_an_export_linked_from_outside_the_manifest_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "lab.eln").symlink_to(DATA / "kadi4mat-records.eln")
    with pytest.raises(
        FilesError, match=r"lab.eln is a symbolic link to .*kadi4mat-records.eln, outside"
    ) as caught:
        _resolve(tmp_path, "lab.eln", base=tmp_path / "project")
    assert caught.value.path == "samples.lab.eln"


def test_a_zip_written_on_windows_with_backslashes_gives_the_same_samples(tmp_path: Path) -> None:
    samples = {
        "s1": {"name": "one", "files": {"raw.csv": "a,b\n", "img/x.png": "png"}},
        "s2": {"name": "two", "files": {"notes.txt": "n\n"}},
    }
    write_export(tmp_path / "slash.eln", samples)
    with zipfile.ZipFile(tmp_path / "slash.eln") as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    with zipfile.ZipFile(tmp_path / "windows.eln", "w") as archive:
        for name, data in members.items():
            archive.writestr(name.replace("/", "\\"), data)
    with zipfile.ZipFile(tmp_path / "windows.eln") as archive:
        assert "export\\ro-crate-metadata.json" in archive.namelist()
    windows = _resolve(tmp_path, "windows.eln", base=tmp_path)
    slash = _resolve(tmp_path, "slash.eln", base=tmp_path)

    def md5(data: bytes) -> str:
        return hashlib.md5(data, usedforsecurity=False).hexdigest()

    assert [(s.name, [(f.name, f.size, f.md5) for f in s.files]) for s in windows.samples] == [
        ("one", [("one/img/x.png", 3, md5(b"png")), ("one/raw.csv", 4, md5(b"a,b\n"))]),
        ("two", [("two/notes.txt", 2, md5(b"n\n"))]),
    ]
    assert [(s.name, [(f.name, f.md5) for f in s.files]) for s in windows.samples] == [
        (s.name, [(f.name, f.md5) for f in s.files]) for s in slash.samples
    ]
