"""What Zenodo's GitHub integration publishes for a release where its .zenodo.json (or
CITATION.cff) says nothing, for ``zenodeploy convert --repository OWNER/NAME``.

Zenodo starts from ``RDMReleaseMetadata.default_metadata`` (invenio-rdm-records
services/github/metadata.py) and updates it, key by key, with what the file gives
(zenodo-rdm site/zenodo_rdm/github/release.py ``ZenodoGithubRelease.metadata``):

- title: ``"OWNER/NAME: <release name, or its tag when it has none>"``;
- version: the release's tag;
- related_identifiers: ``https://github.com/OWNER/NAME/tree/<tag>``, IsSupplementTo, software;
- rights: ``cc-by-4.0``;
- creators: the repository's GitHub contributors (names or logins, read from GitHub's API),
  else its owner, else "Unknown": here ``[{from: git}]``, the authors of the checkout's history
  by commits, bots left out (``git_authors``), read when the manifest is loaded in the checkout.

The release is not known when converting: the tag is the template ``{{ git.tag }}`` of the
checkout the manifest is applied from (a release's name, when it differs from its tag, is not).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")
_REMOTE = re.compile(r"github\.com[:/]+(?P<repo>[^/\s]+/[^/\s]+?)(?:\.git)?/?$")
TAG = "{{ git.tag or 'unreleased' }}"


def valid_repository(name: str) -> bool:
    """``OWNER/NAME`` as GitHub spells a repository."""
    return bool(_NAME.fullmatch(name))


def repository_of(folder: Path) -> str | None:
    """``OWNER/NAME`` of the GitHub repository ``origin`` points to in the checkout holding ``folder``."""
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), "remote", "get-url", "origin"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    found = _REMOTE.search(done.stdout.strip()) if done.returncode == 0 else None
    return found["repo"] if found and valid_repository(found["repo"]) else None


def release_fields(repository: str, taken: Mapping[str, Any]) -> dict[str, tuple[Any, str]]:
    """The fields Zenodo's GitHub integration fills for ``repository`` that ``taken`` lacks,
    each with where it comes from (for the manifest's comment)."""
    origin = f"the GitHub release of {repository}, as Zenodo's GitHub integration fills it"
    out: dict[str, tuple[Any, str]] = {}
    if "title" not in taken:
        out["title"] = (f"{repository}: {TAG}", f"{origin} (the release's tag; its name, if it has one)")
    if "version" not in taken:
        out["version"] = (TAG, f"{origin} (the release's tag)")
    if "related_identifiers" not in taken:
        tree = {
            "identifier": f"https://github.com/{repository}/tree/{TAG}",
            "relation": "IsSupplementTo",
            "resource_type": "software",
        }
        out["related_identifiers"] = ([tree], origin)
    if "creators" not in taken:
        why = "its GitHub contributors; here the authors of the checkout's git history, by commits"
        out["creators"] = ([{"from": "git"}], f"{origin} ({why}: keep the manifest in the checkout)")
    if "license" not in taken and "licenses" not in taken:
        out["license"] = ("cc-by-4.0", f"{origin} (its default licence)")
    return out
