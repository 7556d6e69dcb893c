"""Which server a run talks to: server names → base URLs, and which token to use for it."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from zenodeploy.errors import ConfigError

SERVERS: dict[str, str] = {"sandbox": "https://sandbox.zenodo.org", "zenodo": "https://zenodo.org"}

#: The environment variable bound to each named server: its token is sent to that server only.
#: Any other URL reads no variable by itself, so a manifest's ``server:`` cannot send a configured
#: token to a new host; it needs ``--token-env NAME`` or a token stored for that URL (``login``).
TOKEN_ENV: dict[str, str] = {"sandbox": "ZENODO_SANDBOX_TOKEN", "zenodo": "ZENODO_TOKEN"}
#: The variable the GitHub Action exports (and names with ``--token-env``) for any other URL.
OTHER_TOKEN_ENV = "ZENODEPLOY_TOKEN"  # noqa: S105 (a variable name, not a secret)

_SCOPES = "deposit:write and deposit:actions"
_SHOWN = {"sandbox": "the sandbox", "zenodo": "zenodo.org"}


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


def server_name(server: str) -> str | None:
    """``sandbox`` or ``zenodo`` for those names and their base URLs; None for any other server."""
    for name, url in SERVERS.items():
        if server in (name, url, url + "/"):
            return name
    return None


def token_env_name(server: str) -> str | None:
    """The environment variable bound to ``server`` (a name or a base URL); None for other URLs."""
    name = server_name(server)
    return TOKEN_ENV[name] if name else None


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
    server_given: bool = False,
) -> str | None:
    """Find the access token for ``server``; the value is never logged or shown.

    Order: the variable named by ``--token-env`` (when given, it must be set), then the variable
    bound to the server (``ZENODO_SANDBOX_TOKEN`` for the sandbox, ``ZENODO_TOKEN`` for zenodo.org,
    none for any other URL), then ``profile_token`` (stored for this server's URL). Empty values
    count as unset. ``--token-env`` naming a bound variable for another server is honoured only
    when ``server_given`` (``--server`` on the command line), never for a manifest's ``server:``.
    When nothing is found, returns ``None`` if not ``required``, else raises a
    :class:`ConfigError` that says which variable to set and how to create a token.
    """
    env = os.environ if environ is None else environ
    if token_env:
        _check_redirect(server, token_env, server_given)
        value = env.get(token_env, "").strip()
        if value:
            return value
        raise ConfigError(
            f"--token-env names {token_env}, but that environment variable is empty or not set; "
            f"export {token_env}=<your token> or drop --token-env."
        )
    var = token_env_name(server)
    value = env.get(var, "").strip() if var else ""
    if value:
        return value
    if profile_token:
        return profile_token
    if not required:
        return None
    raise ConfigError(_missing(server, var, env))


def _check_redirect(server: str, token_env: str, server_given: bool) -> None:
    owner = next((name for name, var in TOKEN_ENV.items() if var == token_env), None)
    if owner is None or owner == server_name(server) or server_given:
        return
    raise ConfigError(
        f"--token-env {token_env} names the token of {SERVERS[owner]}, but the manifest's server: is "
        f"{server}; a manifest cannot send that token to another server. To allow it, name the server "
        f"on the command line as well (--server {server})."
    )


def _missing(server: str, var: str | None, env: Mapping[str, str]) -> str:
    where = (
        f"set the environment variable {var} (or pass --token-env NAME" if var else "pass --token-env NAME"
    )
    others = [(n, v) for n, v in TOKEN_ENV.items() if v != var and env.get(v, "").strip()]
    if var:  # a named server: the other one's variable is never a fallback
        note = "".join(
            f" {v} is set but is deliberately not used for {_SHOWN.get(server, server)}, so that a "
            f"token of {_SHOWN[n]} is never sent there by accident."
            for n, v in others
        )
    elif others:
        names = " and ".join(v for _, v in others)
        note = (
            f" {names} {'is' if len(others) == 1 else 'are'} set but only ever sent to "
            f"{' and '.join(SERVERS[n] for n, _ in others)}: a manifest's server: cannot redirect a "
            f"configured token to another host, so no token was sent to {server}. To allow a token "
            f"there, export it under a name of your own and pass --token-env NAME --server {server}, "
            f"or store one for that URL with 'zenodeploy login --server {server}'."
        )
    else:
        note = ""
    return (
        f"No access token for {server}: {where}, or store one with "
        f"'zenodeploy login --server {server}').{note} Create a token at {_token_page(server)} "
        f"(Account → Applications → Personal access tokens) with the scopes {_SCOPES}."
    )
