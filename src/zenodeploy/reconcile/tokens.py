"""Stored access tokens: the system keyring when a usable one exists, else a 0600 file.

``zenodeploy login`` stores; :func:`stored_token` reads, and is what the reconcile code passes
as ``profile_token`` to :func:`zenodeploy.zenodo.servers.resolve_token`. Environment variables
always win: when the server's variable (or ``--token-env``) is set, storage is not even read.
A stored token is bound to its server's URL, so it is the way to keep a token for another URL.

Tokens are keyed by the server's base URL (``sandbox`` and ``https://sandbox.zenodo.org`` are
the same entry). The keyring entry is service ``zenodeploy``, user name = base URL. The file
is ``<config dir>/tokens.yaml`` (a mapping base URL → token), created with mode 0600 and
refused when group or others can read it. No function here logs, returns in a message, or
raises with a token in it; YAML errors are reported without their text, which may quote it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from zenodeploy.errors import ConfigError
from zenodeploy.manifest.profile import config_dir
from zenodeploy.zenodo.servers import base_url, token_env_name

log = logging.getLogger(__name__)

SERVICE = "zenodeploy"
LOCAL = "local"  # the built-in emulator: its token is public and never stored


def tokens_path() -> Path:
    return config_dir() / "tokens.yaml"


def server_key(server: str) -> str:
    """The storage key of ``server``: its base URL (raises ``ConfigError`` for an unknown server)."""
    if server == LOCAL:
        raise ConfigError(
            "The local emulator needs no token (it accepts its built-in one); nothing to store."
        )
    return base_url(server)


def env_token(
    server: str, token_env: str | None = None, environ: Mapping[str, str] | None = None
) -> str | None:
    """The name of the environment variable that provides the token for ``server``, if it is set."""
    env = os.environ if environ is None else environ
    name = token_env or token_env_name(server)
    return name if name and env.get(name, "").strip() else None


def stored_token(
    server: str, *, token_env: str | None = None, environ: Mapping[str, str] | None = None
) -> str | None:
    """The stored token for ``server``, or ``None``; ``None`` without reading storage when an
    environment variable already provides one (environment wins). A token file readable by
    others raises ``ConfigError``; an unreadable keyring is logged (without secrets) and skipped."""
    if server == LOCAL or env_token(server, token_env, environ):
        return None
    key = server_key(server)
    backend = keyring_backend()
    if backend is not None:
        try:
            value = backend.get_password(SERVICE, key)
        except Exception as exc:  # any backend failure (locked, D-Bus gone): fall back to the file
            log.warning(
                "could not read the system keyring (%s); trying %s", type(exc).__name__, tokens_path()
            )
        else:
            if value:
                return str(value)
    return _read_file(tokens_path()).get(key)


def store_token(server: str, token: str) -> str:
    """Store ``token`` for ``server``; return where, in words (for the user). Replaces an old one."""
    token = token.strip()
    if not token or any(ch.isspace() or not ch.isprintable() for ch in token):
        raise ConfigError(
            "That is not an access token (empty, or with spaces or control characters); copy it again "
            "from the server's Applications page."
        )
    key = server_key(server)
    backend = keyring_backend()
    if backend is not None:
        try:
            backend.set_password(SERVICE, key, token)
        except Exception as exc:
            log.warning(
                "could not write to the system keyring (%s); using the token file", type(exc).__name__
            )
        else:
            _remove_from_file(key)  # one copy only: a stale file entry would never be read again
            return f"the system keyring ({backend_name(backend)})"
    path = tokens_path()
    data = _read_file(path)
    data[key] = token
    _write_file(path, data)
    return f"{path} (mode 0600)"


def forget_token(server: str) -> list[str]:
    """Remove the stored token for ``server`` everywhere; return the places it was removed from."""
    key = server_key(server)
    removed = []
    backend = keyring_backend()
    if backend is not None:
        try:
            if backend.get_password(SERVICE, key):
                backend.delete_password(SERVICE, key)
                removed.append(f"the system keyring ({backend_name(backend)})")
        except Exception as exc:
            log.warning("could not update the system keyring (%s)", type(exc).__name__)
    if _remove_from_file(key):
        removed.append(str(tokens_path()))
    return removed


def keyring_backend() -> Any | None:
    """The keyring backend if the optional ``keyring`` package is installed and a real backend is
    configured; ``None`` for its fail/null backends (headless machines, CI) or any setup error."""
    try:
        import keyring
        from keyring.backends import chainer, fail, null
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken keyring configuration must not break a run that has a file
        return None
    if isinstance(backend, (fail.Keyring, null.Keyring)) or getattr(backend, "priority", 0) <= 0:
        return None
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return None
    return backend


def backend_name(backend: Any) -> str:
    return str(getattr(backend, "name", type(backend).__name__))


def _read_file(path: Path) -> dict[str, str]:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return {}
    if os.name != "nt" and mode & 0o077:
        raise ConfigError(
            f"Refusing to read {path}: other users can read it (mode {mode & 0o777:o}). "
            f"Run 'chmod 600 {path}', and replace the token if someone else may have seen it."
        )
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        # The parser's message quotes the offending line, which may be a token: never show it.
        raise ConfigError(
            f"{path} cannot be read as YAML. Delete it and run 'zenodeploy login' again."
        ) from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ConfigError(
            f"{path} must map server URLs to tokens. Delete it and run 'zenodeploy login' again."
        )
    return {str(k): v for k, v in data.items()}


def _write_file(path: Path, data: Mapping[str, str]) -> None:
    """Write atomically through a temporary file created 0600 (the umask can only narrow it)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("# zenodeploy access tokens (server base URL: token). Keep this file private.\n")
        yaml.safe_dump(dict(data), handle, sort_keys=True)
    tmp.replace(path)


def _remove_from_file(key: str) -> bool:
    path = tokens_path()
    if not path.exists():
        return False
    data = _read_file(path)
    if key not in data:
        return False
    del data[key]
    _write_file(path, data)
    return True
