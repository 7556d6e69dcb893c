"""Communities through the review flow on first publish, and inclusion requests afterwards."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from zenodeploy.cli import cli
from zenodeploy.emulator import LOCAL_TOKEN, Emulator

MINIMAL = Path(__file__).resolve().parents[2] / "examples" / "minimal"


@pytest.fixture
def emulator(make_emulator: Callable[..., Emulator]) -> Emulator:
    return make_emulator(communities=("chemistry", "teaching"))


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "project"
    shutil.copytree(MINIMAL, target)
    path = target / "zenodeploy.yaml"
    path.write_text(path.read_text() + "    communities: [chemistry]\n    publish: true\n")
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)
    return path


def open_requests(emulator: Emulator) -> list[dict]:
    import requests

    listing = requests.get(
        f"{emulator.url}/api/_emulator/requests", headers=emulator.admin_headers, timeout=10
    ).json()
    hits = listing["hits"]
    return [r for r in hits if r["status"] == "submitted"]


def test_first_publish_goes_through_review_and_is_not_requested_twice(
    emulator: Emulator, manifest: Path, run: Callable[..., Any]
) -> None:
    first = run(emulator, "apply", str(manifest), "--yes")
    assert first["depositions"][0]["state"] == "in review"
    pending = open_requests(emulator)
    assert len(pending) == 1 and pending[0]["type"] == "community-submission"

    emulator.reset_stats()
    waiting = run(emulator, "plan", str(manifest))
    assert waiting[0]["actions"] == [] and waiting[0]["communities"] == {"chemistry": "submitted"}
    assert any("waiting for chemistry" in n for n in waiting[0]["notes"])
    assert sum(emulator.stats()["requests"].get(m, 0) for m in ("POST", "PUT", "DELETE")) == 0

    emulator.accept_request(pending[0]["id"])
    status = run(emulator, "status", str(manifest))
    assert status[0]["state"] == "published" and status[0]["communities"] == {"chemistry": "accepted"}
    again = run(emulator, "apply", str(manifest), "--yes")
    assert again["depositions"][0]["actions"] == []


def test_a_community_added_later_is_one_inclusion_request(
    emulator: Emulator, manifest: Path, run: Callable[..., Any]
) -> None:
    manifest.write_text(manifest.read_text().replace("    communities: [chemistry]\n", ""))
    run(emulator, "apply", str(manifest), "--yes")
    manifest.write_text(manifest.read_text() + "    communities: [teaching]\n")
    plan = run(emulator, "plan", str(manifest))
    assert [a["type"] for a in plan[0]["actions"]] == ["AddCommunities"]
    run(emulator, "apply", str(manifest), "--yes")
    pending = open_requests(emulator)
    assert len(pending) == 1 and pending[0]["type"] == "community-inclusion"
    emulator.reset_stats()
    assert run(emulator, "apply", str(manifest), "--yes")["depositions"][0]["actions"] == []
    assert emulator.stats()["requests"].get("POST", 0) == 0
    emulator.decline_request(pending[0]["id"])
    declined = run(emulator, "plan", str(manifest))
    assert declined[0]["communities"] == {"teaching": "declined"} and declined[0]["actions"] == []


def test_an_unknown_community_stops_the_plan_at_its_line_before_any_write(
    emulator: Emulator, manifest: Path, writes: Callable[[Emulator], int]
) -> None:
    manifest.write_text(manifest.read_text().replace("communities: [chemistry]", "communities: [chemistri]"))
    emulator.reset_stats()
    result = CliRunner().invoke(
        cli, ["apply", str(manifest), "--server", emulator.url, "--token-env", "ZENODO_TOKEN", "--yes"]
    )
    assert result.exit_code == 1
    line = next(n for n, t in enumerate(manifest.read_text().splitlines(), 1) if "communities:" in t)
    assert f"zenodeploy.yaml:{line}:" in result.stderr
    assert "depositions[0].communities[0]: no community 'chemistri'" in result.stderr
    assert writes(emulator) == 0


def test_a_curator_of_an_open_community_is_published_at_once(
    emulator: Emulator, manifest: Path, run: Callable[..., Any]
) -> None:
    """invenio-communities lets a curator include directly under review_policy: open, so the
    review is accepted on submit and the draft is published then (no curator action)."""
    emulator.add_community({"slug": "our-lab", "review_policy": "open", "members": {"local": "curator"}})
    manifest.write_text(manifest.read_text().replace("communities: [chemistry]", "communities: [our-lab]"))
    first = run(emulator, "apply", str(manifest), "--yes")
    outcome = first["depositions"][0]
    assert (outcome["state"], outcome["error"]) == ("published", None)
    assert outcome["doi"]
    assert open_requests(emulator) == []
    again = run(emulator, "plan", str(manifest))
    assert again[0]["actions"] == [] and again[0]["communities"] == {"our-lab": "accepted"}


def test_the_other_communities_are_asked_for_once_the_first_published_the_record(
    emulator: Emulator, manifest: Path, run: Callable[..., Any]
) -> None:
    """Published at once through an open community, the record asks for the others in the same run."""
    emulator.add_community({"slug": "our-lab", "review_policy": "open", "members": {"local": "curator"}})
    manifest.write_text(
        manifest.read_text().replace("communities: [chemistry]", "communities: [our-lab, chemistry]")
    )
    outcome = run(emulator, "apply", str(manifest), "--yes")["depositions"][0]
    assert (outcome["state"], outcome["error"]) == ("published", None)
    assert len(open_requests(emulator)) == 1  # chemistry's inclusion request, made in this run
    again = run(emulator, "plan", str(manifest))
    assert again[0]["actions"] == []
    assert again[0]["communities"] == {"our-lab": "accepted", "chemistry": "submitted"}


def _curator(*args: str) -> Any:
    return CliRunner().invoke(cli, ["emulator", *args])


def test_the_curator_commands_decide_on_a_running_emulator_and_on_its_folder(
    make_emulator: Callable[..., Emulator], manifest: Path, run: Callable[..., Any], tmp_path: Path
) -> None:
    from zenodeploy.cli.emulator_admin import announce

    data = tmp_path / "emu"
    emulator = make_emulator(data_dir=data, communities=("chemistry", "teaching"))
    # Only the announcement leads to the running emulator: this folder holds no data of its own.
    announced = tmp_path / "announced"
    announced.mkdir()
    announce(announced, emulator.url, emulator.admin_token)
    assert run(emulator, "apply", str(manifest), "--yes")["depositions"][0]["state"] == "in review"
    record = run(emulator, "status", str(manifest))[0]["record_id"]
    listed = _curator("requests", "--data", str(announced))
    assert listed.exit_code == 0, listed.output
    request_id = open_requests(emulator)[0]["id"]
    assert listed.output == f"{request_id}  submitted  submission of record {record} into chemistry\n"
    accepted = _curator("--data", str(announced), "accept")  # the group's --data serves too
    assert accepted.exit_code == 0, accepted.output
    assert accepted.output == f"accepted {request_id}: submission of record {record} into chemistry\n"
    assert run(emulator, "status", str(manifest))[0]["state"] == "published"

    manifest.write_text(manifest.read_text().replace("[chemistry]", "[chemistry, teaching]"))
    run(emulator, "apply", str(manifest), "--yes")
    inclusion = open_requests(emulator)[0]["id"]
    emulator.stop()  # from now on only the folder: the command opens it for the call
    declined = _curator("decline", inclusion[:8], "--data", str(data))
    assert declined.exit_code == 0, declined.output
    assert declined.output == f"declined {inclusion}: inclusion of record {record} into teaching\n"
    again = make_emulator(data_dir=data)
    import requests

    hits = requests.get(f"{again.url}/api/_emulator/requests", headers=again.admin_headers, timeout=10).json()
    assert [r["status"] for r in hits["hits"] if r["id"] == inclusion] == ["declined"]


def test_the_curator_commands_say_what_to_do(make_emulator: Callable[..., Emulator], tmp_path: Path) -> None:
    data = tmp_path / "emu"
    make_emulator(data_dir=data).stop()
    nothing = _curator("accept", "--data", str(data))
    assert nothing.exit_code == 2
    assert (
        "error: no open request to accept: an apply that submits a deposition to a community"
        in nothing.output
    )
    unknown = _curator("decline", "abc", "--data", str(data))
    assert "error: no request id starts with 'abc'; open requests: none." in unknown.output
    empty = _curator("requests", "--data", str(tmp_path / "nothing-here"))
    assert empty.exit_code == 2 and "holds no emulator data" in empty.output
    added = _curator("communities", "--add", "my-lab:open", "--data", str(data))
    assert added.exit_code == 0, added.output
    assert "my-lab  (review policy open)" in added.output.splitlines()


def test_an_unknown_community_on_the_local_emulator_says_how_to_add_it_there(manifest: Path) -> None:
    result = CliRunner().invoke(cli, ["plan", str(manifest), "--server", "local"])
    assert result.exit_code == 1
    assert (
        "no community 'chemistry' on the local emulator; add it with 'zenodeploy emulator communities "
        "--add chemistry --data .zenodeploy/local' in the manifest's folder" in result.stderr
    )
    added = _curator(
        "communities", "--add", "chemistry", "--data", str(manifest.parent / ".zenodeploy" / "local")
    )
    assert added.exit_code == 0, added.output
    again = CliRunner().invoke(cli, ["plan", str(manifest), "--server", "local"])
    assert again.exit_code == 0, again.output
