"""Every key the CITATION.cff 1.2 schema defines, at every level (the file, persons, entities,
identifiers, the preferred citation, references and the persons and entities inside them), is
either taken into the manifest or named in a warning: none is dropped silently."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from zenodeploy.manifest.sources import read_source
from zenodeploy.manifest.yamlpos import PathT, format_path
from zenodeploy.model import Finding

SCHEMA = json.loads((Path(__file__).parent / "data" / "cff_schema" / "schema-1.2.0.json").read_text("utf-8"))
DEFS = SCHEMA["definitions"]
SKIPPED = {"cff-version", "message"}  # about the file itself; the docs say they are skipped silently


def _orcid(n: int) -> str:
    """A valid ORCID iD (ISO 7064 11,2 check digit), different for each ``n``."""
    base = f"0000000218{n:05d}"
    total = 0
    for digit in base:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    full = base + ("X" if check == 10 else str(check))
    return "-".join(full[i : i + 4] for i in range(0, 16, 4))


class _Feed:
    """A CITATION.cff with a distinct value for every key of the schema, at every level."""

    def __init__(self) -> None:
        self.count = itertools.count(100)

    def obj(self, name: str) -> dict[str, Any]:
        out = {key: self.value(key, prop, name) for key, prop in DEFS[name]["properties"].items()}
        return out | ({"type": "software"} if name == "reference" else {})

    def identifiers(self) -> list[dict[str, Any]]:
        n = next(self.count)
        values = {
            "doi": f"10.5555/t{n}",
            "url": f"https://example.org/id{n}",
            "swh": f"swh:1:rel:{n:040d}",
            "other": f"T{n}other",
        }
        return [{"type": t, "value": v, "description": f"T{n}{t}desc"} for t, v in values.items()]

    def value(self, key: str, prop: dict[str, Any], level: str) -> Any:
        n = next(self.count)
        ref = prop.get("$ref", "").rsplit("/", 1)[-1]
        items = prop.get("items", {})
        kinds = {i.get("$ref", "").rsplit("/", 1)[-1] for i in items.get("anyOf", [items])}
        if ref in ("entity", "reference"):
            return self.obj(ref)
        if kinds == {"person", "entity"}:
            return [self.obj("person"), self.obj("entity")]
        if kinds == {"reference"}:
            return [self.obj("reference")]
        if kinds == {"identifier"}:
            return self.identifiers()
        if prop.get("type") == "array":
            return ["nld"] if key == "languages" else [f"T{n}item"]
        scalars = {
            "doi": f"10.5555/t{n}",
            "url": f"https://example.org/t{n}",
            "orcid": f"https://orcid.org/{_orcid(n)}",
            "date": f"{1900 + n}-01-02",
            "license": "Apache-2.0",
            "email": f"t{n}@example.org",
            "country": "NL",
            "version": f"9.{n}",
        }
        if ref in scalars:
            return scalars[ref]
        patterned = {"isbn": f"978-0-{n:06d}-0", "issn": f"{n:04d}-000X", "pmcid": f"PMC{n:07d}"}
        if key in patterned:
            return patterned[key]
        if key == "month":
            return 11
        if key == "type":
            return "dataset" if level == "root" else "software"
        if key == "cff-version":
            return "1.2.0"
        if "enum" in prop:
            return max(prop["enum"], key=len)
        if any(option.get("type") == "integer" for option in prop.get("anyOf", [prop])):
            return 7000 + n
        return f"T{n}text"


def _leaves(value: Any, path: PathT = ()) -> list[tuple[PathT, Any]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, (*path, i))]
    return [(path, value)]


def _pattern(path: PathT) -> str:
    return format_path(tuple("*" if isinstance(p, int) else p for p in path)).replace(".*", "[*]")


def _named(path: PathT, value: Any, warnings: list[Finding]) -> bool:
    """A warning names ``path``'s key or the key of a mapping it is inside (located there, or as
    ``authors[*].email`` in a counted warning), or names the value at its entry."""
    keys = [path[: i + 1] for i, p in enumerate(path) if isinstance(p, str)]
    for w in warnings:
        if any(w.path == format_path(k) or f"({_pattern(k)})" in w.message for k in keys):
            return True
        if w.path == format_path(path[:-1]) and str(value) in w.message:
            return True
    return False


def _taken(path: PathT, value: Any, blob: str) -> bool:
    text = str(value).lower().removeprefix("https://orcid.org/")
    if path[-1] == "given-names" and path[0] in ("references", "preferred-citation"):
        return f", {text[:1]}." in blob  # a reference shows the initial
    return text in blob


def test_every_key_of_the_cff_schema_is_taken_or_named_in_a_warning(tmp_path: Path) -> None:
    feed = _Feed()
    cff = {key: feed.value(key, prop, "root") for key, prop in SCHEMA["properties"].items()}
    jsonschema.validate(cff, SCHEMA)  # the feed is a valid CITATION.cff
    cff["colour"] = "blue"  # and keys the schema does not know, at each level
    for entry in (cff["authors"][0], cff["identifiers"][0], cff["preferred-citation"], cff["references"][0]):
        entry["colour"] = "T-unknown-key"
    (tmp_path / "CITATION.cff").write_text(yaml.safe_dump(cff, sort_keys=False), "utf-8")
    source = read_source(tmp_path / "CITATION.cff", "CITATION.cff", "CITATION.cff")
    blob = json.dumps(source.metadata, ensure_ascii=False).lower()
    warnings = [f for f in source.findings(None) if f.severity == "warning"]
    assert [f for f in source.findings(None) if f.severity == "error"] == []
    leaves = [(p, v) for p, v in _leaves(cff) if p[0] not in SKIPPED]
    assert len(leaves) > 400
    silent = [format_path(p) for p, v in leaves if not _taken(p, v, blob) and not _named(p, v, warnings)]
    assert silent == []
    assert re.search(r"month", " ".join(w.message + w.path for w in warnings))  # 11 is in other values
