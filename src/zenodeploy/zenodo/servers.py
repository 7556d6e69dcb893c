"""Which server a run talks to: server names → base URLs, and which token to use for it."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from zenodeploy.errors import ConfigError

SERVERS: dict[str, str] = {"sandbox": "https://sandbox.zenodo.org", "zenodo": "https://zenodo.org"}

#: Environment variable read for each named server. Any other URL uses ``ZENODO_TOKEN``.
#: The sandbox deliberately has its own variable and never falls back to ``ZENODO_TOKEN``,
#: so that a production token cannot be sent to the sandbox (or the reverse) by accident.
TOKEN_ENV: dict[str, str] = {"sandbox": "ZENODO_SANDBOX_TOKEN", "zenodo": "ZENODO_TOKEN"}
DEFAULT_TOKEN_ENV = "ZENODO_TOKEN"  # noqa: S105 (a variable name, not a secret)

_SCOPES = "deposit:write and deposit:actions"


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def base_url(server: str) -> str:
    """Return the base URL (no trailing slash) for a server name or an InvenioRDM base URL.

    Accepts ``sandbox``, ``zenodo``, any ``https://`` URL, and ``http://`` only for loopback
    hosts (127.0.0.0/8, ::1, localhost) — a token sent over plain HTTP to another host could be
    read by anyone on the way. Raises :class:`ConfigError` otherwise.
    """
    if server in SERVERS:
        return SERVERS[server]
    parts = urlsplit(server)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        names = ", ".join(sorted(SERVERS))
        raise ConfigError(
            f"Unknown server {server!r}; use one of {names}, local, or an https:// URL of an InvenioRDM instance."
        )
    if parts.username or parts.password:
        raise ConfigError(
            "The server URL must not contain a user name or password; pass the token through "
            "--token-env or the environment instead."
        )
    if parts.query or parts.fragment:
        raise ConfigError(
            f"The server URL must be a plain base URL such as https://{parts.hostname}, without ? or #."
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ConfigError(
            f"Refusing plain http:// for {parts.hostname}: the access token would travel unencrypted. "
            f"Use https://{parts.netloc}{parts.path} (http:// is allowed only for 127.0.0.1, ::1 and localhost)."
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")


def token_env_name(server: str) -> str:
    """The environment variable that holds the token for ``server`` (a name or a base URL)."""
    for name, url in SERVERS.items():
        if server in (name, url, url + "/"):
            return TOKEN_ENV[name]
    return DEFAULT_TOKEN_ENV


def _token_page(server: str) -> str:
    root = SERVERS.get(server, server).rstrip("/")
    return f"{root}/account/settings/applications/tokens/new/"


def resolve_token(
    server: str,
    *,
    token_env: str | None,
    profile_token: str | None,
    required: bool = True,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """Find the access token for ``server``; the value is never logged or shown.

    Order: the variable named by ``--token-env`` (when given, it must be set), then the
    server's own variable (``ZENODO_SANDBOX_TOKEN`` for the sandbox, ``ZENODO_TOKEN`` for
    zenodo.org and any other URL), then ``profile_token``. Empty values count as unset.
    When nothing is found, returns ``None`` if not ``required``, else raises a
    :class:`ConfigError` that says which variable to set and how to create a token.
    """
    env = os.environ if environ is None else environ
    if token_env:
        value = env.get(token_env, "").strip()
        if value:
            return value
        raise ConfigError(
            f"--token-env names {token_env}, but that environment variable is empty or not set; "
            f"export {token_env}=<your token> or drop --token-env."
        )
    var = token_env_name(server)
    value = env.get(var, "").strip()
    if value:
        return value
    if profile_token:
        return profile_token
    if not required:
        return None
    note = ""
    if var != DEFAULT_TOKEN_ENV and env.get(DEFAULT_TOKEN_ENV, "").strip():
        note = (
            f" {DEFAULT_TOKEN_ENV} is set but is deliberately not used for the sandbox, so that a "
            "production token is never sent there by accident."
        )
    raise ConfigError(
        f"No access token for {server}: set the environment variable {var} (or pass --token-env NAME, "
        f"or store one in your profile).{note} Create a token at {_token_page(server)} "
        f"(Account → Applications → Personal access tokens) with the scopes {_SCOPES}."
    )
