"""``zenodeploy init``: the "first login" questions, the user profile, and a starter project.

The questions are data (:class:`Question`); the CLI asks them through a callback, so this
module never talks to the terminal. ``init_project`` writes the profile and, in a folder, a
commented ``zenodeploy.yaml``, ``templates/description.md.j2`` and ``data/README.md`` that
validate as written. Nothing existing is overwritten unless ``force`` is true.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zenodeploy import orcid, vocabularies
from zenodeploy.cli.starter_texts import DATA_README, DESCRIPTION_TEMPLATE, MANIFEST_TEMPLATE
from zenodeploy.errors import ConfigError, UsageError
from zenodeploy.manifest import checks, profile

SCHEMA_URL = "https://zenodeploy.github.io/schema/v1/zenodeploy.schema.json"
TYPES = ("personal", "organizational")
STARTER_FILES = ("zenodeploy.yaml", "templates/description.md.j2", "data/README.md")


def _text(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("this answer cannot be empty")
    return value


def _optional(value: str) -> str:
    return value.strip()


def _type(value: str) -> str:
    low = value.strip().lower()
    if low not in TYPES:
        raise ValueError(f"'{value}' is not an account type; answer personal or organizational")
    return low


def check_orcid(value: str) -> str:
    """A bare ORCID iD (``0000-0002-1825-0097``) or ``""``; raises ``ValueError`` when it is wrong."""
    value = value.strip()
    if not value:
        return ""
    bare = checks.normalize_orcid(value).upper()
    problem = orcid.shape_problem(bare)
    if problem:
        raise ValueError(problem.replace(f"'{bare}'", f"'{value}'"))
    if not checks.orcid_is_valid(bare):
        raise ValueError(f"'{value}' has a wrong check digit; copy the iD from your ORCID page")
    return bare


def check_license(value: str) -> str:
    """A license id of Zenodo's vocabulary, lower-cased; raises ``ValueError`` with a suggestion."""
    canonical = checks.vocab_id("licenses", value)
    if canonical is None:
        hint = "".join(f for _, f in checks.check_vocab("licenses", value, "license", ()))
        raise ValueError(hint or f"unknown license '{value}'")
    return canonical


def check_server(value: str) -> str:
    """``sandbox``, ``zenodo``, ``local`` or an InvenioRDM base URL."""
    from zenodeploy.zenodo.servers import base_url  # the one place server names are known

    value = value.strip()
    if value in ("local", "sandbox", "zenodo"):
        return value
    if not value.startswith("https://"):
        raise ValueError(f"'{value}' is not a server: answer sandbox, zenodo, local or an https:// URL")
    try:
        base_url(value)
    except ConfigError as exc:
        raise ValueError(str(exc)) from None
    return value.rstrip("/")


@dataclass(frozen=True, slots=True)
class Question:
    """One init question: ``name`` is its option name, ``check`` normalises or raises ``ValueError``."""

    name: str
    text: str
    default: str | None
    check: Callable[[str], str]
    optional: bool = False


Ask = Callable[[Question], str]


def questions(kind: str, previous: Mapping[str, Any]) -> list[Question]:
    """The questions for an account of ``kind``; defaults come from an existing profile."""
    creator = previous.get("creator") or {}
    affiliations = creator.get("affiliations") or [""]
    first_aff = affiliations[0] if isinstance(affiliations[0], str) else ""
    out = []
    if kind == "personal":
        out += [
            Question("family", "Family name", creator.get("family"), _text),
            Question("given", "Given name(s)", creator.get("given"), _text),
            Question("orcid", "ORCID iD (empty: none)", creator.get("orcid", ""), check_orcid, True),
        ]
    else:
        out.append(Question("name", "Organisation name", creator.get("name"), _text))
    out += [
        Question("affiliation", "Affiliation (empty: none)", first_aff, _optional, True),
        Question("license", "Default license", previous.get("license", "cc-by-4.0"), check_license),
        Question(
            "server",
            "Server (sandbox, zenodo, local or URL)",
            previous.get("server", "sandbox"),
            check_server,
        ),
    ]
    return out


def gather(given: Mapping[str, str | None], ask: Ask | None, previous: Mapping[str, Any]) -> dict[str, str]:
    """Answers from the options in ``given``, else from ``ask`` (None: ``--no-input``, use defaults).

    An invalid option value raises ``UsageError``; a required answer without a default under
    ``--no-input`` too.
    """
    previous_type = str((previous.get("creator") or {}).get("type", "personal"))
    type_q = Question("type", "Account type (personal or organizational)", previous_type, _type)
    answers = {"type": _answer(type_q, given, ask)}
    for question in questions(answers["type"], previous):
        answers[question.name] = _answer(question, given, ask)
    return answers


def _answer(question: Question, given: Mapping[str, str | None], ask: Ask | None) -> str:
    value = given.get(question.name)
    if value is not None:
        try:
            return question.check(value)
        except ValueError as exc:
            raise UsageError(f"--{question.name}: {exc}.") from None
    if ask is not None:
        return ask(question)
    if question.default is not None:
        return question.check(question.default)
    if question.optional:
        return ""
    raise UsageError(f"--no-input needs --{question.name} (there is no saved answer to reuse).")


def creator_of(answers: Mapping[str, str]) -> dict[str, Any]:
    """The profile's default creator, in the manifest's creator shape."""
    if answers["type"] == "organizational":
        creator: dict[str, Any] = {"name": answers["name"], "type": "organizational"}
    else:
        creator = {"family": answers["family"], "given": answers["given"], "type": "personal"}
        if answers.get("orcid"):
            creator["orcid"] = answers["orcid"]
    if answers.get("affiliation"):
        creator["affiliations"] = [answers["affiliation"]]
    return creator


def profile_of(answers: Mapping[str, str]) -> dict[str, Any]:
    return {"creator": creator_of(answers), "license": answers["license"], "server": answers["server"]}


@dataclass(frozen=True, slots=True)
class InitResult:
    profile: Path | None  # None when the saved profile already held these answers
    files: tuple[Path, ...]


def init_project(
    directory: Path | None, answers: Mapping[str, str], *, force: bool, profile_path: Path | None = None
) -> InitResult:
    """Write the profile and (when ``directory`` is given) the starter project.

    Checks every target first: an existing file (or a different existing profile) raises
    ``ConfigError`` naming it unless ``force``; nothing is written in that case.
    """
    target = profile_path or profile.profile_path()
    new_profile = profile_of(answers)
    files = starter_files(directory, answers) if directory is not None else {}
    existing_profile = profile.load_profile(target) if target.exists() else None
    if not force:
        check_free(directory)
        if existing_profile is not None and _without_tokens(existing_profile) != new_profile:
            raise ConfigError(
                f"the profile {target} already exists with other answers. Pass --force to replace it."
            )
    written = []
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        written.append(path)
    if directory is not None and _ignore_state(directory / ".gitignore"):
        written.append(directory / ".gitignore")
    saved: Path | None = None
    if existing_profile is None or _without_tokens(existing_profile) != new_profile:
        keep = {k: v for k, v in (existing_profile or {}).items() if k == "tokens"}
        saved = profile.save_profile({**new_profile, **keep}, target)
    return InitResult(saved, tuple(written))


def check_free(directory: Path | None) -> None:
    """Raise ``ConfigError`` when a starter file already exists in ``directory`` (asked before
    any question, so that nobody answers seven questions to learn the project exists)."""
    if directory is None:
        return
    for name in STARTER_FILES:
        path = directory / name
        if path.exists():
            raise ConfigError(
                f"{path} already exists; zenodeploy init never overwrites files. "
                "Pass --force to replace it, or choose another folder."
            )


STATE_IGNORE = ".zenodeploy/"  # the local emulator's data and caches: never committed


def _ignore_state(path: Path) -> bool:
    """Add ``.zenodeploy/`` to the ``.gitignore`` at ``path`` (created if missing) unless a
    line already ignores it; True when the file was written."""
    text = path.read_text("utf-8") if path.exists() else ""
    if any(line.strip().strip("/") == STATE_IGNORE.strip("/") for line in text.splitlines()):
        return False
    separator = "" if not text or text.endswith("\n") else "\n"
    path.write_text(f"{text}{separator}{STATE_IGNORE}\n", "utf-8")
    return True


def _without_tokens(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "tokens"}


def slug(name: str) -> str:
    """A deposition key from a folder name (``My Data 2024`` → ``my-data-2024``)."""
    out = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-._")
    return out or "my-dataset"


def _q(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def starter_files(directory: Path, answers: Mapping[str, str]) -> dict[Path, str]:
    """The starter project's files (path → text)."""
    texts = (starter_manifest(answers, slug(directory.resolve().name)), DESCRIPTION_TEMPLATE, DATA_README)
    return {directory / name: text for name, text in zip(STARTER_FILES, texts, strict=True)}


def starter_manifest(answers: Mapping[str, str], key: str) -> str:
    creator = creator_of(answers)
    lines = [
        f"      - {'name' if 'name' in creator else 'family'}: {_q(creator.get('name') or creator['family'])}"
    ]
    if "given" in creator:
        lines.append(f"        given: {_q(creator['given'])}")
    if "orcid" in creator:
        lines.append(f"        orcid: {_q(creator['orcid'])}")
    if "affiliations" in creator:
        lines.append(f"        affiliations: [{_q(creator['affiliations'][0])}]")
    lines.append(f"        type: {creator['type']}")
    license_title = vocabularies.title("licenses", answers["license"])
    return MANIFEST_TEMPLATE.format(
        schema=SCHEMA_URL,
        server_line=f"server: {answers['server']}".ljust(32) + " ",
        key_line=f"  - key: {key}".ljust(32) + " ",
        creators="\n".join(lines),
        license_line=f"    license: {answers['license']}".ljust(32) + " ",
        license_title=license_title,
    )
