"""The InvenioRDM/Zenodo vocabularies shipped as package data, loaded once and cached."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

NAMES = (
    "codemeta",
    "date_types",
    "description_types",
    "identifier_schemes",
    "languages",
    "licenses",
    "relation_types",
    "resource_types",
    "roles",
    "title_types",
)


@cache
def load(name: str) -> dict[str, Any]:
    """The raw JSON of vocabulary ``name`` (one of ``NAMES``)."""
    if name not in NAMES:
        raise KeyError(name)
    text = resources.files("zenodeploy.data.vocabularies").joinpath(f"{name}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def entries(name: str) -> dict[str, dict[str, Any]]:
    """Vocabulary entries by id (lower-case ids, as InvenioRDM stores them)."""
    return {str(e["id"]): e for e in load(name).get("entries", [])}


@cache
def ids(name: str) -> frozenset[str]:
    return frozenset(entries(name))


def title(name: str, entry_id: str) -> str:
    """The English title InvenioRDM returns for an id, or the id itself when unknown."""
    entry = entries(name).get(entry_id)
    return str(entry["title"]) if entry else entry_id


@cache
def depositable_resource_types() -> frozenset[str]:
    return frozenset(k for k, v in entries("resource_types").items() if v.get("depositable", True))


@cache
def programming_languages() -> dict[str, str]:
    """Zenodo's ``code:programmingLanguage`` vocabulary: id → English title (codemeta)."""
    return {
        str(e["id"]): str(e.get("title_en") or e["id"]) for e in load("codemeta")["programming_languages"]
    }


@cache
def development_statuses() -> frozenset[str]:
    """Zenodo's ``code:developmentStatus`` ids (repostatus.org)."""
    return frozenset(str(e["id"]) for e in load("codemeta")["development_status"])
