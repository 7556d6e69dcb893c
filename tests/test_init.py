"""zenodeploy init: prompts (re-asked when wrong), flags, the profile, and a starter that validates."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from zenodeploy.cli import cli
from zenodeploy.emulator import LOCAL_TOKEN, Emulator
from zenodeploy.manifest.profile import load_profile, profile_path
from zenodeploy.zenodo.client import ZenodoClient

GOOD_ORCID = "0000-0002-1825-0097"
BAD_ORCID = "0000-0002-1825-0098"


def _answers(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def test_prompts_reask_wrong_orcid_and_license_then_write_a_valid_project(tmp_path: Path) -> None:
    project = tmp_path / "NMR Study 2024"
    answers = _answers("", "Doe", "Jane", BAD_ORCID, GOOD_ORCID, "Uni X", "cc-by", "CC-BY-4.0", "")
    result = CliRunner().invoke(cli, ["init", str(project)], input=answers)
    assert result.exit_code == 0, result.output
    assert "wrong check digit" in result.output
    assert result.output.count("ORCID iD (empty: none)") == 2
    assert "did you mean 'cc-by-4.0'?" in result.output
    assert load_profile() == {
        "creator": {
            "family": "Doe",
            "given": "Jane",
            "type": "personal",
            "orcid": GOOD_ORCID,
            "affiliations": ["Uni X"],
        },
        "license": "cc-by-4.0",
        "server": "sandbox",
    }
    manifest = project / "zenodeploy.yaml"
    text = manifest.read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=https://")
    data = yaml.safe_load(text)
    dep = data["depositions"][0]
    assert dep["key"] == "nmr-study-2024"
    assert dep["creators"] == [
        {"family": "Doe", "given": "Jane", "orcid": GOOD_ORCID, "affiliations": ["Uni X"], "type": "personal"}
    ]
    assert (project / "templates" / "description.md.j2").is_file()
    assert (project / "data" / "README.md").is_file()
    checked = CliRunner().invoke(cli, ["validate", str(manifest)])
    assert checked.exit_code == 0, checked.output
    assert "1 deposition valid" in checked.output


def test_no_input_takes_every_answer_from_flags(tmp_path: Path) -> None:
    args = ["init", str(tmp_path / "p"), "--no-input", "--type", "organizational", "--name", "Lab of Things"]
    args += ["--license", "MIT", "--server", "https://data.example.org/"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    profile = load_profile()
    assert profile["creator"] == {"name": "Lab of Things", "type": "organizational"}
    assert profile["license"] == "mit"
    assert profile["server"] == "https://data.example.org"
    data = yaml.safe_load((tmp_path / "p" / "zenodeploy.yaml").read_text("utf-8"))
    assert data["server"] == "https://data.example.org"
    assert data["depositions"][0]["license"] == "mit"
    checked = CliRunner().invoke(cli, ["validate", str(tmp_path / "p" / "zenodeploy.yaml")])
    assert checked.exit_code == 0, checked.output


def test_a_wrong_flag_is_a_usage_error_naming_the_flag(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["init", str(tmp_path), "--no-input", "--family", "Doe", "--given", "J", "--orcid", BAD_ORCID]
    )
    assert result.exit_code == 2
    assert f"error: --orcid: '{BAD_ORCID}' has a wrong check digit" in result.output
    assert not profile_path().exists()
    assert not (tmp_path / "zenodeploy.yaml").exists()


def test_no_input_without_a_required_answer_says_which_flag(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path), "--no-input"])
    assert result.exit_code == 2
    assert "error: --no-input needs --family" in result.output


def test_existing_files_are_never_overwritten_without_force(tmp_path: Path) -> None:
    flags = ["--no-input", "--family", "Doe", "--given", "Jane"]
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "description.md.j2").write_text("mine", "utf-8")
    result = CliRunner().invoke(cli, ["init", str(tmp_path), *flags])
    assert result.exit_code == 1
    assert f"error: {tmp_path / 'templates' / 'description.md.j2'} already exists" in result.output
    assert "--force" in result.output
    assert not (tmp_path / "zenodeploy.yaml").exists()  # nothing written at all
    assert (tmp_path / "templates" / "description.md.j2").read_text("utf-8") == "mine"
    forced = CliRunner().invoke(cli, ["init", str(tmp_path), *flags, "--force"])
    assert forced.exit_code == 0, forced.output
    assert (tmp_path / "templates" / "description.md.j2").read_text("utf-8") != "mine"


def test_an_existing_project_is_reported_before_any_question(tmp_path: Path) -> None:
    (tmp_path / "zenodeploy.yaml").write_text("mine", "utf-8")
    result = CliRunner().invoke(cli, ["init", str(tmp_path)], input=_answers(*[""] * 7))
    assert result.exit_code == 1
    assert "Family name" not in result.output and "Account type" not in result.output
    assert f"error: {tmp_path / 'zenodeploy.yaml'} already exists" in result.output


def test_end_of_input_is_a_clean_message_and_writes_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "p")], input=_answers("", "Doe"))
    assert result.exit_code == 2
    assert "Aborted!" not in result.output
    assert "error: no answer to 'Given name(s)': the input ended, and nothing was written." in result.output
    assert "--no-input" in result.output
    assert not (tmp_path / "p").exists() and not profile_path().exists()


def test_gitignore_gets_the_state_folder_once(tmp_path: Path) -> None:
    flags = ["--no-input", "--family", "Doe", "--given", "Jane"]
    fresh = CliRunner().invoke(cli, ["init", str(tmp_path / "new"), *flags])
    assert fresh.exit_code == 0, fresh.output
    assert (tmp_path / "new" / ".gitignore").read_text("utf-8") == ".zenodeploy/\n"
    assert f"wrote {tmp_path / 'new' / '.gitignore'}" in fresh.output
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / ".gitignore").write_text("*.pyc", "utf-8")
    assert CliRunner().invoke(cli, ["init", str(tmp_path / "old"), *flags]).exit_code == 0
    assert (tmp_path / "old" / ".gitignore").read_text("utf-8") == "*.pyc\n.zenodeploy/\n"
    again = CliRunner().invoke(cli, ["init", str(tmp_path / "old"), *flags, "--force"])
    assert again.exit_code == 0, again.output
    assert (tmp_path / "old" / ".gitignore").read_text("utf-8") == "*.pyc\n.zenodeploy/\n"
    assert ".gitignore" not in again.output


def test_second_init_reuses_the_saved_answers_and_keeps_the_profile(tmp_path: Path) -> None:
    first = ["init", str(tmp_path / "a"), "--no-input", "--family", "Doe", "--given", "Jane"]
    assert CliRunner().invoke(cli, first).exit_code == 0
    before = profile_path().stat().st_mtime_ns
    second = CliRunner().invoke(cli, ["init", str(tmp_path / "b")], input=_answers(*[""] * 7))
    assert second.exit_code == 0, second.output
    assert "Family name [Doe]" in second.output
    assert "profile.yaml" not in second.output  # unchanged, not rewritten
    assert profile_path().stat().st_mtime_ns == before
    changed = CliRunner().invoke(cli, ["init", "--no-input", "--license", "cc0-1.0"])
    assert changed.exit_code == 1
    assert f"the profile {profile_path()} already exists with other answers" in changed.output
    assert CliRunner().invoke(cli, ["init", "--no-input", "--license", "cc0-1.0", "--force"]).exit_code == 0
    assert load_profile()["license"] == "cc0-1.0"


def test_init_through_prompts_then_validate_and_apply_to_the_emulator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, emulator: Emulator
) -> None:
    project = tmp_path / "first-steps"
    answers = _answers("", "Doe", "Jane", GOOD_ORCID, "", "", emulator.url, "")
    made = CliRunner().invoke(cli, ["init", str(project)], input=answers)
    assert made.exit_code == 0, made.output
    assert "answer sandbox, zenodo, local or an https:// URL" in made.output  # http:// re-asked
    (project / "data" / "table.csv").write_text("a,b\n1,2\n", "utf-8")
    manifest = str(project / "zenodeploy.yaml")
    assert CliRunner().invoke(cli, ["validate", manifest]).exit_code == 0
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)
    applied = CliRunner().invoke(
        cli, ["apply", manifest, "--server", emulator.url, "--token-env", "ZENODO_TOKEN", "--yes"]
    )
    assert applied.exit_code == 0, applied.output
    with ZenodoClient(emulator.url, LOCAL_TOKEN) as client:
        (record,) = list(client.search_user_records(None))
        files = client.draft_files(record["id"])
    assert record["metadata"]["title"] == "Title of the dataset"
    assert record["metadata"]["creators"][0]["person_or_org"]["family_name"] == "Doe"
    assert sorted(e["key"] for e in files["entries"]) == ["data/README.md", "data/table.csv"]
    again = CliRunner().invoke(
        cli,
        ["plan", manifest, "--server", emulator.url, "--token-env", "ZENODO_TOKEN", "--detailed-exitcode"],
    )
    assert again.exit_code == 0, again.output  # nothing left to change
