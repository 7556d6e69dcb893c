"""The documented context every description template sees: metadata, samples, files, git, env.

Plain data only (dicts, lists, strings): no Jinja here, so the manifest loader and the
resolver can build it without the template machinery.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from zenodeploy.model import LocalFile, Sample, ZipMember

# --- the documented template context -------------------------------------------------------

# Analytical data kinds recognised in sample file names (tokens of the lower-cased path) and
# extensions; the starter template shows one ✓/✗ column per kind. Base kinds always appear.
BASE_DATA_KINDS = ("1H NMR", "13C NMR", "IR", "MS")
_KIND_TOKENS: tuple[tuple[str, frozenset[str]], ...] = (
    ("1H NMR", frozenset({"1h", "h1", "proton"})),
    ("13C NMR", frozenset({"13c", "c13", "carbon"})),
    ("2D NMR", frozenset({"cosy", "hsqc", "hmbc", "hmqc", "noesy", "roesy", "tocsy"})),
    ("IR", frozenset({"ir", "ftir", "atr"})),
    ("Raman", frozenset({"raman"})),
    ("UV-Vis", frozenset({"uv", "uvvis", "vis"})),
    ("MS", frozenset({"ms", "mass", "hrms", "esi", "maldi", "lcms", "gcms", "mzml", "mzxml", "mgf"})),
    ("Chromatography", frozenset({"hplc", "uplc", "gc", "lc", "chromatogram"})),
    ("X-ray", frozenset({"xray", "xrd", "cif"})),
)


def data_kinds(names: Sequence[str]) -> list[str]:
    """The analytical data kinds a sample's file names reveal (e.g. ``spectra/1H.jdx`` → 1H NMR)."""
    tokens = {tok for name in names for tok in re.split(r"[^a-z0-9]+", name.lower()) if tok}
    return [kind for kind, words in _KIND_TOKENS if tokens & words]


def env_vars(names: Sequence[str]) -> EnvVars:
    """The allowed environment variables that are set; any other name is undefined in templates."""
    return EnvVars({name: os.environ[name] for name in names if name in os.environ})


class EnvVars(dict[str, str]):
    """The environment variables a manifest allows (``env:``); others are undefined in templates."""


def build_context(
    *,
    key: str,
    metadata: Mapping[str, Any],
    samples: Sequence[Sample],
    files: Sequence[LocalFile],
    vars: Mapping[str, Any],
    env_names: Sequence[str],
    base_dir: Path,
    now: datetime | None = None,
    doi: str | None = None,
    git: Mapping[str, str | None] | None = None,
) -> dict[str, Any]:
    """The context every description template sees (plain dicts and lists, documented here).

    ``key``; ``metadata`` (the deposition's manifest metadata); ``doi`` (str or None);
    ``samples``: ``[{name, folder, metadata, files, data_kinds}]``; ``files``: ``[{name, size,
    md5, sample, packed_from, source}]``; ``total_size``; ``data_kinds`` (union over samples, base
    kinds first); ``vars``; ``git``: ``{tag, commit, describe, branch}`` (None values outside a
    repository); ``now`` (aware UTC, ``SOURCE_DATE_EPOCH`` honoured); ``env``: only ``env_names``.
    """
    sample_dicts = [
        {
            "name": s.name,
            "folder": _relative(s.folder, base_dir),
            "metadata": _plain(s.metadata),
            "files": [_file_dict(f, base_dir) for f in s.files],
            "data_kinds": data_kinds(
                [f.name for f in s.files] + [_relative(f.source, base_dir) for f in s.files]
            ),
        }
        for s in samples
    ]
    found = {kind for s in sample_dicts for kind in s["data_kinds"]}
    meta_doi = metadata.get("doi")
    return {
        "key": key,
        "metadata": _plain(metadata),
        "doi": doi or (meta_doi if isinstance(meta_doi, str) and meta_doi else None),
        "samples": sample_dicts,
        "files": [_file_dict(f, base_dir) for f in files],
        "total_size": sum(f.size for f in files),
        "data_kinds": [k for k, _ in _KIND_TOKENS if k in found or k in BASE_DATA_KINDS],
        "vars": _plain(vars),
        "git": dict(git) if git is not None else git_info(base_dir),
        "now": now.astimezone(timezone.utc) if now is not None else utc_now(),
        "env": env_vars(env_names),
    }


def utc_now() -> datetime:
    """Now as an aware UTC datetime, or ``SOURCE_DATE_EPOCH`` when set (reproducible output)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(tz=timezone.utc)


def git_info(base_dir: Path) -> dict[str, str | None]:
    """``{tag, commit, describe, branch}`` of the repository holding ``base_dir``; None when unknown.

    Four ``git`` calls cost ~6 ms: a caller rendering many depositions reads it once and passes
    it to ``build_context(git=...)``.
    """
    return _git_info(base_dir)


def _git_info(base_dir: Path) -> dict[str, str | None]:

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(base_dir), *args], capture_output=True, text=True, timeout=10, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return None  # git missing or hanging: the context simply has no git facts
        out = done.stdout.strip()
        return out if done.returncode == 0 and out else None

    commit = git("rev-parse", "--verify", "HEAD")
    if commit is None:
        return {"tag": None, "commit": None, "describe": None, "branch": None}
    branch = git("rev-parse", "--abbrev-ref", "HEAD")
    return {
        "tag": git("describe", "--tags", "--exact-match", "HEAD"),
        "commit": commit,
        "describe": git("describe", "--tags", "--always", "--dirty"),
        "branch": None if branch == "HEAD" else branch,
    }


def _relative(path: Path | ZipMember, base_dir: Path) -> str:
    if isinstance(path, ZipMember):
        return f"{_relative(path.archive, base_dir)}!/{path.member}"
    try:
        return path.resolve().relative_to(base_dir.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _file_dict(f: LocalFile, base_dir: Path) -> dict[str, Any]:
    return {
        "name": f.name,
        "size": f.size,
        "md5": f.md5,
        "sample": f.sample,
        "packed_from": list(f.packed_from),
        "source": _relative(f.source, base_dir),
    }


def _plain(value: Any) -> Any:
    """Deep copy into dicts and lists, so templates see one kind of container."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
