"""A token goes only to the server it is bound to: ZENODO_TOKEN to zenodo.org, ZENODO_SANDBOX_TOKEN
to the sandbox; any other URL needs --token-env (with --server for a bound variable) or a token
stored for that URL. A manifest's ``server:`` cannot redirect a configured token."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from zenodeploy.cli import cli
from zenodeploy.emulator import LOCAL_TOKEN, Emulator
from zenodeploy.reconcile import tokens

SECRET = "prod-token-7f3a9c"


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every request 404 and keeps its headers."""

    seen: ClassVar[list[dict[str, str]]] = []

    def _answer(self) -> None:
        type(self).seen.append(dict(self.headers.items()))
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def other_host() -> Iterator[tuple[str, list[dict[str, str]]]]:
    seen: ClassVar[list[dict[str, str]]] = []
    handler = type("Handler", (_Recorder,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def _point(manifest: Path, server: str) -> None:
    manifest.write_text(
        manifest.read_text("utf-8").replace("version: 1\n", f"version: 1\nserver: {server}\n")
    )


def _explains(stderr: str, url: str, variable: str) -> None:
    message = " ".join(stderr.split())
    assert f"No access token for {url}" in message
    assert f"{variable} is set but only ever sent to https://" in message
    assert "a manifest's server: cannot redirect a configured token to another host" in message
    assert f"--token-env NAME --server {url}" in message and f"zenodeploy login --server {url}" in message


@pytest.mark.parametrize("variable", ["ZENODO_TOKEN", "ZENODO_SANDBOX_TOKEN"])
def test_a_configured_token_is_not_sent_to_another_host(
    manifest: Path,
    other_host: tuple[str, list[dict[str, str]]],
    variable: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A local HTTP server stands for the other host (a manifest accepts only https://, so the URL
    comes from --server here; the manifest's own server: is the next test)."""
    url, seen = other_host
    monkeypatch.delenv("ZENODO_TOKEN")
    monkeypatch.setenv(variable, SECRET)
    for command in (["plan", str(manifest)], ["apply", str(manifest), "--yes"]):
        result = CliRunner().invoke(cli, [*command, "--server", url])
        assert result.exit_code == 1, result.output
        _explains(result.stderr, url, variable)
        assert SECRET not in result.output
    assert not [h for h in seen if "Authorization" in h or SECRET in str(h)]


def test_a_manifest_server_does_not_receive_zenodo_token(
    manifest: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZENODO_TOKEN", SECRET)
    _point(manifest, "https://other-host.invalid")
    result = CliRunner().invoke(cli, ["apply", str(manifest), "--yes", "--publish"])
    assert result.exit_code == 1, result.output
    _explains(result.stderr, "https://other-host.invalid", "ZENODO_TOKEN")
    assert SECRET not in result.output


def test_token_env_naming_a_bound_variable_needs_the_server_on_the_command_line(
    manifest: Path, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZENODO_TOKEN", LOCAL_TOKEN)
    _point(manifest, "https://rdm.example.org")
    refused = CliRunner().invoke(cli, ["plan", str(manifest), "--token-env", "ZENODO_TOKEN"])
    assert refused.exit_code == 1
    message = " ".join(refused.stderr.split())
    assert "--token-env ZENODO_TOKEN names the token of https://zenodo.org" in message
    assert "name the server on the command line as well (--server https://rdm.example.org)" in message
    allowed = CliRunner().invoke(
        cli, ["plan", str(manifest), "--token-env", "ZENODO_TOKEN", "--server", emulator.url]
    )
    assert allowed.exit_code == 0, allowed.output


def test_another_url_uses_a_variable_of_its_own_or_a_stored_token(
    manifest: Path, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ZENODO_TOKEN")
    monkeypatch.setenv("MY_RDM_TOKEN", LOCAL_TOKEN)
    server = ["--server", emulator.url]
    own = CliRunner().invoke(cli, ["plan", str(manifest), *server, "--token-env", "MY_RDM_TOKEN"])
    assert own.exit_code == 0, own.output
    tokens.store_token(emulator.url, LOCAL_TOKEN)
    stored = CliRunner().invoke(cli, ["plan", str(manifest), *server])
    assert stored.exit_code == 0, stored.output
