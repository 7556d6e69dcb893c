"""What a newcomer sees: the CLI prints the URL, the token and working lines to point zenodeploy
at it; the root page lists records and drafts with links to ``/records/{id}`` and ``/uploads/{id}``."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from rdm_client import MINIMAL, Api

from zenodeploy.cli import cli, remote
from zenodeploy.emulator import LOCAL_TOKEN, Emulator


def test_root_page_lists_records_and_drafts_with_working_links(api: Api, emulator: Emulator) -> None:
    empty = requests.get(f"{emulator.url}/", timeout=10)
    assert empty.status_code == 200 and empty.headers["Content-Type"].startswith("text/html")
    assert "No records or drafts yet." in empty.text
    record = api.published(b"abc")
    draft = api(
        "POST", "/records", json={**MINIMAL, "metadata": {**MINIMAL["metadata"], "title": "Half done"}}
    )
    draft_id = draft.json()["id"]
    api.upload(draft_id, "part.csv", b"x,y\n")
    index = requests.get(f"{emulator.url}/", timeout=10).text
    links = re.findall(r'href="(/(?:records|uploads)/\d+)"', index)
    assert f"/records/{record['id']}" in links and f"/uploads/{draft_id}" in links
    assert "Half done" in index and record["pids"]["doi"]["identifier"] in index
    pages = {link: requests.get(f"{emulator.url}{link}", timeout=10) for link in links}
    assert all(p.status_code == 200 for p in pages.values())
    shown = pages[f"/uploads/{draft_id}"].text
    assert "Half done" in shown and "Draft — not published" in shown and "part.csv" in shown
    assert "Published" in pages[f"/records/{record['id']}"].text


def test_draft_link_of_the_api_is_served(api: Api, emulator: Emulator) -> None:
    draft = api("POST", "/records", json=MINIMAL).json()
    page = requests.get(draft["links"]["self_html"], timeout=10)
    assert page.status_code == 200 and "My data" in page.text
    assert requests.get(f"{emulator.url}/uploads/999", timeout=10).status_code == 404
    assert requests.get(f"{emulator.url}/records/{draft['id']}", timeout=10).status_code == 404


@pytest.fixture
def served(tmp_path: Path) -> Iterator[list[str]]:
    """The CLI emulator's first lines of output (up to "Ctrl-C stops it.")."""
    command = [sys.executable, "-m", "zenodeploy", "emulator", "--data", str(tmp_path / "emu")]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith("Ctrl-C"):
            break
    try:
        yield lines
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_cli_prints_url_token_and_lines_that_work(
    served: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = served[0]
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
    assert f"token: {LOCAL_TOKEN} (user local)" in served
    assert any(line.startswith("admin token for /api/_emulator/*: ") for line in served)
    assert any(line.startswith(f"records and drafts: {url}/ ") for line in served)
    export = next(line.strip() for line in served if line.strip().startswith("export "))
    name, _, value = export.removeprefix("export ").partition("=")
    command = shlex.split(next(line for line in served if "zenodeploy apply" in line))
    assert command[:2] == ["zenodeploy", "apply"] and command[command.index("--server") + 1] == url

    monkeypatch.chdir(tmp_path)
    for key in ("ZENODO_TOKEN", "ZENODO_SANDBOX_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("ZENODEPLOY_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("ZENODEPLOY_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()
    made = runner.invoke(
        cli, ["init", ".", "--no-input", "--family", "Doe", "--given", "Jane", "--orcid", ""]
    )
    assert made.exit_code == 0, made.output
    monkeypatch.setattr(remote, "stdin_is_terminal", lambda: True)  # typed by a person, who says y
    applied = runner.invoke(cli, command[1:], env={name: value}, input="y\n")
    assert applied.exit_code == 0, applied.output
    assert f"draft {url}/uploads/" in applied.output
    draft_url = re.search(rf"{re.escape(url)}/uploads/\d+", applied.output)
    assert draft_url and "Title of the dataset" in requests.get(draft_url.group(0), timeout=10).text
    assert draft_url.group(0).removeprefix(url) in requests.get(f"{url}/", timeout=10).text


def test_cli_announces_itself_to_the_curator_commands_while_it_runs(tmp_path: Path) -> None:
    data = tmp_path / "emu"
    command = [sys.executable, "-m", "zenodeploy", "emulator", "--data", str(data), "--community", "my-lab"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    try:
        lines = []
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("Ctrl-C"):
                break
        assert f"community requests: zenodeploy emulator requests --data {data}" in lines
        announced = data / "serving.json"
        assert announced.stat().st_mode & 0o777 == 0o600  # it holds the admin token
        listed = CliRunner().invoke(cli, ["emulator", "communities", "--data", str(data)])
        assert listed.exit_code == 0, listed.output
        assert "my-lab  (review policy closed)" in listed.output.splitlines()
    finally:
        process.terminate()  # SIGTERM: cleans up as Ctrl-C does
        process.wait(timeout=10)
        process.stdout.close()
    assert process.returncode == 0
    assert not announced.exists()
