"""The InvenioRDM/Zenodo vocabularies shipped as package data, loaded once and cached."""

from __future__ import annotations

import difflib
import json
import re
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


def language_suggestion(value: str) -> str | None:
    """The ISO 639-3 code ``value`` most likely means, for a "did you mean": the language of that
    English name, maybe misspelt (``english`` → ``eng``), or of a locale (``en-US``, ``pt_BR``);
    None rather than a guess (a shorter name than four letters is a code, or too short to tell)."""
    low = " ".join(value.lower().split())
    if locale := re.fullmatch(r"([a-z]{2,3})[-_][a-z0-9]{2,8}", low):
        return _language_codes().get(locale[1])
    names = _language_names()
    if len(low) < 4:
        return None
    close = [low] if low in names else difflib.get_close_matches(low, sorted(names), n=1, cutoff=0.85)
    return names[close[0]] if close else None


@cache
def _language_codes() -> dict[str, str]:
    """Three- and two-letter codes → the three-letter code."""
    out = {key: key for key in entries("languages")}
    return out | {str(e["alpha_2"]): key for key, e in entries("languages").items() if e.get("alpha_2")}


@cache
def _language_names() -> dict[str, str]:
    """Lower-case English names of languages → their codes (``modern greek`` → ``ell``); a name
    two languages share goes to the one with a two-letter code."""
    by_rank = sorted(entries("languages").values(), key=lambda e: e.get("alpha_2") is None)
    out: dict[str, str] = {}
    for entry in by_rank:
        name = str(entry["title"]).lower()
        for key in (name, re.sub(r"\s*\(.*\)$", "", name)):
            out.setdefault(key, str(entry["id"]))
    return out


@cache
def development_statuses() -> frozenset[str]:
    """Zenodo's ``code:developmentStatus`` ids (repostatus.org)."""
    return frozenset(str(e["id"]) for e in load("codemeta")["development_status"])


#: Licence ids people write (older SPDX names, Zenodo's legacy ids) → Zenodo's current ids.
LICENSE_ALIASES = {
    "cc-by": "cc-by-4.0",
    "cc-by-sa": "cc-by-sa-4.0",
    "cc-by-nc": "cc-by-nc-4.0",
    "cc-by-nd": "cc-by-nd-4.0",
    "cc-by-nc-sa": "cc-by-nc-sa-4.0",
    "cc-by-nc-nd": "cc-by-nc-nd-4.0",
    "cc-zero": "cc0-1.0",
    "cc0": "cc0-1.0",
    "cc-0": "cc0-1.0",
    "mit-license": "mit",
    "the-mit-license": "mit",
    "expat": "mit",
    "apache2.0": "apache-2.0",
    "apache2": "apache-2.0",
    "apache-2": "apache-2.0",
    "apache-v2": "apache-2.0",
    "bsd-3": "bsd-3-clause",
    "bsd-2": "bsd-2-clause",
    "new-bsd": "bsd-3-clause",
    "simplified-bsd": "bsd-2-clause",
    "odc-by": "odc-by-1.0",
    "odbl": "odbl-1.0",
    "odc-odbl": "odbl-1.0",
    "odc-pddl": "pddl-1.0",
    "pddl": "pddl-1.0",
    "public-domain": "other-pd",
    "mpl2": "mpl-2.0",
    "mpl-2": "mpl-2.0",
    "eupl": "eupl-1.2",
}
_LICENSE_FAMILIES = ("agpl", "gpl", "lgpl", "gfdl")  # SPDX before 3.0: GPL-3.0 = only, GPL-3.0+ = or-later

#: Resource-type names people write (CFF types, legacy upload types, plain words) → vocabulary ids.
RESOURCE_TYPE_ALIASES = {
    "article": "publication-article",
    "journal-article": "publication-article",
    "paper": "publication-article",
    "magazine-article": "publication-article",
    "newspaper-article": "publication-article",
    "thesis": "publication-dissertation",
    "publication-thesis": "publication-dissertation",
    "phd-thesis": "publication-dissertation",
    "book": "publication-book",
    "edited-work": "publication-book",
    "book-chapter": "publication-section",
    "chapter": "publication-section",
    "conference-paper": "publication-conferencepaper",
    "proceedings": "publication-conferenceproceeding",
    "conference": "publication-conferenceproceeding",
    "report": "publication-report",
    "preprint": "publication-preprint",
    "unpublished": "publication-workingpaper",
    "manual": "publication-softwaredocumentation",
    "standard": "publication-standard",
    "patent": "publication-patent",
    "generic": "publication-other",
    "pamphlet": "publication-other",
    "figure": "image-figure",
    "photo": "image-photo",
    "plot": "image-plot",
    "drawing": "image-drawing",
    "diagram": "image-diagram",
    "art": "image-other",
    "data": "dataset",
    "data-set": "dataset",
    "database": "dataset",
    "code": "software",
    "software-code": "software",
    "software-container": "software",
    "software-executable": "software",
    "software-virtual-machine": "software",
    "source-code": "software",
    "notebook": "software-computationalnotebook",
    "slides": "presentation",
    "sound-recording": "audio",
    "film-broadcast": "video",
    "video": "video",
    "audiovisual": "video",
    "map": "image-other",
    "course": "lesson",
}


def license_alias(value: str) -> str | None:
    """Zenodo's licence id for an older SPDX or legacy name (``GPL-3.0`` → ``gpl-3.0-only``,
    ``cc-by`` → ``cc-by-4.0``, ``MIT License`` → ``mit``), the id itself when current, else None."""
    known = ids("licenses")
    low = "-".join(value.strip().lower().split())
    for candidate in (low, low.removesuffix("-license"), low.removeprefix("the-")):
        if candidate in known:
            return candidate
        if candidate in LICENSE_ALIASES:
            return LICENSE_ALIASES[candidate]
    base, later = (low[:-1], True) if low.endswith("+") else (low.removesuffix("-only"), False)
    if base.split("-")[0] in _LICENSE_FAMILIES:
        found = f"{base.removesuffix('-or-later')}-{'or-later' if later else 'only'}"
        return found if found in known else None
    return None


def license_suggestion(value: str) -> str | None:
    """The licence id ``value`` most likely means, for a "did you mean", or None rather than a
    guess: an alias (``license_alias``), the same with its version written out (``gpl3`` →
    ``gpl-3.0-only``, ``cc-by-4`` → ``cc-by-4.0``), the longest leading words that name a licence
    (``MIT-License-2`` → ``mit``), a word that is one (``the ISC licence`` → ``isc``), or an id
    spelt almost alike (``unlicensed`` → ``unlicense``)."""
    if found := license_alias(value):
        return found
    words = [w for w in _license_words(value) if w not in _NOT_NAMES]
    for end in range(len(words), 0, -1):
        stem = "-".join(words[:end])
        whole = re.fullmatch(r"(.*-\d+)(\+?)", stem)  # a major version alone: try it as N.0 too
        for candidate in (stem, f"{whole[1]}.0{whole[2]}") if whole else (stem,):
            if found := license_alias(candidate):
                return found
    known = ids("licenses")
    if found := next((w for w in words if w in known and not w[0].isdigit()), None):
        return found
    text = "-".join(words)
    close = difflib.get_close_matches(text, sorted(known), n=1, cutoff=0.8) if len(text) > 4 else []
    return close[0] if close else None


def _license_words(value: str) -> list[str]:
    """``GNU GPLv3+`` → ``gnu``, ``gpl``, ``3+``: lower-case words, versions split off."""
    words = []
    for word in re.split(r"[\s_/,()-]+", value.strip().lower()):
        word = re.sub(r"^v(?=\d)|(?<=[a-z])v(?=\d)", "", word)
        words += [part for part in re.split(r"(?<=[a-z])(?=\d)", word) if part]
    return words


_NOT_NAMES = frozenset({"the", "license", "licence", "version", "licensed", "under", "gnu"})


def license_by_url(url: str) -> str | None:
    """The licence id whose page is ``url`` (http/https, trailing slash and ``legalcode`` ignored)."""
    return _license_urls().get(_url_key(url))


@cache
def _license_urls() -> dict[str, str]:
    out: dict[str, str] = {}
    for key, entry in entries("licenses").items():
        if entry.get("url"):
            out.setdefault(_url_key(str(entry["url"])), key)
    return out


def _url_key(url: str) -> str:
    text = url.strip().lower().split("://", 1)[-1].removeprefix("www.")
    text = text.removesuffix("/").removesuffix("/legalcode").removesuffix(".html").removesuffix("/")
    return text.removesuffix("-standalone")


def resource_type_alias(value: str) -> str | None:
    """The resource-type id for a synonym (``article`` → ``publication-article``, ``thesis`` →
    ``publication-dissertation``, ``conference-paper`` → ``publication-conferencepaper``), else None."""
    known = depositable_resource_types()
    low = "-".join(value.strip().lower().replace("_", "-").split())
    if low in known:
        return low
    if low in RESOURCE_TYPE_ALIASES:
        return RESOURCE_TYPE_ALIASES[low]
    flat = low.replace("-", "")
    for prefix in ("publication-", "image-", "software-"):
        if prefix + flat in known:
            return prefix + flat
    return None
