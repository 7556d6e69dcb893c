"""Creators from the checkout's git history: the list item ``{from: git}`` in ``creators``.

The offline counterpart of what Zenodo's GitHub integration does for a release whose
``.zenodo.json`` (or CITATION.cff) has no creators. There, invenio-github ``invenio_github/api.py``
``GitHubRelease.contributors`` asks GitHub's contributors API for the first
``GITHUB_MAX_CONTRIBUTORS_NUMBER`` (30) contributors, keeps those of type ``User`` (bots have type
``Bot``) and sorts them by contributions, most first; invenio-rdm-records
``services/github/metadata.py`` ``RDMReleaseMetadata.contributors`` makes each one a personal
creator whose ``family_name`` is the whole profile name, or the login when there is none (no
splitting), with the profile's company as affiliation; zenodo-rdm ``site/zenodo_rdm/github/release.py``
falls back to the repository's owner, then to "Unknown".

Here the history stands in for GitHub's API: ``git shortlog -sne HEAD`` (which applies
``.mailmap``), one author a name (commits under several addresses add up), by number of commits,
most first (ties by name), the first 30, then bots left out (a name or address ending in
``[bot]``, or GitHub's own bot addresses). Each becomes ``{family: <name as written>}``: a person
with the whole name as family name, as Zenodo writes it. People listed by hand beside the item
are not repeated. Profiles (a name set on GitHub but not in git, a company) are not known offline.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from zenodeploy.manifest.yamlpos import PathT

FROM_GIT = "git"
MAX_CONTRIBUTORS = 30  # invenio-github's GITHUB_MAX_CONTRIBUTORS_NUMBER default
_LINE = re.compile(r"^\s*(\d+)\t(.*?)\s*<([^<>]*)>\s*$")
_BOT_ADDRESSES = {"action@github.com", "actions@github.com", "noreply@github.com", "bot@renovateapp.com"}


class GitAuthorsError(Exception):
    """The history cannot be read; the message says why and what to do."""


def wants_git_authors(person: Any) -> bool:
    return isinstance(person, Mapping) and person.get("from") == FROM_GIT


def is_bot(name: str, address: str) -> bool:
    address = address.lower()
    return (
        name.lower().endswith("[bot]") or address.split("@")[0].endswith("[bot]") or address in _BOT_ADDRESSES
    )


def git_authors(folder: Path) -> tuple[list[dict[str, Any]], str | None]:
    """The creators the history of the checkout holding ``folder`` gives, and a warning (a
    shallow clone sees only part of the history) or None."""
    inside = _git(folder, "rev-parse", "--is-inside-work-tree")
    if "dubious ownership" in inside.stderr:  # a checkout owned by another user, as in containers
        raise GitAuthorsError(
            f"`from: git`: git refuses to read the checkout at {folder}, owned by another user; "
            f"run 'git config --global --add safe.directory {folder}', or list the creators by hand"
        )
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        raise GitAuthorsError(
            f"`from: git` takes the authors of the git history, but {folder} is not in a git "
            "checkout; apply the manifest from the repository's clone, or list the creators by hand"
        )
    if _git(folder, "rev-parse", "--verify", "-q", "HEAD").returncode != 0:
        raise GitAuthorsError(
            f"`from: git`: the checkout at {folder} has no commits yet; commit first, or list the creators by hand"
        )
    done = _git(folder, "shortlog", "-sne", "HEAD")
    if done.returncode != 0:
        raise GitAuthorsError(f"`from: git`: 'git shortlog' failed: {done.stderr.strip()[:200]}")
    counts: dict[str, int] = {}
    bots: set[str] = set()
    for line in done.stdout.splitlines():
        match = _LINE.match(line)
        if not match or not match[2].strip():
            continue
        name = " ".join(match[2].split())
        counts[name] = counts.get(name, 0) + int(match[1])
        if is_bot(name, match[3]):
            bots.add(name)
    ranked = sorted(counts, key=lambda n: (-counts[n], n))[:MAX_CONTRIBUTORS]
    people = [{"family": name} for name in ranked if name not in bots]
    if not people:
        raise GitAuthorsError(
            f"`from: git` found no authors but bots in the history of {folder}; list the creators by hand"
        )
    shallow = _git(folder, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"
    warning = (
        "`from: git`: the checkout is a shallow clone, so only the authors of its last commits are "
        "seen; fetch the whole history (in GitHub Actions: actions/checkout with fetch-depth: 0)"
        if shallow
        else None
    )
    return people, warning


class GitAuthors:
    """Replaces ``{from: git}`` creators; the history of ``folder`` is read once, on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.found: tuple[list[dict[str, Any]], str | None] | GitAuthorsError | None = None

    def expand(self, data: dict[str, Any], where: PathT) -> tuple[dict[str, Any], list[Any]]:
        """``data`` with each ``{from: git}`` creator replaced by the history's authors, and the
        problems, each ``(absolute path, message, "error" | "warning")``."""
        creators = data.get("creators")
        if not isinstance(creators, list) or not any(wants_git_authors(c) for c in creators):
            return data, []
        if self.found is None:
            try:
                self.found = git_authors(self.folder)
            except GitAuthorsError as exc:
                self.found = exc
        index = next(i for i, c in enumerate(creators) if wants_git_authors(c))
        if isinstance(self.found, GitAuthorsError):
            return data, [((*where, "creators", index), str(self.found), "error")]  # the one error
        people, warning = self.found
        named = {_name(c) for c in creators if isinstance(c, Mapping) and not wants_git_authors(c)}
        out: list[Any] = []
        for creator in creators:
            if wants_git_authors(creator):
                out += [p for p in people if _name(p) not in named and p not in out]
            else:
                out.append(creator)
        problems = [((*where, "creators", index), warning, "warning")] if warning else []
        return {**data, "creators": out}, problems


def _name(person: Mapping[str, Any]) -> str:
    given = str(person.get("given") or "")
    whole = f"{given} {person.get('family') or ''}" if given else str(person.get("family") or "")
    return " ".join(str(person.get("name") or whole).lower().split())


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=30,
            check=False,
        )
    except FileNotFoundError:
        raise GitAuthorsError(
            "`from: git` needs the git command, which is not installed (or not on PATH); "
            "install git, or list the creators by hand"
        ) from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise GitAuthorsError(f"`from: git`: git could not be run ({type(exc).__name__})") from None
