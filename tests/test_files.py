"""File selection rules: globs, exclude, from, as, folders, scope, clashes, limits."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from zenodeploy.content import checksums
from zenodeploy.content.files import Resolved, resolve_deposition
from zenodeploy.errors import FilesError


def write(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def resolve(base: Path, files: list[Any], **options: Any) -> Resolved:
    deposition = {"key": "dep", "files": files, **options.pop("deposition", {})}
    return resolve_deposition(deposition, base_dir=base, sample_sources={}, where="depositions[3]", **options)


def names(resolved: Resolved) -> list[str]:
    return [f.name for f in resolved.files]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    base = tmp_path / "project"
    write(base / "README.md", "# readme")
    write(base / "data/a.csv", "1,2")
    write(base / "data/sub/b.csv", "3,4")
    write(base / "data/sub/scratch/tmp.csv", "5")
    write(base / "data/notes.txt", "n")
    write(base / "data/.hidden.csv", "h")
    write(base / "data/.git/config", "[core]")
    write(base / ".git/HEAD", "ref")
    return base


def test_plain_path_gets_its_name_size_and_md5(tree: Path) -> None:
    resolved = resolve(tree, ["README.md"])
    (readme,) = resolved.files
    assert (readme.name, readme.size) == ("README.md", 8)
    assert readme.md5 == hashlib.md5(b"# readme").hexdigest()
    assert readme.source == tree / "README.md"


def test_recursive_glob_skips_hidden_files_and_vcs_folders(tree: Path) -> None:
    assert names(resolve(tree, ["**/*.csv"])) == ["data/a.csv", "data/sub/b.csv", "data/sub/scratch/tmp.csv"]
    assert names(resolve(tree, ["**"])) == [
        "README.md",
        "data/a.csv",
        "data/notes.txt",
        "data/sub/b.csv",
        "data/sub/scratch/tmp.csv",
    ]


def test_single_star_stays_in_one_folder(tree: Path) -> None:
    assert names(resolve(tree, ["data/*.csv"])) == ["data/a.csv"]


def test_a_dotted_pattern_segment_selects_hidden_files(tree: Path) -> None:
    assert names(resolve(tree, ["data/.*.csv"])) == ["data/.hidden.csv"]


def test_folder_entry_means_every_file_below_it(tree: Path) -> None:
    assert names(resolve(tree, ["data/sub/"])) == ["data/sub/b.csv", "data/sub/scratch/tmp.csv"]
    assert names(resolve(tree, ["data/sub"])) == ["data/sub/b.csv", "data/sub/scratch/tmp.csv"]


def test_exclude_globs_and_folders(tree: Path) -> None:
    entry = {"path": "data/**/*.csv", "exclude": ["**/scratch/**"]}
    assert names(resolve(tree, [entry])) == ["data/a.csv", "data/sub/b.csv"]
    entry = {"path": "data", "exclude": "**/scratch"}
    assert names(resolve(tree, [entry])) == ["data/a.csv", "data/notes.txt", "data/sub/b.csv"]


def test_from_makes_glob_and_remote_names_relative_to_it(tree: Path) -> None:
    entry = {"path": "**/*.csv", "from": "data", "exclude": "sub/scratch/**"}
    assert names(resolve(tree, [entry])) == ["a.csv", "sub/b.csv"]


def test_as_template_placeholders(tree: Path) -> None:
    entry = {"path": "sub/*.csv", "from": "data", "as": "tables/{parent}/{stem}-v1{ext}|{name}|{path}"}
    assert names(resolve(tree, [entry])) == ["tables/sub/b-v1.csv|b.csv|sub/b.csv"]
    top = {"path": "*.csv", "from": "data", "as": "t/{parent}/{name}"}
    assert names(resolve(tree, [top])) == ["t/a.csv"]


def test_as_template_with_unknown_placeholder_is_refused(tree: Path) -> None:
    with pytest.raises(FilesError, match=r"\{path\}, \{name\}, \{stem\}, \{ext\}, \{parent\}") as caught:
        resolve(tree, ["README.md", {"path": "data/a.csv", "as": "{basename}"}])
    assert caught.value.path == "depositions[3].files[1]"


def test_glob_matching_nothing_names_pattern_and_folder(tree: Path) -> None:
    with pytest.raises(FilesError) as caught:
        resolve(tree, ["README.md", "results/*.h5"])
    assert caught.value.path == "depositions[3].files[1]"
    assert str(caught.value) == (
        f"`results/*.h5` matches no file in {tree}; check the pattern or mark the entry `optional: true`."
    )


def test_optional_glob_matching_nothing_is_a_warning(tree: Path) -> None:
    resolved = resolve(tree, ["README.md", {"path": "results/*.h5", "optional": True}])
    assert names(resolved) == ["README.md"]
    assert resolved.warnings == (f"files[1]: `results/*.h5` matches no file in {tree} (optional, skipped).",)


def test_missing_literal_path_is_an_error(tree: Path) -> None:
    with pytest.raises(FilesError, match="`LICENSE` matches no file"):
        resolve(tree, ["LICENSE"])


def test_glob_written_relative_to_manifest_with_from_gets_a_hint(tree: Path) -> None:
    with pytest.raises(FilesError, match=r"`path` is relative to `from:`"):
        resolve(tree, [{"path": "data/*.csv", "from": "data"}])


def test_dotdot_leaving_the_manifest_folder_is_refused(tree: Path) -> None:
    write(tree.parent / "secret.txt", "s")
    with pytest.raises(FilesError, match="leads outside the manifest's folder") as caught:
        resolve(tree, ["../secret.txt"])
    assert caught.value.path == "depositions[3].files[0]"
    with pytest.raises(FilesError, match="leads outside"):
        resolve(tree, [{"path": "*.txt", "from": ".."}])


def test_dotdot_staying_inside_is_fine(tree: Path) -> None:
    assert names(resolve(tree, ["data/../README.md"])) == ["README.md"]


def test_absolute_path_is_refused_unless_allowed(tree: Path, tmp_path: Path) -> None:
    outside = write(tmp_path / "elsewhere/table.csv", "t")
    with pytest.raises(FilesError, match="is an absolute path"):
        resolve(tree, [str(outside)])
    assert names(resolve(tree, [str(outside)], allow_outside=True)) == ["table.csv"]
    assert names(resolve(tree, [str(outside)], deposition={"allow_outside": True})) == ["table.csv"]


def test_symlink_pointing_out_is_refused(tree: Path, tmp_path: Path) -> None:
    secret = write(tmp_path / "secret/key.pem", "k")
    (tree / "data/key.pem").symlink_to(secret)
    with pytest.raises(FilesError, match=r"is a symbolic link to .*key\.pem, outside the manifest's folder"):
        resolve(tree, ["data/*"])
    assert "data/key.pem" in names(resolve(tree, ["data/*"], allow_outside=True))


def test_symlinked_folder_pointing_out_is_refused(tree: Path, tmp_path: Path) -> None:
    write(tmp_path / "shared/x.csv", "x")
    (tree / "data/shared").symlink_to(tmp_path / "shared")
    with pytest.raises(FilesError, match="symbolic link"):
        resolve(tree, ["data/**/*.csv"])


def test_symlink_inside_the_folder_is_followed(tree: Path) -> None:
    (tree / "latest.csv").symlink_to(tree / "data/a.csv")
    (latest,) = resolve(tree, ["latest.csv"]).files
    assert (latest.name, latest.size) == ("latest.csv", 3)


def test_symlink_cycle_ends(tree: Path) -> None:
    (tree / "data/sub/loop").symlink_to(tree / "data")
    assert "data/a.csv" in names(resolve(tree, ["data/**/*.csv"]))


def test_two_sources_for_one_remote_name_are_refused_naming_both(tree: Path) -> None:
    write(tree / "other/a.csv", "9")
    with pytest.raises(FilesError) as caught:
        resolve(tree, [{"path": "data/a.csv", "as": "{name}"}, {"path": "other/*.csv", "as": "{name}"}])
    message = str(caught.value)
    assert message.startswith("Two files map to the remote name `a.csv`: files[0] `data/a.csv`")
    assert str(tree / "data/a.csv") in message and str(tree / "other/a.csv") in message
    assert caught.value.path == "depositions[3].files[1]"


def test_empty_file_is_refused_with_advice(tree: Path) -> None:
    write(tree / "data/empty.csv", "")
    with pytest.raises(FilesError, match="is empty, and Zenodo refuses empty files; give it content"):
        resolve(tree, ["data/*.csv"])


def test_more_than_one_hundred_files_are_refused_before_hashing(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(101):
        write(tree / f"many/f{index:03}.txt", str(index))
    assert len(resolve(tree, [{"path": "many/*", "exclude": "many/f100.txt"}]).files) == 100

    def no_hashing(*args: object) -> None:
        raise AssertionError("hashed before the file count was checked")

    monkeypatch.setattr(checksums, "md5_file", no_hashing)
    with pytest.raises(
        FilesError, match=r"would hold 101 files.*`pack: per-sample`.*`zip: name.zip`"
    ) as caught:
        resolve(tree, ["many/*"])
    assert caught.value.path == "depositions[3].files"


def test_zip_entry_packs_the_selection_into_one_archive(tree: Path, tmp_path: Path) -> None:
    resolved = resolve(tree, ["README.md", {"path": "data/sub", "zip": "raw.zip"}], build_dir=tmp_path / "b")
    _readme, raw = resolved.files
    assert raw.name == "raw.zip"
    assert raw.packed_from == ("data/sub/b.csv", "data/sub/scratch/tmp.csv")
    assert raw.source.parent == tmp_path / "b"
    assert raw.md5 == hashlib.md5(raw.source.read_bytes()).hexdigest()


def test_remote_names_never_start_with_a_slash(tree: Path) -> None:
    entry = {"path": "data/a.csv", "as": "/top//{name}"}
    assert names(resolve(tree, [entry])) == ["top/a.csv"]
    with pytest.raises(FilesError, match=r"has `\.\.`"):
        resolve(tree, [{"path": "data/a.csv", "as": "../{name}"}])


def test_two_files_to_one_member_name_in_an_archive_are_refused(tree: Path) -> None:
    write(tree / "data/sub/scratch/b.csv", "other b")
    with pytest.raises(FilesError, match=r"Two files would be stored as `b\.csv` in `flat\.zip`") as caught:
        resolve(
            tree,
            [{"path": "data/**/*.csv", "as": "{name}", "zip": "flat.zip", "exclude": "**/a.csv"}],
            max_files=None,
        )
    assert caught.value.path == "depositions[3].files[0]"


def test_dotdot_after_a_wildcard_is_refused(tree: Path) -> None:
    with pytest.raises(FilesError, match=r"has `\.\.` after a wildcard"):
        resolve(tree, ["data/*/../a.csv"])


def test_more_bytes_than_zenodo_takes_per_record_is_refused_before_hashing(tmp_path: Path) -> None:
    """A record's bucket holds 50 GB on Zenodo (zenodo-rdm invenio.cfg): two sparse 26 GB files
    are refused at once, without reading them."""
    from click.testing import CliRunner

    from zenodeploy.cli import cli

    (tmp_path / "data").mkdir()
    for name in ("a.bin", "b.bin"):
        with (tmp_path / "data" / name).open("wb") as handle:
            handle.truncate(26 * 1000**3)
    manifest = tmp_path / "zenodeploy.yaml"
    manifest.write_text(
        "version: 1\ndepositions:\n  - key: big\n    title: Big files\n    resource_type: dataset\n"
        "    creators: [{family: Doe, given: J}]\n    license: cc-by-4.0\n    description: d\n"
        "    files: ['data/*.bin']\n",
        "utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert result.exit_code == 1
    assert "zenodeploy.yaml:9:" in result.output
    assert "52.0 GB of files, but Zenodo takes at most 50 GB per record" in result.output


def test_a_deposition_without_files_is_refused_when_it_would_be_published(tmp_path: Path) -> None:
    """Zenodo refuses to publish a record without files ('Missing uploaded files'); turning files
    off is for its curators (zenodo-rdm: site/zenodo_rdm/permissions.py, can_manage_files)."""
    from click.testing import CliRunner

    from zenodeploy.cli import cli

    manifest = tmp_path / "zenodeploy.yaml"
    body = (
        "version: 1\ndepositions:\n  - key: empty\n    title: No files yet\n    resource_type: dataset\n"
        "    creators: [{family: Doe, given: J}]\n    license: cc-by-4.0\n    description: d\n"
    )
    manifest.write_text(body, "utf-8")
    # publish: true is refused by the loader; --publish on the command line is caught here, offline.
    refused = CliRunner().invoke(cli, ["plan", str(manifest), "--publish", "--server", "local"])
    assert refused.exit_code == 1
    assert (
        "zenodeploy.yaml:3:5: depositions[0]: no files: Zenodo publishes a record only with" in refused.output
    )
    assert not (tmp_path / ".zenodeploy").exists()  # refused before any server was started
    drafted = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert drafted.exit_code == 0, drafted.output
    assert "no files" in drafted.output and "before publishing it" in drafted.output
