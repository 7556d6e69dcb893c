"""One sample as the rest of the pipeline sees it, whichever source it came from: a folder with a
sidecar (``samples``) or a dataset of a lab notebook export (``eln``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zenodeploy.model import ZipMember


@dataclass(frozen=True, slots=True)
class SampleFolder:
    """A selected sample: name, folder, metadata, sidecar, and its files as (relative path, path).

    For a lab notebook export, ``folder`` is the export, ``sidecar`` is None and the files are
    members of the zip (or files of the unpacked crate)."""

    name: str
    folder: Path
    metadata: Mapping[str, Any]
    sidecar: Path | None
    files: tuple[tuple[str, Path | ZipMember], ...]
