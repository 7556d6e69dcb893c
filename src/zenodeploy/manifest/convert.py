"""``.zenodo.json`` and CITATION.cff → the text of a manifest in the manifest's own terms, with
comments saying where each field came from and what could not be taken."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from zenodeploy.errors import ManifestError
from zenodeploy.manifest.keys import key_from_title
from zenodeploy.manifest.release_defaults import release_fields
from zenodeploy.manifest.sources import SourceError, read_source
from zenodeploy.model import Finding

SCHEMA_URL = "https://zenodeploy.github.io/schema/v1/zenodeploy.schema.json"
_ORDER = (
    "title", "version", "publication_date", "resource_type", "creators", "contributors", "license",
    "licenses", "keywords", "subjects", "languages", "description", "notes", "method",
    "related_identifiers", "references", "funding", "communities", "dates", "locations", "access",
    "journal", "meeting", "thesis", "imprint", "publisher", "custom_fields",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Converted:
    text: str
    findings: tuple[Finding, ...]


def convert(paths: Sequence[Path], repository: str | None = None) -> Converted:
    """One deposition from ``paths`` (earlier files win field by field, as with ``from:``);
    with ``repository`` (``OWNER/NAME``), what the files lack is filled as Zenodo's GitHub
    integration fills a release of it."""
    taken: dict[str, tuple[Any, str]] = {}
    findings: list[Finding] = []
    for path in paths:
        try:
            source = read_source(path, path.name, str(path))
        except SourceError as exc:
            raise ManifestError(f"{path}: {exc}", [exc.finding] if exc.finding else []) from None
        for field, value in source.metadata.items():
            taken.setdefault(field, (value, path.name))
        findings += source.findings(None)
    if isinstance(taken.get("licenses", (None,))[0], list) and len(taken["licenses"][0]) == 1:
        value, name = taken.pop("licenses")
        taken["license"] = (value[0], name)
    key = key_from_title(str(taken.get("title", ("",))[0]))
    if repository:
        key = key if "title" in taken else key_from_title(repository.split("/")[1])
        filled = release_fields(repository, taken)
        taken |= filled
        findings = [f for f in findings if not any(f.message.startswith(f"has no '{k}'") for k in filled)]
    return Converted(_text(taken, findings, [p.name for p in paths], key, repository), tuple(findings))


def _text(
    taken: dict[str, tuple[Any, str]],
    findings: list[Finding],
    names: list[str],
    key: str,
    repository: str | None,
) -> str:
    given = f" --repository {repository}" if repository else ""
    lines = [
        f"# yaml-language-server: $schema={SCHEMA_URL}",
        f"# Converted by: zenodeploy convert{given} {' '.join(names)}",
        "# Each field says which file it came from; edit freely, then run 'zenodeploy validate'.",
    ]
    if findings:
        lines.append("# What the conversion could not take as it is (fix the file or the manifest):")
        # a value quoted in a message may hold line breaks: each line stays a comment
        lines += ["#   " + f.format().replace("\n", "\n#     ") for f in sorted(findings)]
    lines += ["version: 1", "depositions:", f"  - key: {key}"]
    for field in sorted(taken, key=lambda f: _ORDER.index(f) if f in _ORDER else len(_ORDER)):
        value, name = taken[field]
        if field in ("creators", "contributors"):  # personal is the default when family is given
            value = [{k: v for k, v in p.items() if (k, v) != ("type", "personal")} for p in value]
        lines.append(f"    # {field}: from {name}")
        dumped = yaml.dump({field: value}, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
        lines += ["    " + line for line in dumped.rstrip("\n").split("\n")]
    if "title" not in taken:
        lines.append("    # title: the files have none; write one here (Zenodo needs at least 3 characters)")
    if "creators" not in taken:
        lines.append(
            "    # creators: the files have none; list them here or under 'defaults:', or write"
            " [{from: git}] for the authors of the checkout's git history (what --repository writes)"
        )
    lines += [
        "    # files: list what to upload, e.g. [dist/*.zip]",
        "    # publish: true  # once files are listed and 'zenodeploy plan' looks right",
    ]
    return "\n".join(lines) + "\n"


class _Dumper(yaml.SafeDumper):
    """Multi-line text as literal blocks, so descriptions stay readable."""


def _text_block(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text_block)
