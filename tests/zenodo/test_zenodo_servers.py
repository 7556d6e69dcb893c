from __future__ import annotations

import pytest

from zenodeploy.errors import ConfigError
from zenodeploy.zenodo.servers import base_url, resolve_token


@pytest.mark.parametrize(
    ("server", "expected"),
    [
        ("sandbox", "https://sandbox.zenodo.org"),
        ("zenodo", "https://zenodo.org"),
        ("https://data.example.org/", "https://data.example.org"),
        ("https://data.example.org/rdm/", "https://data.example.org/rdm"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("http://127.3.4.5:80/", "http://127.3.4.5:80"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://[::1]:9000", "http://[::1]:9000"),
    ],
)
def test_base_url_accepts_names_https_and_loopback_http(server: str, expected: str) -> None:
    assert base_url(server) == expected


@pytest.mark.parametrize(
    "server", ["http://zenodo.org", "http://192.168.1.10:5000", "http://localhost.evil.org"]
)
def test_plain_http_to_another_host_is_refused_with_the_reason(server: str) -> None:
    with pytest.raises(ConfigError, match=r"Refusing plain http:// .* unencrypted\. Use https://"):
        base_url(server)


@pytest.mark.parametrize(
    ("server", "message"),
    [
        ("zenodo-sandbox", "Unknown server 'zenodo-sandbox'; use one of sandbox, zenodo, local"),
        ("ftp://example.org", "Unknown server"),
        ("https://user:pw@example.org", "must not contain a user name or password"),
        ("https://example.org/?access_token=x", "without ? or #"),
    ],
)
def test_unusable_server_values_are_explained(server: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("?", r"\?")):
        base_url(server)


def test_token_env_option_wins_over_everything() -> None:
    env = {"MY_TOKEN": "from-option", "ZENODO_TOKEN": "from-env"}
    assert resolve_token("zenodo", token_env="MY_TOKEN", profile_token="p", environ=env) == "from-option"


def test_token_env_option_naming_an_unset_variable_is_an_error() -> None:
    with pytest.raises(
        ConfigError, match="--token-env names MY_TOKEN, but that environment variable is empty"
    ):
        resolve_token("zenodo", token_env="MY_TOKEN", profile_token="p", environ={"ZENODO_TOKEN": "x"})


def test_each_named_server_reads_its_own_variable_then_the_profile() -> None:
    env = {"ZENODO_TOKEN": "prod", "ZENODO_SANDBOX_TOKEN": "sand"}
    assert resolve_token("zenodo", token_env=None, profile_token="p", environ=env) == "prod"
    assert resolve_token("sandbox", token_env=None, profile_token="p", environ=env) == "sand"
    assert (
        resolve_token("https://sandbox.zenodo.org", token_env=None, profile_token=None, environ=env) == "sand"
    )
    assert resolve_token("https://rdm.example.org", token_env=None, profile_token="p", environ=env) == "p"
    assert resolve_token("zenodo", token_env=None, profile_token="p", environ={"ZENODO_TOKEN": " "}) == "p"


def test_sandbox_never_falls_back_to_the_production_token_and_says_so() -> None:
    with pytest.raises(ConfigError) as info:
        resolve_token("sandbox", token_env=None, profile_token=None, environ={"ZENODO_TOKEN": "prod-secret"})
    message = str(info.value)
    assert message.startswith(
        "No access token for sandbox: set the environment variable ZENODO_SANDBOX_TOKEN"
    )
    assert "ZENODO_TOKEN is set but is deliberately not used for the sandbox" in message
    assert "https://sandbox.zenodo.org/account/settings/applications/tokens/new/" in message
    assert "deposit:write and deposit:actions" in message
    assert "prod-secret" not in message


def test_missing_token_is_none_when_not_required() -> None:
    assert resolve_token("zenodo", token_env=None, profile_token=None, required=False, environ={}) is None
