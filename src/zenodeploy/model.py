"""Frozen values shared by every stage of the pipeline (load → resolve → observe → plan → apply)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One validation result, pointing at a place in a user's file.

    ``path`` is a JSON path in the manifest such as ``depositions[0].creators[1].orcid``
    (empty for the document itself); ``line`` and ``column`` are 1-based.
    """

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: Severity = "error"

    def format(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        label = "" if self.severity == "error" else "warning: "
        return (
            f"{where}: {self.path}: {label}{self.message}" if self.path else f"{where}: {label}{self.message}"
        )


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A file as it will be stored remotely: its key, where its bytes come from, size and md5.

    ``packed_from`` lists the relative source paths inside an archive built by zenodeploy
    (empty for a plain file); ``sample`` names the sample the file belongs to, if any.
    """

    name: str
    source: Path
    size: int
    md5: str
    packed_from: tuple[str, ...] = ()
    sample: str | None = None


@dataclass(frozen=True, slots=True)
class Sample:
    """A sample folder with its sidecar metadata and its selected files."""

    name: str
    folder: Path
    metadata: Mapping[str, Any]
    files: tuple[LocalFile, ...] = ()


@dataclass(frozen=True, slots=True)
class Description:
    """A rendered description: the Markdown, the sanitised HTML Zenodo stores, and warnings."""

    markdown: str
    html: str
    warnings: tuple[Finding, ...] = ()


@dataclass(frozen=True, slots=True)
class DesiredDeposition:
    """What one manifest entry asks to exist remotely, fully resolved and offline.

    ``record`` is the metadata in the RDM request shape: ``{"metadata": ..., "access": ...,
    "custom_fields": ...}`` (no ids, no files); ``communities`` are slugs or ids.
    """

    key: str
    record: Mapping[str, Any]
    files: tuple[LocalFile, ...]
    samples: tuple[Sample, ...] = ()
    description: Description | None = None
    pin: str | None = None
    publish: bool = False
    on_published: Literal["new-version", "edit", "fail"] = "new-version"
    communities: tuple[str, ...] = ()
    source_path: str = ""
    # Record fields left as they are on the server (``keep_on_server``), by their labels
    # (``rights``, ``custom_fields.NAME``); ``keep_files``: the files too (never synced).
    kept: frozenset[str] = frozenset()
    keep_files: bool = False
