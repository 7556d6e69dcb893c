"""What a user may name a record by: its id, its DOI (bare or as a doi.org link) or its web address.

``10.5281/zenodo.123`` (zenodo.org) and ``10.5072/zenodo.123`` (the sandbox's test prefix) name
record 123; ``https://zenodo.org/records/123``, ``/uploads/123``, ``/record/123`` and
``/deposit/123`` too, on zenodo.org, the sandbox or the server the run talks to.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from zenodeploy.errors import UsageError

_DOI = re.compile(r"^(?:doi:)?(10\.\d{4,9}/\S+)$", re.I)
_ZENODO_SUFFIX = re.compile(r"^zenodo\.(\d+)$", re.I)
_DOI_HOSTS = ("doi.org", "dx.doi.org", "www.doi.org")
_PATH = re.compile(r"^/(?:records?|uploads|deposit|api/records|api/deposit/depositions)/(\d+)(?:/.*)?$")
ZENODO_HOSTS = {"zenodo.org": "zenodo", "www.zenodo.org": "zenodo", "sandbox.zenodo.org": "sandbox"}


def record_id(ref: str, base_url: str) -> str:
    """The record id ``ref`` names on the server at ``base_url``; ``UsageError`` saying why not."""
    text = ref.strip()
    if text.isdigit():
        return text
    parts = urlsplit(text)
    if parts.scheme in ("http", "https") and parts.hostname:
        if parts.hostname.lower() in _DOI_HOSTS:
            return _from_doi(unquote(parts.path.lstrip("/")), ref)
        return _from_url(parts.hostname.lower(), parts.port, parts.path, ref, base_url)
    doi = _DOI.match(text)
    if doi:
        return _from_doi(doi[1], ref)
    raise UsageError(
        f"'{ref}' is not a record id, a DOI or a record's web address; give e.g. 1234567, "
        "10.5281/zenodo.1234567 or https://zenodo.org/records/1234567."
    )


def _from_doi(doi: str, ref: str) -> str:
    suffix = doi.partition("/")[2]
    match = _ZENODO_SUFFIX.match(suffix)
    if match is None:
        raise UsageError(
            f"'{ref}' is not a Zenodo DOI (those end in /zenodo.<number>); zenodeploy imports only "
            "records of a Zenodo or InvenioRDM server. Give the record's id or its web address instead."
        )
    return match[1]


def _from_url(host: str, port: int | None, path: str, ref: str, base_url: str) -> str:
    server = urlsplit(base_url)
    same = host == (server.hostname or "").lower() and (port or None) == (server.port or None)
    if not same and host not in ZENODO_HOSTS:
        raise UsageError(
            f"'{ref}' is not an address on Zenodo or on {base_url}; give the record's id, its DOI, "
            "or its address on the server you import from (--server)."
        )
    if not same:
        raise UsageError(
            f"'{ref}' is a record on {host}, but this run talks to {base_url}; run with "
            f"--server {ZENODO_HOSTS[host]}, or give a record of {base_url}."
        )
    match = _PATH.match(path.rstrip("/") or "/")
    if match is None:
        raise UsageError(
            f"'{ref}' is not a record's address (…/records/<id> or …/uploads/<id>); open the record and copy its address."
        )
    return match[1]
