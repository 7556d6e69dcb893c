"""Generated manifests for the request and limit tests."""

from __future__ import annotations

from pathlib import Path


def generated_manifest(
    base: Path, entries: list[tuple[str, str, list[str]]], *, publisher: bool = False
) -> Path:
    """``base/zenodeploy.yaml`` with shared defaults and one deposition per ``(key, title, files)``."""
    lines = ["version: 1", "defaults:", "  resource_type: dataset", "  license: cc-by-4.0"]
    lines += [
        "  creators:",
        "    - {family: Doe, given: Jane}",
        *(["  publisher: Zenodo"] if publisher else []),
    ]
    lines.append("depositions:")
    for key, title, files in entries:
        lines += [
            f"  - key: {key}",
            f"    title: {title}",
            f"    description: {title}, a deposition of a generated manifest.",
            f"    files: [{', '.join(files)}]",
        ]
    manifest = base / "zenodeploy.yaml"
    manifest.write_text("\n".join(lines) + "\n")
    return manifest
