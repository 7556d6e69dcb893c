"""What a user may name a record by: its id, its DOI (bare or as a doi.org link) or its web address.

``10.5281/zenodo.123`` (zenodo.org) and ``10.5072/zenodo.123`` (the sandbox's test prefix, which
the local emulator mints too) name record 123, each on its own kind of server; ``https://zenodo.org/records/123``, ``/uploads/123``, ``/record/123`` and
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
PRODUCTION_PREFIX = "10.5281"
# DataCite prefixes: zenodo.org's, and the test prefix of the sandbox (and of the local emulator).
_PREFIXES = {PRODUCTION_PREFIX: "zenodo.org", "10.5072": "the sandbox (a test DOI)"}
ZENODO_HOSTS = {"zenodo.org": "zenodo", "www.zenodo.org": "zenodo", "sandbox.zenodo.org": "sandbox"}


def record_id(ref: str, base_url: str) -> str:
    """The record id ``ref`` names on the server at ``base_url``; ``UsageError`` saying why not."""
    text = ref.strip()
    if text.isdigit():
        return text
    parts = urlsplit(text)
    if parts.scheme in ("http", "https") and parts.hostname:
        if parts.hostname.lower() in _DOI_HOSTS:
            return _from_doi(unquote(parts.path.lstrip("/")), ref, base_url)
        return _from_url(parts.hostname.lower(), parts.port, parts.path, ref, base_url)
    doi = _DOI.match(text)
    if doi:
        return _from_doi(doi[1], ref, base_url)
    raise UsageError(
        f"'{ref}' is not a record id, a DOI or a record's web address; give e.g. 1234567, "
        "10.5281/zenodo.1234567 or https://zenodo.org/records/1234567."
    )


def _from_doi(doi: str, ref: str, base_url: str) -> str:
    prefix, _, suffix = doi.partition("/")
    match = _ZENODO_SUFFIX.match(suffix)
    if match is None or prefix not in _PREFIXES:
        raise UsageError(
            f"'{ref}' is not a Zenodo DOI (those are 10.5281/zenodo.<number>, or 10.5072/zenodo.<number> "
            "on the sandbox); zenodeploy imports only records of a Zenodo or InvenioRDM server. Give the "
            "record's id or its web address instead."
        )
    production = ZENODO_HOSTS.get((urlsplit(base_url).hostname or "").lower()) == "zenodo"
    if (prefix == PRODUCTION_PREFIX) != production:
        where = _PREFIXES[prefix]
        raise UsageError(
            f"'{ref}' is a DOI of {where}, but this run talks to {base_url}, where record {match[1]} is "
            f"another record; run with --server {'zenodo' if prefix == PRODUCTION_PREFIX else 'sandbox'}, "
            "or give the record's id or address on this server."
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
