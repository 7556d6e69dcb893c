"""The offline checks of a manifest the schema rejected, run on the parts it accepts.

A wrong key or a wrong type in one place should not hide a bad licence or ORCID elsewhere: the
whole manifest is reported in one run. A check whose input the schema rejected is left out (it
would say the same thing again, or misread the value), and so is a deposition that needs
expanding first (``for_each``, templates), whose values are not yet the final ones; what a
deposition lacks is told only when no value of it, its defaults or the sample sources was
rejected and none is read from a file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from zenodeploy.manifest import checks
from zenodeploy.manifest.kept import check as check_kept
from zenodeploy.manifest.profile import profile_defaults
from zenodeploy.manifest.requirements import deep_merge, own_files_if_kept, requirements
from zenodeploy.manifest.templated import has_template
from zenodeploy.manifest.yamlpos import PathT, Positions
from zenodeploy.model import Finding


def findings(
    data: Mapping[str, Any],
    positions: Positions,
    rejected: frozenset[PathT],
    today: dt.date,
    profile: Mapping[str, Any],
) -> list[Finding]:
    """The checks' findings on every value of ``data`` not under a path in ``rejected``, and what
    each deposition the schema accepts whole still lacks (a title, creators, …)."""
    out = []
    for where, given, inherited in _parts(data):
        meta = {
            key: value
            for key, value in given.items()
            if (*where, key) not in rejected and (key == "description" or not has_template(value))
        }
        for rel, message in (*checks.check_metadata(meta, today), *check_kept(meta, inherited)):
            path = (*where, *rel)
            if not _under(path, rejected):
                out.append(positions.finding(path, message))
    defaults, sources = data.get("defaults") or {}, data.get("samples") or {}
    broken = _under(("defaults",), rejected, below=True) or _under(("samples",), rejected, below=True)
    if broken or not isinstance(sources, Mapping) or not _complete(defaults):
        return out
    merged_defaults = deep_merge(profile_defaults(profile), defaults)
    for where, entry, _ in _parts(data):
        if (
            where[0] == "depositions"
            and _plain(entry)
            and _complete(entry)
            and not _under(where, rejected, below=True)
        ):
            merged = own_files_if_kept(deep_merge(merged_defaults, entry), entry)
            out += [
                positions.finding((*where, *rel), message) for rel, message in requirements(merged, sources)
            ]
    return out


def _under(path: PathT, rejected: frozenset[PathT], *, below: bool = False) -> bool:
    """Whether ``path`` or one of its parents is rejected (or, ``below``, anything inside it)."""
    if any(path[:n] in rejected for n in range(len(path) + 1)):
        return True
    return below and any(r[: len(path)] == path for r in rejected)


def _complete(meta: Any) -> bool:
    """A mapping that reads no field from a file (``from:``): its values are all there is."""
    if not isinstance(meta, Mapping) or "from" in meta:
        return False
    return not any(isinstance(v, Mapping) and "from" in v for v in meta.values())


def _parts(data: Mapping[str, Any]) -> Iterator[tuple[PathT, Mapping[str, Any], Any]]:
    """(path, metadata as written, keep_on_server inherited from defaults) of the defaults and of
    each deposition that needs no expanding."""
    defaults = data.get("defaults")
    defaults = defaults if isinstance(defaults, Mapping) else {}
    yield ("defaults",), defaults, None
    depositions = data.get("depositions")
    for index, entry in enumerate(depositions if isinstance(depositions, list) else ()):
        if isinstance(entry, Mapping) and "for_each" not in entry:
            yield ("depositions", index), entry, defaults.get("keep_on_server")


def _plain(meta: Mapping[str, Any]) -> bool:
    """No templates outside the description (that one is rendered, never checked here)."""
    return not has_template({k: v for k, v in meta.items() if k != "description"})
