"""The InvenioRDM/Zenodo HTTP client: the only package that imports requests.

Typical use::

    client = ZenodoClient(base_url("sandbox"), resolve_token("sandbox", token_env=None, profile_token=None))
    draft = client.create_draft({"metadata": {...}})
    upload_file(client, draft["id"], "data.csv", path, md5=md5, size=size)
"""

from __future__ import annotations

from zenodeploy.zenodo.client import ACCEPT, USER_AGENT, ZenodoClient
from zenodeploy.zenodo.failures import (
    ConnectionFailed,
    NotFound,
    OutcomeUnknown,
    PermissionDenied,
    RateLimited,
    ServerFailed,
    redact_url,
)
from zenodeploy.zenodo.ratelimit import RateLimiter
from zenodeploy.zenodo.retry import RetryPolicy
from zenodeploy.zenodo.servers import SERVERS, base_url, resolve_token, token_env_name
from zenodeploy.zenodo.upload import upload_file

__all__ = [
    "ACCEPT",
    "SERVERS",
    "USER_AGENT",
    "ConnectionFailed",
    "NotFound",
    "OutcomeUnknown",
    "PermissionDenied",
    "RateLimited",
    "RateLimiter",
    "RetryPolicy",
    "ServerFailed",
    "ZenodoClient",
    "base_url",
    "redact_url",
    "resolve_token",
    "token_env_name",
    "upload_file",
]
