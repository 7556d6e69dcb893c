"""Samples: folders found by a source glob, each with sidecar metadata and its own files.

A source is ``{path, metadata, files}``: ``path`` globs sample folders relative to the
manifest's folder; ``metadata`` names the sidecar (default: the first of
``sample.yaml``, ``sample.yml``, ``sample.json``); ``files`` are patterns relative to
each sample folder (default: every non-hidden file). A sample's name is its sidecar's
``name``, else its folder's name.

A deposition's ``samples: {from, where, include, exclude, files}`` selects from one
source: the samples matching every ``where`` condition (or, without ``where``, the
``include`` list, or else all), plus ``include``, minus ``exclude``. A condition is a
value (equality; a list-valued field matches if it contains it), a list (one of), or
``{exists: true|false}``; dotted keys reach nested metadata.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from zenodeploy.content.globs import Match, split_literal, walk
from zenodeploy.content.sample_folder import SampleFolder
from zenodeploy.content.selection import Scope, find
from zenodeploy.errors import FilesError

SIDECARS = ("sample.yaml", "sample.yml", "sample.json")
_MISSING = object()


def read_sidecar(path: Path, where: str) -> dict[str, Any]:
    """Parse a YAML or JSON sidecar into a mapping; errors name the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise FilesError(
            f"{path}:{exc.lineno}: invalid JSON ({exc.msg}); fix the sidecar file.", path=where
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise FilesError(f"{path}{line}: {problem}; fix the sidecar file.", path=where) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise FilesError(f"{path} cannot be read ({exc}); check the sidecar file.", path=where) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FilesError(
            f"{path} must hold a mapping of metadata fields, not a {type(data).__name__}.", path=where
        )
    return data


def lookup(metadata: Mapping[str, Any], dotted: str) -> Any:
    """The value at a dotted key (``a.b.c``), or ``_MISSING``; at each level the longest key that
    exists wins, so ``properties.geometry.height`` finds a key named ``geometry.height``."""
    if dotted in metadata:
        return metadata[dotted]
    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        inner = metadata.get(".".join(parts[:cut]))
        if isinstance(inner, Mapping):
            found = lookup(inner, ".".join(parts[cut:]))
            if found is not _MISSING:
                return found
    return _MISSING


def matches(metadata: Mapping[str, Any], where: Mapping[str, Any]) -> bool:
    """Whether ``metadata`` satisfies every condition of ``where``."""
    for key, condition in where.items():
        value = lookup(metadata, key)
        if isinstance(condition, Mapping):
            if (value is not _MISSING and value is not None) != bool(condition.get("exists")):
                return False
            continue
        allowed = condition if isinstance(condition, list) else [condition]
        values = value if isinstance(value, list) else [value]
        if not any(_same(v, a) for v in values for a in allowed):
            return False
    return True


def _same(value: Any, wanted: Any) -> bool:
    """Equality that keeps YAML's ``true`` apart from ``1`` but lets ``135`` equal ``135.0``."""
    if value is _MISSING:
        return False
    if isinstance(value, bool) or isinstance(wanted, bool):
        return value is wanted
    return bool(value == wanted)


def _source(
    spec: Mapping[str, Any], sources: Mapping[str, Mapping[str, Any]], where: str
) -> tuple[Mapping[str, Any], str]:
    origin = spec.get("from")
    if isinstance(origin, str):
        if origin not in sources:
            known = ", ".join(sorted(sources)) or "none are defined"
            raise FilesError(
                f"The sample source `{origin}` is not defined under the top-level `samples` ({known}); "
                "define it or fix the name.",
                path=f"{where}.samples.from",
            )
        return sources[origin], f"samples.{origin}"
    if isinstance(origin, Mapping) and isinstance(origin.get("path") or origin.get("eln"), str):
        return origin, f"{where}.samples.from"
    raise FilesError(
        "`samples.from` must name a sample source or be a source object with a `path` or an `eln`.",
        path=f"{where}.samples",
    )


def load_folder(
    match: Match, source: Mapping[str, Any], patterns: Sequence[str], scope: Scope, here: str
) -> SampleFolder:
    """Read one sample folder: its sidecar, its name and the files its patterns select."""
    configured = source.get("metadata")
    names = [configured] if isinstance(configured, str) else list(SIDECARS)
    folder = Path(match.path)
    sidecar = next((folder / n for n in names if (folder / n).is_file()), None)
    metadata = read_sidecar(sidecar, here) if sidecar else {}
    name = metadata.get("name", folder.name)
    if not isinstance(name, str) or not name.strip(". ") or "/" in name or "\\" in name:
        raise FilesError(
            f"The sample in {folder} has the name {name!r}; a name must be text without slashes"
            " and not only dots.",
            path=here,
        )
    files: dict[str, Path] = {}
    for pattern in patterns:
        root, found = find(pattern, folder, scope, here)
        prefix = os.path.relpath(root, folder)
        if prefix == ".." or prefix.startswith("../"):
            raise FilesError(
                f"The sample file pattern `{pattern}` leads out of the sample folder {folder}; "
                "per-sample patterns must stay inside it.",
                path=here,
            )
        for item in found:
            rel = item.rel if prefix == "." else f"{prefix}/{item.rel}"
            if sidecar is not None and item.path == str(sidecar):
                continue
            scope.check(item, item.path, here)
            if item.broken:
                raise FilesError(f"{item.path} is a broken symbolic link; fix or remove it.", path=here)
            files[rel] = Path(item.path)
    return SampleFolder(name, folder, metadata, sidecar, tuple(sorted(files.items())))


def select_samples(
    deposition: Mapping[str, Any],
    *,
    base: Path,
    scope: Scope,
    sample_sources: Mapping[str, Mapping[str, Any]],
    where: str,
) -> tuple[list[SampleFolder], list[str]]:
    """The samples a deposition selects, sorted by name, and warnings."""
    spec = deposition.get("samples")
    if not spec:
        return [], []
    if isinstance(spec, str):
        spec = {"from": spec}
    source, here = _source(spec, sample_sources, where)
    patterns = spec.get("files") or source.get("files") or ["**"]
    pattern = str(source.get("path") or source.get("eln")).rstrip("/")
    found = load_source(source, patterns, base=base, scope=scope, here=here)
    warnings: list[str] = []
    if not found:
        what = "has no samples" if "eln" in source else f"matches no sample folder in {base}"
        warnings.append(f"samples: `{pattern}` {what}.")
    chosen = sorted(_choose(found, spec, where))
    if spec.get("where") and found and not chosen:
        warnings.append(
            f"samples: `where` selects none of the {len(found)} samples; {_values(found, spec['where'])}"
        )
    configured = source.get("metadata")
    for name in chosen:
        if configured and found[name].sidecar is None:
            warnings.append(
                f"samples: sample `{name}` has no `{configured}` in {found[name].folder}; its metadata is empty."
            )
        if not found[name].files:
            warnings.append(f"samples: sample `{name}` has no files matching {list(patterns)}.")
    return [found[name] for name in chosen], warnings


def load_source(
    source: Mapping[str, Any], patterns: Sequence[str], *, base: Path, scope: Scope, here: str
) -> dict[str, SampleFolder]:
    """Every sample of one source by name: sample folders, or a lab notebook export (``eln``)."""
    if "eln" in source:
        from zenodeploy.content.eln import load_export  # the notebook reader only where a source is one

        loaded = load_export(source, patterns, scope, base, here)
    else:
        loaded = []
        for match in _folders(str(source["path"]).rstrip("/"), base, scope, here):
            scope.check(match, match.path, here)
            loaded.append(load_folder(match, source, patterns, scope, here))
    found: dict[str, SampleFolder] = {}
    for sample in loaded:
        if sample.name in found:
            raise _named_twice(found[sample.name], sample, eln="eln" in source, here=here)
        found[sample.name] = sample
    return found


def _named_twice(first: SampleFolder, second: SampleFolder, *, eln: bool, here: str) -> FilesError:
    """Two samples of one source with one name, said in the words of the source's kind."""
    if eln:
        ids = " and ".join(f"`{s.metadata.get('id')}`" for s in (first, second))
        return FilesError(
            f"Two samples of the lab notebook export {second.folder} are named `{second.name}` ({ids}); "
            "rename one in the notebook and export it again.",
            path=f"{here}.eln",
        )
    return FilesError(
        f"Two sample folders are named `{second.name}`: {first.folder} and {second.folder}; "
        "give one a different `name` in its sidecar.",
        path=here,
    )


def _folders(pattern: str, base: Path, scope: Scope, here: str) -> list[Match]:
    literal, glob = split_literal(pattern)
    root = scope.folder(literal or ".", base, "The sample folders", here)
    if not glob:
        if not root.is_dir():
            return []
        return [Match(str(root), os.path.realpath(root), root.name, root.is_symlink())]
    return walk(root, glob, folders=True, where=here)


def _choose(found: Mapping[str, SampleFolder], spec: Mapping[str, Any], where: str) -> set[str]:
    include = list(spec.get("include") or [])
    exclude = set(spec.get("exclude") or [])
    for key, names in (("include", include), ("exclude", exclude)):
        unknown = sorted(set(names) - set(found))
        if unknown:
            raise FilesError(
                f"`samples.{key}` names {', '.join(unknown)}, which the source does not have "
                f"(it has: {', '.join(sorted(found)) or 'no samples'}); fix the name.",
                path=f"{where}.samples.{key}",
            )
    conditions = spec.get("where")
    if conditions:
        chosen = {name for name, sample in found.items() if matches(sample.metadata, conditions)}
        if not chosen and found:
            _nothing_matched(found, conditions, where)
    else:
        chosen = set() if include else set(found)
    return (chosen | set(include)) - exclude


def _nothing_matched(found: Mapping[str, SampleFolder], conditions: Mapping[str, Any], where: str) -> None:
    """A ``where:`` key no sample has is a typo: an error naming the keys they do have."""
    import difflib

    from zenodeploy.content.survey import flat_items  # survey imports this module

    for key, condition in conditions.items():
        if isinstance(condition, Mapping) or any(
            lookup(s.metadata, key) is not _MISSING for s in found.values()
        ):
            continue
        keys = sorted({k for s in found.values() for k, _ in flat_items(s.metadata)})
        close = difflib.get_close_matches(key, keys, n=1, cutoff=0.6)
        hint = f"did you mean `{close[0]}`? " if close else ""
        raise FilesError(
            f"`samples.where` asks for `{key}`, which none of the {len(found)} samples has, so it selects "
            f"nothing; {hint}'zenodeploy samples' lists the keys and their values.",
            path=f"{where}.samples.where.{key}",
        )


def _values(found: Mapping[str, SampleFolder], conditions: Mapping[str, Any]) -> str:
    """What the samples hold under the first compared key (a number is not text: 1 is not '1')."""
    for key, condition in conditions.items():
        if not isinstance(condition, Mapping):
            seen = sorted({repr(lookup(s.metadata, key)) for s in found.values()} - {repr(_MISSING)})
            shown = ", ".join(seen[:5]) + (", …" if len(seen) > 5 else "")
            return f"their `{key}` values are {shown}, and the condition is {condition!r}."
    return "'zenodeploy samples' lists the keys and their values."
