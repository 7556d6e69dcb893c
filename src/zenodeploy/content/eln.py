"""Samples from a lab notebook's ``.eln`` export (ELN Consortium format, an RO-Crate).

Each ``Dataset`` listed in the root dataset's ``hasPart`` is a sample. Its metadata, usable
by ``where``, ``include``/``exclude`` and templates like a sidecar's:

- ``id``, ``types`` and ``name`` (the sample's name) always; ``description`` (else ``text``),
  ``text``, ``genre``, ``identifier``, ``url``, ``creativeWorkStatus`` when the export has them;
- ``category``: the name of the node its ``about`` refers to (eLabFTW's category), if any;
- ``keywords``: a list, maybe empty (a comma-separated string is split);
- ``dateCreated``, ``dateModified``, ``datePublished`` as given;
- ``authors``: ``[{name, given_name, family_name, orcid, affiliation}]`` from ``Person`` nodes;
- ``properties``: every ``PropertyValue`` under ``variableMeasured``, by ``propertyID`` or
  ``name``, to its ``value`` (a list when a key repeats); ``units``: the same keys to
  ``unitText``.

A sample's files are the ``File`` parts of its ``hasPart``, followed through nested datasets
that are not samples themselves, named relative to the sample's folder. Links (URL ``@id``s)
are not files and are left out.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from zenodeploy import orcid as orcid_form
from zenodeploy.content.crate import Crate, open_crate, refs, types
from zenodeploy.content.globs import is_inside, translate
from zenodeploy.content.sample_folder import SampleFolder
from zenodeploy.content.selection import Scope
from zenodeploy.errors import FilesError
from zenodeploy.model import ZipMember

_ORCID = re.compile(rf"^(?:{orcid_form.URL}|orcid:)?({orcid_form.FORM})/?$", re.IGNORECASE)
_TEXT = (
    "description", "text", "genre", "identifier", "url", "creativeWorkStatus",
    "dateCreated", "dateModified", "datePublished",
)  # fmt: skip


def load_export(
    source: Mapping[str, Any], patterns: Sequence[str], scope: Scope, base: Path, here: str
) -> list[SampleFolder]:
    """Every sample of the export the source's ``eln`` names, with the files ``patterns`` select."""
    export = scope.folder(str(source["eln"]), base, "The lab notebook export", f"{here}.eln")
    real = os.path.realpath(export)
    if not scope.allow_outside and not is_inside(real, str(scope.base)):
        raise FilesError(
            f"The lab notebook export {export} is a symbolic link to {real}, outside the manifest's folder "
            f"{scope.base}; copy the export in, or set `allow_outside: true` on the deposition.",
            path=f"{here}.eln",
        )
    crate = open_crate(export, f"{here}.eln")
    sample_ids = [i for i in refs(crate.root.get("hasPart")) if "Dataset" in types(crate.nodes.get(i, {}))]
    missing = [i for i in refs(crate.root.get("hasPart")) if i not in crate.nodes]
    for ident in missing:
        rel = crate.local(ident)
        if rel is not None and crate.source(rel, ident) is None and not _is_folder(crate, rel):
            raise crate.fail(
                f"lists `{ident}` in its root's hasPart, but has neither a node nor a file for it"
            )
    compiled = [translate(p) for p in patterns]  # like folder sources: `**` leaves hidden files out
    names = _names(crate, sample_ids)
    samples = []
    for ident in sample_ids:
        node = crate.nodes[ident]
        files = _files(crate, ident, set(sample_ids))
        chosen = tuple(
            sorted((rel, src) for rel, src in files.items() if any(c.match(rel) for c in compiled))
        )
        samples.append(SampleFolder(names[ident], export, metadata(crate, node, names[ident]), None, chosen))
    return samples


def _is_folder(crate: Crate, rel: str) -> bool:
    if crate.members is not None:
        return any(name.startswith(f"{rel}/") for name in crate.members)
    return crate.folder is not None and (crate.folder / rel).is_dir()


def _names(crate: Crate, ids: Sequence[str]) -> dict[str, str]:
    """Sample names: ``name`` (slashes made dashes), else the id's last segment; repeats get the id."""

    def last(ident: str) -> str:
        parts = [p for p in ident.split("/") if p not in ("", ".")]
        return parts[-1] if parts else ident

    def clean(text: str) -> str:  # a name of dots only ("." or "..") would be a path step in a file key
        cleaned = " ".join(text.replace("/", "-").replace("\\", "-").split())
        return "" if not cleaned.strip(".") else cleaned

    first = {}
    for number, ident in enumerate(ids, 1):
        name = crate.nodes[ident].get("name")
        given = clean(name) if isinstance(name, str) else ""
        first[ident] = given or clean(last(ident)) or f"sample-{number}"
    counts: dict[str, int] = {}
    for name in first.values():
        counts[name] = counts.get(name, 0) + 1
    return {i: n if counts[n] == 1 else f"{n} ({clean(last(i))})" for i, n in first.items()}


def _files(crate: Crate, sample_id: str, samples: set[str]) -> dict[str, Path | ZipMember]:
    """The sample's files by name relative to its folder (crate-relative when outside it)."""
    folder = crate.local(sample_id) or ""
    prefix = f"{folder}/" if folder else ""
    found: dict[str, Path | ZipMember] = {}
    seen = {sample_id}
    todo = list(refs(crate.nodes[sample_id].get("hasPart")))
    while todo:
        ident = todo.pop(0)
        if ident in seen or ident in samples:
            continue
        seen.add(ident)
        node = crate.nodes.get(ident, {})
        if "Dataset" in types(node):
            todo.extend(refs(node.get("hasPart")))
            continue
        rel = crate.local(ident)
        if rel is None:
            continue
        src = crate.source(rel, ident)
        if src is None:
            if not node or "File" in types(node):
                raise crate.fail(
                    f"lists `{ident}` among the parts of `{sample_id}`, but holds no such file",
                    "export it again with its files, or remove the link in the notebook",
                )
            continue
        found[rel[len(prefix) :] if prefix and rel.startswith(prefix) else rel] = src
    return found


def metadata(crate: Crate, node: Mapping[str, Any], name: str) -> dict[str, Any]:
    """A sample's metadata as plain values (see the module's docstring)."""
    meta: dict[str, Any] = {"id": node["@id"], "types": types(node), "name": name}
    for key in _TEXT:
        value = node.get(key)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            meta[key] = value
    if "description" not in meta and "text" in meta:
        meta["description"] = meta["text"]
    about = [crate.nodes.get(i, {}).get("name") for i in refs(node.get("about"))]
    category = next((name for name in about if isinstance(name, str)), None)
    if category is not None:
        meta["category"] = category
    keywords = node.get("keywords")
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    meta["keywords"] = (
        [str(k).strip() for k in keywords if str(k).strip()] if isinstance(keywords, list) else []
    )
    meta["authors"] = [a for a in (_person(crate, i, v) for i, v in _inline(node.get("author"))) if a]
    properties: dict[str, Any] = {}
    units: dict[str, str] = {}
    for ident, value in _inline(node.get("variableMeasured")):
        prop = value if value is not None else crate.nodes.get(ident or "", {})
        label = prop.get("propertyID") or prop.get("name")
        if not isinstance(label, str) or "value" not in prop:
            continue
        if label in properties:
            old = properties[label]
            properties[label] = [*old, prop["value"]] if isinstance(old, list) else [old, prop["value"]]
        else:
            properties[label] = prop["value"]
        if isinstance(prop.get("unitText"), str) and prop["unitText"]:
            units[label] = prop["unitText"]
    meta["properties"] = properties
    meta["units"] = units
    return meta


def _inline(value: Any) -> list[tuple[str | None, Mapping[str, Any] | None]]:
    """(id, node) pairs: a bare reference gives (id, None), an inline node (id, node)."""
    items = value if isinstance(value, list) else [value] if value is not None else []
    out: list[tuple[str | None, Mapping[str, Any] | None]] = []
    for item in items:
        if isinstance(item, dict):
            ident = item.get("@id") if isinstance(item.get("@id"), str) else None
            out.append((ident, None if set(item) <= {"@id"} else item))
        elif isinstance(item, str):
            out.append((item, None))
    return out


def _person(crate: Crate, ident: str | None, inline: Mapping[str, Any] | None) -> dict[str, Any] | None:
    node = inline if inline is not None else crate.nodes.get(ident or "")
    if not node:
        return None
    given, family = node.get("givenName"), node.get("familyName")
    name = node.get("name")
    if not isinstance(name, str) or not name.strip():
        name = " ".join(str(p) for p in (given, family) if isinstance(p, str) and p)
    if not name:
        return None
    ids = [node.get("@id"), *refs(node.get("identifier"))]
    orcid = next((m.group(1) for i in ids if isinstance(i, str) and (m := _ORCID.search(i))), None)
    affiliation = None
    for org in _inline(node.get("affiliation")):
        org_node = org[1] or crate.nodes.get(org[0] or "", {})
        if isinstance(org_node.get("name"), str):
            affiliation = org_node["name"]
            break
    return {
        "name": name,
        "given_name": given if isinstance(given, str) else None,
        "family_name": family if isinstance(family, str) else None,
        "orcid": orcid,
        "affiliation": affiliation,
    }
