"""Every sample of every source, with the metadata keys found: what ``where:`` can select on.

``zenodeploy samples`` prints this, so a user can write ``where:`` conditions without opening
a lab notebook export or reading sidecar files. Keys are dotted (``properties.solvent``), with
how many samples have each.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zenodeploy.content.sample_folder import SampleFolder
from zenodeploy.content.samples import load_source
from zenodeploy.content.selection import Scope


@dataclass(frozen=True, slots=True)
class SourceSurvey:
    """One named source: where it reads from, its samples (by name), and per key the number of
    samples having it and up to three of its values (scalars only, as ``where:`` would write them)."""

    name: str
    origin: str
    samples: tuple[SampleFolder, ...]
    keys: tuple[tuple[str, int, tuple[Any, ...]], ...]


def survey(
    sources: Mapping[str, Mapping[str, Any]], *, base: Path, allow_outside: bool
) -> list[SourceSurvey]:
    """Load every sample of every source; a source's problem is a ``FilesError`` located at it."""
    scope = Scope(base.resolve(), allow_outside)
    out = []
    for name, source in sorted(sources.items()):
        found = load_source(
            source, source.get("files") or ["**"], base=scope.base, scope=scope, here=f"samples.{name}"
        )
        samples = tuple(found[n] for n in sorted(found))
        counts: Counter[str] = Counter()
        examples: dict[str, list[Any]] = {}
        for sample in samples:
            for key, value in flat_items(sample.metadata):
                counts[key] += value not in (None, "", [], {})  # listed, but counted when it says something
                seen = examples.setdefault(key, [])
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, (str, int, float, bool)) and item not in seen and len(seen) < 3:
                        seen.append(item)
        keys = tuple((key, counts[key], tuple(examples[key])) for key in sorted(counts))
        origin = f"eln: {source['eln']}" if "eln" in source else f"path: {source.get('path')}"
        out.append(SourceSurvey(name, origin, samples, keys))
    return out


def flat_items(metadata: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """(dotted key, value) of every leaf (a non-empty mapping is walked into; lists are leaves)."""
    items: list[tuple[str, Any]] = []
    for key, value in metadata.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            items += flat_items(value, f"{dotted}.")
        else:
            items.append((dotted, value))
    return items
