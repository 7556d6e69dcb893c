"""``zenodeploy login``: check a token against its server (read, then a harmless write probe) and store it."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from zenodeploy.errors import ConfigError
from zenodeploy.reconcile.tokens import (
    SERVICE,
    env_token,
    keyring_backend,
    server_key,
    store_token,
    stored_token,
    tokens_path,
)
from zenodeploy.zenodo.servers import base_url, token_env_name


@dataclass(frozen=True, slots=True)
class TokenCheck:
    """What ``login --check`` found out. ``can_write`` is None when the probe could not tell."""

    server: str
    source: str
    account: str
    records: int
    can_write: bool | None
    write_detail: str


def check_token(server: str, token: str, *, source: str, probe_write: bool = True) -> TokenCheck:
    """Verify ``token`` against ``server`` and find out whether it may create drafts.

    Read check: ``GET /api/user/records?size=1`` (InvenioRDM has no ``/api/me``); a refused token
    raises ``ConfigError``. Write check — the cheapest harmless one: InvenioRDM (and Zenodo) does not expose a token's scopes, so the only proof is to create an
    empty draft (``POST /api/records {}``: no DOI is reserved, nothing becomes visible) and
    delete it at once (``DELETE /api/records/{id}/draft``).
    """
    from zenodeploy.zenodo.client import ZenodoClient
    from zenodeploy.zenodo.failures import PermissionDenied

    url = base_url(server)
    with ZenodoClient(url, token) as client:
        try:
            listing = client.check_token()
        except PermissionDenied as exc:
            raise ConfigError(
                f"{url} refused the token from {source} ({exc.status}): it is wrong, expired or revoked. "
                f"Create a new one at {url}/account/settings/applications/tokens/new/ and run "
                "'zenodeploy login' again."
            ) from None
        hits = listing.get("hits", {}) if isinstance(listing, dict) else {}
        total = hits.get("total", 0)
        total = int(total.get("value", 0) if isinstance(total, dict) else total or 0)
        owners = [_owner(hit) for hit in hits.get("hits", [])]
        account = next((o for o in owners if o), "")
        can_write: bool | None = None
        detail = "not checked"
        if probe_write:
            can_write, detail, owner = _probe_write(client)
            account = account or owner
    return TokenCheck(url, source, account or "unknown (no records yet)", total, can_write, detail)


def _owner(record: Any) -> str:
    user = (((record or {}).get("parent") or {}).get("access") or {}).get("owned_by") or {}
    return f"user {user['user']}" if isinstance(user, dict) and user.get("user") else ""


def _probe_write(client: Any) -> tuple[bool | None, str, str]:
    from zenodeploy.errors import ApiError
    from zenodeploy.zenodo.failures import PermissionDenied

    try:
        draft = client.create_draft({})
    except PermissionDenied:
        return False, "no: creating a draft was refused", ""
    except ApiError as exc:
        return None, f"unknown: creating a draft failed ({exc.status})", ""
    draft_id = str(draft.get("id", ""))
    try:
        client.delete_draft(draft_id)
    except ApiError:
        return (
            True,
            f"yes (but the test draft {draft_id} could not be deleted; discard it on the website)",
            _owner(draft),
        )
    return True, "yes (created and deleted an empty draft)", _owner(draft)


@dataclass(frozen=True, slots=True)
class LoginResult:
    """``stored_in``: where the new token went (None: nothing stored); ``shadowed_by``: the
    environment variable that will be used instead of the stored token, if set."""

    stored_in: str | None
    check: TokenCheck | None
    shadowed_by: str | None


def current_token(server: str) -> tuple[str, str] | None:
    """The token a run would use for ``server`` and where it comes from, or None."""
    name = env_token(server)
    if name:
        return os.environ[name].strip(), f"the environment variable {name}"
    value = stored_token(server)
    if value:
        where = (
            "the system keyring"
            if keyring_backend() is not None and _in_keyring(server)
            else str(tokens_path())
        )
        return value, where
    return None


def _in_keyring(server: str) -> bool:
    backend = keyring_backend()
    try:
        return backend is not None and bool(backend.get_password(SERVICE, server_key(server)))
    except Exception:
        return False


def login(server: str, token: str | None, *, check: bool, given_by: str = "the prompt") -> LoginResult:
    """Store ``token`` for ``server`` (checked first when ``check``: a refused token is not stored).

    ``given_by`` says where ``token`` came from ("the prompt", "standard input") in messages.
    With ``token`` None, ``check`` verifies the token a run would use (environment or stored).
    """
    server_key(server)  # unknown servers and 'local' fail before anything else
    if token is None:
        found = current_token(server)
        if found is None:
            var = token_env_name(server)
            raise ConfigError(
                f"No token for {server} to check: run 'zenodeploy login --server {server}' first"
                + (f", or set {var}." if var else " (ZENODO_TOKEN is only ever sent to zenodo.org).")
            )
        return LoginResult(None, check_token(server, found[0], source=found[1]), None)
    result = check_token(server, token, source=given_by) if check else None
    where = store_token(server, token)
    return LoginResult(where, result, env_token(server))
