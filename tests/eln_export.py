"""Synthetic lab notebook exports for tests: a .eln zip with samples, properties and files."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def write_export(
    path: Path, samples: Mapping[str, Mapping[str, Any]], people: Mapping[str, Any] = ()
) -> Path:
    """``samples``: folder → {name, properties: {k: v}, files: {rel: text}, author: id, keywords}."""
    graph: list[dict[str, Any]] = [
        {"@id": "ro-crate-metadata.json", "@type": "CreativeWork", "about": {"@id": "./"}},
    ]
    members: dict[str, str] = {}
    parts = []
    for folder, spec in samples.items():
        node: dict[str, Any] = {"@id": f"./{folder}/", "@type": ["Dataset"], "name": spec["name"]}
        node["hasPart"] = [{"@id": f"./{folder}/{rel}"} for rel in spec.get("files", {})]
        node["variableMeasured"] = [
            {"@type": "PropertyValue", "propertyID": k, "value": v}
            for k, v in spec.get("properties", {}).items()
        ]
        if "author" in spec:
            node["author"] = {"@id": spec["author"]}
        if "keywords" in spec:
            node["keywords"] = spec["keywords"]
        graph.append(node)
        parts.append({"@id": node["@id"]})
        for rel, text in spec.get("files", {}).items():
            graph.append({"@id": f"./{folder}/{rel}", "@type": "File", "name": rel})
            members[f"export/{folder}/{rel}"] = text
    graph.insert(1, {"@id": "./", "@type": "Dataset", "hasPart": parts})  # the root, not first
    graph.extend({"@id": ident, "@type": "Person", **person} for ident, person in dict(people).items())
    members["export/ro-crate-metadata.json"] = json.dumps({"@graph": graph}, indent=1)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path
