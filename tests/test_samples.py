"""Samples: sources, sidecars, where/include/exclude selection, per-sample files and packing."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest

from zenodeploy.content.files import Resolved, resolve_deposition
from zenodeploy.content.samples import matches
from zenodeploy.errors import FilesError

SOURCES = {"compounds": {"path": "compounds/*", "files": ["spectra/*.jdx", "*.mol"]}}


def write(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def base(tmp_path: Path) -> Path:
    root = tmp_path / "study"
    write(
        root / "compounds/aspirin/sample.yaml",
        "name: aspirin\nsolvent: CDCl3\nkind: [nmr, ir]\nmelting_point: 135\nprops: {state: solid}\n",
    )
    write(root / "compounds/aspirin/spectra/1H.jdx", "##TITLE=1H\n")
    write(root / "compounds/aspirin/spectra/IR.jdx", "##TITLE=IR\n")
    write(root / "compounds/aspirin/aspirin.mol", "mol")
    write(root / "compounds/aspirin/notes.txt", "not selected")
    write(
        root / "compounds/caffeine/sample.json", '{"name": "Caffeine", "solvent": "DMSO-d6", "kind": "nmr"}'
    )
    write(root / "compounds/caffeine/spectra/13C.jdx", "##TITLE=13C\n")
    write(root / "compounds/paracetamol/sample.yml", "solvent: CDCl3\nkind: ir\nprops: {state: solid}\n")
    write(root / "compounds/paracetamol/spectra/IR.jdx", "##TITLE=IR\n")
    write(root / "compounds/README.md", "a file, not a sample folder")
    return root


def resolve(base: Path, samples: Any, tmp_path: Path, **deposition: Any) -> Resolved:
    return resolve_deposition(
        {"key": "nmr", "samples": samples, **deposition},
        base_dir=base,
        sample_sources=SOURCES,
        where="depositions[0]",
        build_dir=tmp_path / "archives",
    )


def sample_names(resolved: Resolved) -> list[str]:
    return [s.name for s in resolved.samples]


def test_all_samples_with_their_files_named_by_sample(base: Path, tmp_path: Path) -> None:
    resolved = resolve(base, {"from": "compounds"}, tmp_path)
    assert sample_names(resolved) == ["Caffeine", "aspirin", "paracetamol"]
    assert [f.name for f in resolved.files] == [
        "Caffeine/spectra/13C.jdx",
        "aspirin/aspirin.mol",
        "aspirin/spectra/1H.jdx",
        "aspirin/spectra/IR.jdx",
        "paracetamol/spectra/IR.jdx",
    ]
    assert {f.sample for f in resolved.files} == {"Caffeine", "aspirin", "paracetamol"}
    aspirin = resolved.samples[1]
    assert aspirin.folder == base / "compounds/aspirin"
    assert aspirin.metadata["melting_point"] == 135
    assert [f.name for f in aspirin.files] == [
        "aspirin/aspirin.mol",
        "aspirin/spectra/1H.jdx",
        "aspirin/spectra/IR.jdx",
    ]
    assert aspirin.files[1].size == len("##TITLE=1H\n")


def test_where_equality_list_presence_and_dotted_keys(base: Path, tmp_path: Path) -> None:
    def chosen(where: dict[str, Any]) -> list[str]:
        return sample_names(resolve(base, {"from": "compounds", "where": where}, tmp_path))

    assert chosen({"solvent": "CDCl3"}) == ["aspirin", "paracetamol"]
    assert chosen({"solvent": ["DMSO-d6", "D2O"]}) == ["Caffeine"]
    assert chosen({"kind": "ir"}) == ["aspirin", "paracetamol"]  # a list field contains the value
    assert chosen({"melting_point": {"exists": True}}) == ["aspirin"]
    assert chosen({"melting_point": {"exists": False}}) == ["Caffeine", "paracetamol"]
    assert chosen({"props.state": "solid", "solvent": "CDCl3"}) == ["aspirin", "paracetamol"]
    assert chosen({"solvent": "C6D6"}) == []


def test_where_keeps_booleans_apart_from_numbers() -> None:
    assert matches({"n": 1}, {"n": 1.0})
    assert not matches({"n": 1}, {"n": True})
    assert not matches({"flag": True}, {"flag": 1})
    assert not matches({}, {"n": None})
    assert matches({"n": None}, {"n": None})


def test_include_and_exclude_by_name(base: Path, tmp_path: Path) -> None:
    assert sample_names(resolve(base, {"from": "compounds", "include": ["aspirin"]}, tmp_path)) == ["aspirin"]
    assert sample_names(resolve(base, {"from": "compounds", "exclude": ["aspirin"]}, tmp_path)) == [
        "Caffeine",
        "paracetamol",
    ]
    spec = {
        "from": "compounds",
        "where": {"solvent": "CDCl3"},
        "include": ["Caffeine"],
        "exclude": ["paracetamol"],
    }
    assert sample_names(resolve(base, spec, tmp_path)) == ["Caffeine", "aspirin"]


def test_unknown_include_name_is_an_error_listing_known_names(base: Path, tmp_path: Path) -> None:
    with pytest.raises(
        FilesError, match=r"names ibuprofen, which the source does not have \(it has: Caff"
    ) as caught:
        resolve(base, {"from": "compounds", "include": ["ibuprofen"]}, tmp_path)
    assert caught.value.path == "depositions[0].samples.include"


def test_unknown_source_is_an_error(base: Path, tmp_path: Path) -> None:
    with pytest.raises(FilesError, match="`polymers` is not defined"):
        resolve(base, {"from": "polymers"}, tmp_path)


def test_inline_source_and_per_deposition_file_patterns(base: Path, tmp_path: Path) -> None:
    inline = {"path": "compounds/a*", "metadata": "sample.yaml"}
    resolved = resolve(base, {"from": inline, "files": ["**/*.jdx"]}, tmp_path)
    assert [f.name for f in resolved.files] == ["aspirin/spectra/1H.jdx", "aspirin/spectra/IR.jdx"]


def test_default_patterns_take_every_file_but_the_sidecar(base: Path, tmp_path: Path) -> None:
    resolved = resolve(base, {"from": {"path": "compounds/aspirin"}}, tmp_path)
    assert [f.name for f in resolved.files] == [
        "aspirin/aspirin.mol",
        "aspirin/notes.txt",
        "aspirin/spectra/1H.jdx",
        "aspirin/spectra/IR.jdx",
    ]


def test_sidecar_yaml_error_names_file_and_line(base: Path, tmp_path: Path) -> None:
    write(base / "compounds/caffeine/sample.json", "{}")
    write(base / "compounds/broken/sample.yaml", "name: broken\nsolvent: [CDCl3\nkind: nmr\n")
    with pytest.raises(FilesError) as caught:
        resolve(base, {"from": "compounds"}, tmp_path)
    assert str(caught.value).startswith(f"{base / 'compounds/broken/sample.yaml'}:3:")
    assert caught.value.path == "samples.compounds"


def test_sidecar_json_error_names_file_and_line(base: Path, tmp_path: Path) -> None:
    write(base / "compounds/caffeine/sample.json", '{\n  "name": "Caffeine",\n  "solvent": \n}')
    with pytest.raises(FilesError, match=r"caffeine/sample.json:4: invalid JSON"):
        resolve(base, {"from": "compounds"}, tmp_path)


def test_sidecar_must_be_a_mapping(base: Path, tmp_path: Path) -> None:
    write(base / "compounds/caffeine/sample.json", "[1, 2]")
    with pytest.raises(FilesError, match="must hold a mapping"):
        resolve(base, {"from": "compounds"}, tmp_path)


def test_two_folders_with_one_sample_name_are_refused(base: Path, tmp_path: Path) -> None:
    write(base / "compounds/asa/sample.yaml", "name: aspirin\n")
    with pytest.raises(FilesError, match="Two sample folders are named `aspirin`"):
        resolve(base, {"from": "compounds"}, tmp_path)


def test_sample_file_linked_outside_is_refused(base: Path, tmp_path: Path) -> None:
    outside = write(tmp_path / "elsewhere/x.jdx", "x")
    (base / "compounds/aspirin/spectra/x.jdx").symlink_to(outside)
    with pytest.raises(FilesError, match=r"symbolic link to .*x\.jdx, outside"):
        resolve(base, {"from": "compounds"}, tmp_path)


def test_pack_per_sample_makes_one_archive_each_with_the_sidecar(base: Path, tmp_path: Path) -> None:
    resolved = resolve(base, {"from": "compounds"}, tmp_path, pack="per-sample")
    assert [(f.name, f.sample) for f in resolved.files] == [
        ("Caffeine.zip", "Caffeine"),
        ("aspirin.zip", "aspirin"),
        ("paracetamol.zip", "paracetamol"),
    ]
    aspirin = resolved.files[1]
    assert aspirin.packed_from == ("aspirin.mol", "spectra/1H.jdx", "spectra/IR.jdx", "sample.yaml")
    with zipfile.ZipFile(aspirin.source) as archive:
        assert archive.namelist() == ["aspirin.mol", "sample.yaml", "spectra/1H.jdx", "spectra/IR.jdx"]
        assert archive.read("spectra/IR.jdx") == b"##TITLE=IR\n"
    assert resolved.samples[1].files[0].name == "aspirin/aspirin.mol"


def test_pack_single_makes_one_archive_with_sample_folders(base: Path, tmp_path: Path) -> None:
    resolved = resolve(base, {"from": "compounds", "exclude": ["aspirin"]}, tmp_path, pack="single")
    (archive_file,) = resolved.files
    assert (archive_file.name, archive_file.sample) == ("nmr-samples.zip", None)
    with zipfile.ZipFile(archive_file.source) as archive:
        assert archive.namelist() == [
            "Caffeine/sample.json",
            "Caffeine/spectra/13C.jdx",
            "paracetamol/sample.yml",
            "paracetamol/spectra/IR.jdx",
        ]


def test_unknown_pack_mode_is_an_error(base: Path, tmp_path: Path) -> None:
    with pytest.raises(FilesError, match="`pack: tar` is not known") as caught:
        resolve(base, {"from": "compounds"}, tmp_path, pack="tar")
    assert caught.value.path == "depositions[0].pack"


def test_sample_file_clashing_with_a_plain_file_is_refused(base: Path, tmp_path: Path) -> None:
    write(base / "aspirin.zip", "not an archive")
    with pytest.raises(
        FilesError, match=r"remote name `aspirin.zip`: files\[0\] `aspirin.zip`.*sample `aspirin`"
    ):
        resolve(base, {"from": "compounds"}, tmp_path, pack="per-sample", files=["aspirin.zip"])


def test_many_sample_files_need_packing(base: Path, tmp_path: Path) -> None:
    for index in range(100):
        write(base / f"compounds/aspirin/spectra/s{index:03}.jdx", str(index))
    with pytest.raises(FilesError, match="would hold 105 files"):
        resolve(base, {"from": "compounds"}, tmp_path)
    assert len(resolve(base, {"from": "compounds"}, tmp_path, pack="per-sample").files) == 3


def test_sample_without_matching_files_and_empty_source_are_warnings(base: Path, tmp_path: Path) -> None:
    resolved = resolve(base, {"from": {"path": "compounds/*", "files": ["*.cif"]}}, tmp_path)
    assert resolved.files == ()
    assert resolved.warnings == (
        "samples: sample `Caffeine` has no files matching ['*.cif'].",
        "samples: sample `aspirin` has no files matching ['*.cif'].",
        "samples: sample `paracetamol` has no files matching ['*.cif'].",
    )
    nothing = resolve(base, {"from": {"path": "polymers/*"}}, tmp_path)
    assert nothing.warnings == (f"samples: `polymers/*` matches no sample folder in {base}.",)


def test_per_sample_pattern_may_not_leave_the_sample_folder(base: Path, tmp_path: Path) -> None:
    with pytest.raises(FilesError, match=r"`\.\./caffeine/\*` leads out of the sample folder"):
        resolve(base, {"from": "compounds", "files": ["../caffeine/*"]}, tmp_path)


def test_missing_configured_sidecar_is_a_warning(base: Path, tmp_path: Path) -> None:
    resolved = resolve(base, {"from": {"path": "compounds/aspirin", "metadata": "meta.yaml"}}, tmp_path)
    assert resolved.samples[0].metadata == {}
    assert resolved.warnings == (
        f"samples: sample `aspirin` has no `meta.yaml` in {base / 'compounds/aspirin'}; its metadata is empty.",
    )


def test_hidden_sample_folders_are_skipped(base: Path, tmp_path: Path) -> None:
    write(base / "compounds/.trash/sample.yaml", "name: trash\n")
    assert "trash" not in sample_names(resolve(base, {"from": "compounds"}, tmp_path))


@pytest.mark.parametrize("name", [".", "..", " .. "])
def test_a_sidecar_name_of_dots_only_is_refused(base: Path, tmp_path: Path, name: str) -> None:
    write(base / "compounds/aspirin/sample.yaml", f"name: '{name}'\n")
    with pytest.raises(FilesError, match="not only dots"):
        resolve(base, {"from": "compounds"}, tmp_path)


def test_a_where_that_selects_nothing_says_why(base: Path, tmp_path: Path) -> None:
    with pytest.raises(FilesError) as caught:  # a key no sample has: a typo
        resolve(base, {"from": "compounds", "where": {"solvnt": "CDCl3"}}, tmp_path)
    assert caught.value.path == "depositions[0].samples.where.solvnt"
    assert "`samples.where` asks for `solvnt`, which none of the 3 samples has" in str(caught.value)
    assert "did you mean `solvent`?" in str(caught.value)
    with pytest.raises(FilesError, match=r"did you mean `props\.state`"):  # dotted keys too
        resolve(base, {"from": "compounds", "where": {"props.stat": "solid"}}, tmp_path)

    resolved = resolve(base, {"from": "compounds", "where": {"melting_point": "135"}}, tmp_path)
    assert resolved.samples == ()  # a known key whose values do not match: a warning saying them
    assert (
        "samples: `where` selects none of the 3 samples; their `melting_point` values are 135, "
        "and the condition is '135'." in resolved.warnings
    )
