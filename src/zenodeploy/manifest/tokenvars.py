"""Access tokens stay out of templates: token variables are refused under ``env:``, and a rendered
text that holds a token's value is found (by the JSON path where it appears) before anything is sent.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from zenodeploy.manifest.yamlpos import PathT, Positions
from zenodeploy.model import Finding
from zenodeploy.zenodo.servers import OTHER_TOKEN_ENV, TOKEN_ENV, token_env_name

# Any variable named like a token (GITHUB_TOKEN, ZENODO_TOKEN_ARCHIVE, MY_TOKEN) is refused too:
# whatever zenodeploy or another tool of the CI job reads a credential from.
_TOKEN_LIKE = re.compile(r"(?:^|_)TOKEN(?:S|_|$)", re.IGNORECASE)

#: Shorter values are not searched for in rendered text: too likely to occur by chance.
MIN_SECRET_LENGTH = 8


def token_env_names(server: str | None = None) -> set[str]:
    """Every environment variable zenodeploy reads a token from (for ``server`` as well when given)."""
    names = {OTHER_TOKEN_ENV, *TOKEN_ENV.values()}
    if server and (own := token_env_name(server)):
        names.add(own)
    return names


def is_token_name(name: str) -> bool:
    return name in token_env_names() or bool(_TOKEN_LIKE.search(name))


def env_findings(data: Mapping[str, Any], positions: Positions) -> list[Finding]:
    """A finding at each ``env:`` entry that names a token variable."""
    names = data.get("env")
    if not isinstance(names, list):
        return []
    return [
        positions.finding(
            ("env", index),
            f"{name} holds an access token: templates may not read it, since a description or field "
            "could publish it in a public record. Remove it from env: (zenodeploy reads its token itself)",
        )
        for index, name in enumerate(names)
        if isinstance(name, str) and is_token_name(name)
    ]


def secrets_from_env(
    server: str | None = None, extra: Iterable[str] = (), environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """``{value: variable name}`` of every token variable that is set (and ``extra`` names)."""
    env = os.environ if environ is None else environ
    out: dict[str, str] = {}
    for name in sorted(token_env_names(server) | set(extra)):
        value = env.get(name, "").strip()
        if len(value) >= MIN_SECRET_LENGTH:
            out.setdefault(value, name)
    return out


def find_secret(value: Any, secrets: Mapping[str, str], path: PathT = ()) -> tuple[PathT, str] | None:
    """The first ``(path, variable name)`` where a string inside ``value`` contains a secret."""
    for where, text in _strings(value, path):
        for secret, name in secrets.items():
            if len(secret) >= MIN_SECRET_LENGTH and secret in text:
                return where, name
    return None


def _strings(value: Any, path: PathT) -> Iterator[tuple[PathT, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(key, path)
            yield from _strings(item, (*path, str(key)))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))
