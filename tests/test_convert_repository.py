"""``convert --repository OWNER/NAME``: what a .zenodo.json lacks is filled as Zenodo's GitHub
integration fills a release of that repository (invenio-rdm-records services/github/metadata.py
default_metadata, updated by the file in zenodo-rdm site/zenodo_rdm/github/release.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml
from click.testing import CliRunner

from zenodeploy.cli import cli
from zenodeploy.manifest.convert import convert
from zenodeploy.manifest.load import load_manifest

DATA = Path(__file__).parent / "data" / "zenodo_json"
NO_TITLE = ("360-info__country-centroids", "360-info__tracker-ocean-temperatures", "360-info__tracker-seaice")


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


def test_a_file_without_title_is_named_as_zenodo_names_the_release(tmp_path: Path) -> None:
    """In a checkout at tag v1.2: the title, version and link Zenodo gives that release."""
    _git(tmp_path, "init", "-q")
    _git(
        tmp_path,
        "-c",
        "user.name=T",
        "-c",
        "user.email=t@example.org",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "x",
    )
    _git(tmp_path, "tag", "v1.2")
    for name in NO_TITLE:
        repository = name.replace("__", "/")
        result = convert([DATA / f"{name}.json"], repository)
        assert not [f for f in result.findings if "title" in f.message]
        (tmp_path / "zenodeploy.yaml").write_text(result.text, "utf-8")
        meta = load_manifest(tmp_path / "zenodeploy.yaml", profile={}).depositions[0].data
        assert meta["title"] == f"{repository}: v1.2"
        assert meta["version"] == "v1.2"
        assert meta["related_identifiers"] == [
            {
                "identifier": f"https://github.com/{repository}/tree/v1.2",
                "relation": "IsSupplementTo",
                "resource_type": "software",
            }
        ]
        assert meta["license"] == "cc-by-4.0"  # the file's 'cc-by'
        entry = yaml.safe_load(result.text)["depositions"][0]
        assert entry["key"] == repository.split("/")[1]


def test_what_the_file_gives_wins_and_a_missing_licence_is_zenodos_default(tmp_path: Path) -> None:
    result = convert([DATA / "3D-e-Chem__kripodb.json"], "3D-e-Chem/kripodb")
    entry = yaml.safe_load(result.text)["depositions"][0]
    assert (entry["title"], entry["license"]) == ("KripoDB", "apache-2.0")  # the file's
    assert entry["creators"] == [{"from": "git"}]  # GitHub's contributors: the checkout's authors
    assert "(its GitHub contributors; here the authors of the checkout's git history" in result.text
    (tmp_path / ".zenodo.json").write_text('{"title": "Tool", "creators": [{"name": "Doe, Jane"}]}')
    result = convert([tmp_path / ".zenodo.json"], "octo-org/tool")
    assert "    # license: from the GitHub release of octo-org/tool" in result.text
    assert yaml.safe_load(result.text)["depositions"][0]["license"] == "cc-by-4.0"


def test_the_cli_takes_the_repository_from_the_checkouts_github_remote(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "remote", "add", "origin", "git@github.com:360-info/tracker-seaice.git")
    (tmp_path / ".zenodo.json").write_text((DATA / "360-info__tracker-seaice.json").read_text("utf-8"))
    runner = CliRunner()
    found = runner.invoke(cli, ["convert", str(tmp_path / ".zenodo.json")])
    assert found.exit_code == 0, found.output
    assert "title: '360-info/tracker-seaice: {{ git.tag or ''unreleased'' }}'" in found.stdout
    assert "for 360-info/tracker-seaice (the checkout's 'origin' remote)" in found.stderr
    left = runner.invoke(cli, ["convert", "--no-repository", str(tmp_path / ".zenodo.json")])
    assert "title:" not in left.stdout.replace("# title:", "")
    wrong = runner.invoke(cli, ["convert", "--repository", "not a repo", str(tmp_path / ".zenodo.json")])
    assert wrong.exit_code == 2 and "'not a repo' is not OWNER/NAME" in wrong.output


def test_a_file_without_creators_converts_to_the_checkouts_authors(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "remote", "add", "origin", "https://github.com/3D-e-Chem/kripodb.git")
    for name in ("Ann Lee", "Bob Ray", "Bob Ray"):
        _git(tmp_path, "-c", f"user.name={name}", "-c", "user.email=x@example.org", "-c", "commit.gpgsign=false",
             "commit", "-q", "--allow-empty", "-m", "work")  # fmt: skip
    (tmp_path / ".zenodo.json").write_text((DATA / "3D-e-Chem__kripodb.json").read_text("utf-8"))
    found = CliRunner().invoke(cli, ["convert", str(tmp_path / ".zenodo.json")])
    assert found.exit_code == 0, found.output
    manifest = tmp_path / "zenodeploy.yaml"
    manifest.write_text(found.stdout, "utf-8")
    loaded = load_manifest(manifest, profile={}).depositions[0]
    assert loaded.data["creators"] == [{"family": "Bob Ray"}, {"family": "Ann Lee"}]
    assert loaded.creators_from == "the git history (authors by commits)"
