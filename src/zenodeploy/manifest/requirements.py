"""What a deposition must have once its defaults are merged in, and how they are merged."""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from typing import Any

from zenodeploy.manifest.yamlpos import PathT


def requirements(dep: Mapping[str, Any], sources: Mapping[str, Any]) -> Iterator[tuple[PathT, str]]:
    """What the merged deposition must have: Zenodo's requirements, and references that resolve."""
    if not dep.get("title"):
        yield (), "missing 'title': give this deposition a title (at least 3 characters)"
    kept = set(dep.get("keep_on_server") or ())
    if not dep.get("creators") and "creators" not in kept:
        yield (
            (),
            "no creators: add 'creators:' here or under 'defaults:', or set a default creator with 'zenodeploy init'",
        )
    if dep.get("publish") and not dep.get("resource_type") and "resource_type" not in kept:
        yield (
            ("publish",),
            "publish: true needs a 'resource_type' (e.g. dataset); Zenodo refuses to publish without one",
        )
    if dep.get("publish") and not (dep.get("files") or dep.get("samples") or "files" in kept):
        yield ("publish",), "publish: true needs files: Zenodo refuses to publish a record without files"
    selection = dep.get("samples")
    if (
        isinstance(selection, Mapping)
        and isinstance(selection.get("from"), str)
        and selection["from"] not in sources
    ):
        name = selection["from"]
        close = difflib.get_close_matches(name, sorted(sources), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "define it under the top-level 'samples:'"
        yield ("samples", "from"), f"no sample source named '{name}'; {hint}"


def own_files_if_kept(merged: dict[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """A deposition that keeps its files on the server takes no files or samples from defaults."""
    kept = merged.get("keep_on_server")
    if not isinstance(kept, list) or "files" not in kept:
        return merged
    out = {k: v for k, v in merged.items() if k not in ("files", "samples")}
    return out | {k: own[k] for k in ("files", "samples") if k in own}


#: Spellings of one field: whichever ``over`` gives replaces every spelling ``base`` has.
_SPELLINGS = ({"license", "licenses"},)


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` wins; mappings merge recursively, lists and scalars are replaced."""
    out = dict(base)
    for spellings in _SPELLINGS:
        if spellings & over.keys():
            for key in spellings - over.keys():
                out.pop(key, None)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out
