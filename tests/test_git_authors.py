"""``creators: [{from: git}]``: the authors of the checkout's history, as Zenodo's GitHub
integration takes a repository's contributors; a real git repository is built in each test."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from zenodeploy.cli import cli
from zenodeploy.errors import ManifestError
from zenodeploy.manifest.load import load_manifest

MANIFEST = """version: 1
depositions:
  - key: tool
    title: The tool
    resource_type: software
    license: mit
    creators: {creators}
"""


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True)


def _commit(folder: Path, name: str, email: str, times: int = 1) -> None:
    for _ in range(times):
        _git(
            folder,
            *("-c", f"user.name={name}", "-c", f"user.email={email}", "-c", "commit.gpgsign=false"),
            *("commit", "-q", "--allow-empty", "-m", "work"),
        )


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Jane Doe 4 commits under two addresses (one mapped by .mailmap from 'jdoe'), a bot 5,
    Ann Lee 2, GitHub Actions 1, Bob Ray 2 (the last). Built once: the tests only read it."""
    tmp_path = tmp_path_factory.mktemp("checkout")
    _git(tmp_path, "init", "-q")
    _commit(tmp_path, "Ann Lee", "ann@example.org", 2)
    _commit(tmp_path, "dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", 5)
    _commit(tmp_path, "Jane Doe", "jane@example.org", 2)
    _commit(tmp_path, "jdoe", "jdoe@laptop.local", 2)
    _commit(tmp_path, "GitHub Action", "action@github.com")
    _commit(tmp_path, "Bob Ray", "bob@example.org", 2)
    (tmp_path / ".mailmap").write_text("Jane Doe <jane@example.org> jdoe <jdoe@laptop.local>\n", "utf-8")
    return tmp_path


def _load(folder: Path, creators: str) -> list[object]:
    path = folder / "zenodeploy.yaml"
    path.write_text(MANIFEST.format(creators=creators), "utf-8")
    return list(load_manifest(path, profile={}).depositions[0].data["creators"])


def test_the_history_gives_its_authors_by_commits_without_bots(checkout: Path) -> None:
    assert _load(checkout, "[{from: git}]") == [
        {"family": "Jane Doe"},  # 4 commits: .mailmap joins 'jdoe' to her
        {"family": "Ann Lee"},  # 2 commits, ties by name
        {"family": "Bob Ray"},
    ]


def test_people_listed_by_hand_stay_in_place_and_are_not_repeated(checkout: Path) -> None:
    creators = "[{family: Ray, given: Bob, orcid: 0000-0002-1825-0097}, {from: git}, {name: The Lab}]"
    assert _load(checkout, creators) == [
        {"family": "Ray", "given": "Bob", "orcid": "0000-0002-1825-0097"},
        {"family": "Jane Doe"},
        {"family": "Ann Lee"},
        {"name": "The Lab"},
    ]


def test_render_says_the_creators_come_from_the_git_history(checkout: Path) -> None:
    path = checkout / "zenodeploy.yaml"
    path.write_text(MANIFEST.format(creators="[{from: git}]"), "utf-8")
    shown = CliRunner().invoke(cli, ["render", str(path)])
    assert shown.exit_code == 0, shown.output
    assert "creators from the git history (authors by commits)" in shown.output.splitlines()
    assert shown.output.index('"family_name": "Jane Doe"') < shown.output.index('"family_name": "Bob Ray"')
    path.write_text(MANIFEST.format(creators="[{family: Roe}, {from: git}]"), "utf-8")
    as_json = CliRunner().invoke(cli, ["render", str(path), "--format", "json"])
    origin = json.loads(as_json.stdout)[0]["creators_from"]
    assert origin == "the manifest and the git history (authors by commits)"


def test_outside_a_checkout_it_is_a_located_error_that_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    path = tmp_path / "zenodeploy.yaml"
    path.write_text(MANIFEST.format(creators="[{family: Roe}, {from: git}]"), "utf-8")
    with pytest.raises(ManifestError) as info:
        load_manifest(path, profile={})
    assert [f.format() for f in info.value.findings if f.severity == "error"] == [
        f"{path}:7:31: depositions[0].creators[1]: `from: git` takes the authors of the git history, "
        f"but {tmp_path.resolve()} is not in a git checkout; apply the manifest from the repository's "
        "clone, or list the creators by hand"
    ]
    path.write_text(MANIFEST.format(creators="[{from: git}]"), "utf-8")
    with pytest.raises(ManifestError) as info:  # the one error: not 'no creators' besides
        load_manifest(path, profile={})
    assert [f.path for f in info.value.findings if f.severity == "error"] == ["depositions[0].creators[0]"]


def test_a_checkout_without_commits_or_with_only_bots_is_an_error(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    with pytest.raises(ManifestError) as info:
        _load(tmp_path, "[{from: git}]")
    errors = [f.message for f in info.value.findings]
    assert any(m.endswith("has no commits yet; commit first, or list the creators by hand") for m in errors)
    _commit(tmp_path, "pre-commit-ci[bot]", "66853113+pre-commit-ci[bot]@users.noreply.github.com")
    with pytest.raises(ManifestError) as info:
        _load(tmp_path, "[{from: git}]")
    assert any("found no authors but bots" in f.message for f in info.value.findings)


def test_a_shallow_clone_warns_that_it_sees_only_part_of_the_history(checkout: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", checkout.as_uri(), str(clone)], check=True, capture_output=True
    )
    path = clone / "zenodeploy.yaml"
    path.write_text(MANIFEST.format(creators="[{from: git}]"), "utf-8")
    loaded = load_manifest(path, profile={})
    assert loaded.depositions[0].data["creators"] == [{"family": "Bob Ray"}]  # the last commit's
    assert [w.format() for w in loaded.warnings] == [
        f"{path}:7:16: depositions[0].creators[0]: warning: `from: git`: the checkout is a shallow "
        "clone, so only the authors of its last commits are seen; fetch the whole history (in GitHub "
        "Actions: actions/checkout with fetch-depth: 0)"
    ]


def test_defaults_can_take_the_history_for_every_deposition(checkout: Path) -> None:
    path = checkout / "defaults.yaml"
    text = MANIFEST.replace("    creators: {creators}\n", "  - key: other\n    title: Another tool\n")
    path.write_text(
        text.replace("depositions:", "defaults:\n  creators: [{from: git}]\ndepositions:"), "utf-8"
    )
    loaded = load_manifest(path, profile={})
    assert [d.data["creators"][0] for d in loaded.depositions] == [{"family": "Jane Doe"}] * 2
    assert {d.creators_from for d in loaded.depositions} == {"the git history (authors by commits)"}


def test_without_git_installed_it_is_an_error_that_says_so(
    checkout: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no git on it
    with pytest.raises(ManifestError) as info:
        _load(checkout, "[{from: git}]")
    assert [f.message for f in info.value.findings if f.severity == "error"] == [
        "`from: git` needs the git command, which is not installed (or not on PATH); "
        "install git, or list the creators by hand"
    ]
