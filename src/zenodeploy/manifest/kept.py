"""The names ``keep_on_server`` takes, checked: ``files`` and record fields as the server names
them (``rights``, ``subjects``, ``access.embargo``, ``custom_fields.NAME``).

A manifest word (``license``, ``keywords``) is not a record field: it gets a "did you mean" with
the field it writes. A field the deposition itself sets while keeping it would never be sent.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from zenodeploy.manifest.yamlpos import PathT

# invenio_rdm_records services/schemas/metadata.py: MetadataSchema's fields.
METADATA = frozenset(
    {
        "resource_type",
        "creators",
        "title",
        "additional_titles",
        "publication_date",
        "publisher",
        "subjects",
        "contributors",
        "dates",
        "languages",
        "identifiers",
        "related_identifiers",
        "sizes",
        "formats",
        "version",
        "rights",
        "copyright",
        "description",
        "additional_descriptions",
        "locations",
        "funding",
        "references",
    }
)
ACCESS = frozenset({"record", "files", "embargo"})
# A record field → the manifest keys that write it (a field not named here: the key of its name).
WRITERS: dict[str, tuple[str, ...]] = {
    "rights": ("license", "licenses"),
    "subjects": ("keywords", "subjects"),
    "additional_descriptions": ("notes", "method"),
    "custom_fields.journal:journal": ("journal",),
    "custom_fields.meeting:meeting": ("meeting",),
    "custom_fields.imprint:imprint": ("imprint",),
    "custom_fields.thesis:thesis": ("thesis",),
    "custom_fields.code:codeRepository": ("software",),
    "custom_fields.code:programmingLanguage": ("software",),
    "custom_fields.code:developmentStatus": ("software",),
}
_FIELD_OF = {key: label for label, keys in WRITERS.items() for key in keys if key != label}


def known(name: str) -> bool:
    """Whether ``keep_on_server`` can keep ``name``."""
    section, dot, rest = name.partition(".")
    if not dot:
        return name == "files" or name in METADATA
    return (section == "access" and rest in ACCESS) or (section == "custom_fields" and bool(rest.strip()))


def check(own: Mapping[str, Any], inherited: Any = None) -> Iterator[tuple[PathT, str]]:
    """Problems of ``own``'s ``keep_on_server`` list (``own``: a deposition as written, or the
    defaults); ``inherited`` is the list ``own`` takes from ``defaults:`` (checked there), whose
    fields ``own`` must not set either."""
    if isinstance(inherited, list) and "keep_on_server" not in own:
        for name in inherited:
            if isinstance(name, str) and known(name) and (setter := _setter(own, name)):
                yield (
                    (setter.partition(".")[0],),
                    f"defaults: keep_on_server keeps '{name}' as it is on the server, so '{setter}:' here "
                    f"would never be sent; remove it, or give this deposition its own keep_on_server",
                )
    kept = own.get("keep_on_server")
    if not isinstance(kept, list):
        return
    for index, name in enumerate(kept):
        if not isinstance(name, str) or name == "files":
            continue
        if not known(name):
            yield ("keep_on_server", index), f"keep_on_server cannot keep '{name}': {_hint(name)}"
        elif setter := _setter(own, name):
            yield (
                ("keep_on_server", index),
                f"keep_on_server keeps '{name}' as it is on the server, but this deposition sets it "
                f"with '{setter}:', which would never be sent; remove '{setter}:' or remove '{name}' from keep_on_server",
            )


def _hint(name: str) -> str:
    if name in _FIELD_OF:
        field = _FIELD_OF[name]
        return f"'{name}' is the manifest's word, the record field it writes is '{field}': did you mean '{field}'?"
    names = ["files", *METADATA, *(f"access.{a}" for a in ACCESS)]
    close = difflib.get_close_matches(name, names, n=1)
    what = f"did you mean '{close[0]}'? " if close else ""
    return (
        f"{what}It takes 'files' and record fields by their server names: metadata fields "
        "(rights, subjects, additional_titles, …), access.record|files|embargo, custom_fields.NAME"
    )


def _setter(own: Mapping[str, Any], name: str) -> str | None:
    """The manifest key of ``own`` that writes the record field ``name``, if ``own`` has one."""
    if name.startswith("access."):
        access = own.get("access")
        part = name.removeprefix("access.")
        return f"access.{part}" if isinstance(access, Mapping) and access.get(part) is not None else None
    custom = own.get("custom_fields")
    if name.startswith("custom_fields.") and isinstance(custom, Mapping) and name[14:] in custom:
        return name
    for key in WRITERS.get(name, (name,)):
        if own.get(key) not in (None, "", [], {}):
            return key
    return None
