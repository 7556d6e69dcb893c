"""The offline checks of a manifest the schema rejected, run on the parts it accepts.

A wrong key or a wrong type in one place should not hide a bad licence or ORCID elsewhere: the
whole manifest is reported in one run. A check whose input the schema rejected is left out (it
would say the same thing again, or misread the value), and so is a deposition that needs
expanding first (``for_each``, templates), whose values are not yet the final ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from zenodeploy.manifest import checks
from zenodeploy.manifest.kept import check as check_kept
from zenodeploy.manifest.templated import has_template
from zenodeploy.manifest.yamlpos import PathT, Positions
from zenodeploy.model import Finding


def findings(
    data: Mapping[str, Any], positions: Positions, rejected: frozenset[PathT], today: dt.date
) -> list[Finding]:
    """The checks' findings on every value of ``data`` not under a path in ``rejected``."""
    out = []
    for where, meta, inherited in _parts(data):
        for rel, message in (*checks.check_metadata(meta, today), *check_kept(meta, inherited)):
            path = (*where, *rel)
            if not any(path[:n] in rejected for n in range(len(path) + 1)):
                out.append(positions.finding(path, message))
    return out


def _parts(data: Mapping[str, Any]) -> Iterator[tuple[PathT, Mapping[str, Any], Any]]:
    """(path, metadata as written, keep_on_server inherited from defaults) of the defaults and of
    each deposition that needs no expanding."""
    defaults = data.get("defaults")
    defaults = defaults if isinstance(defaults, Mapping) else {}
    if _plain(defaults):
        yield ("defaults",), defaults, None
    depositions = data.get("depositions")
    for index, entry in enumerate(depositions if isinstance(depositions, list) else ()):
        if isinstance(entry, Mapping) and "for_each" not in entry and _plain(entry):
            yield ("depositions", index), entry, defaults.get("keep_on_server")


def _plain(meta: Mapping[str, Any]) -> bool:
    """No templates outside the description (that one is rendered, never checked here)."""
    return not has_template({k: v for k, v in meta.items() if k != "description"})
