"""YAML manifest → validated ``Manifest``: schema, defaults and profile merged, ``for_each`` expanded."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zenodeploy.errors import LocatedError, ManifestError
from zenodeploy.manifest import checks, partial, schema, tokenvars, yamlpos
from zenodeploy.manifest.citation import Problem as CitationProblem
from zenodeploy.manifest.citation import expand_citation
from zenodeploy.manifest.git_authors import FROM_GIT, GitAuthors
from zenodeploy.manifest.kept import check as check_kept
from zenodeploy.manifest.profile import profile_defaults, profile_path
from zenodeploy.manifest.requirements import deep_merge as deep_merge
from zenodeploy.manifest.requirements import own_files_if_kept, requirements
from zenodeploy.manifest.templated import expand, has_template, render_entry
from zenodeploy.manifest.yamlpos import PathT, Positions, format_path, parse_path
from zenodeploy.model import Finding


@dataclass(frozen=True, slots=True)
class Deposition:
    """One deposition as the manifest asks for it: merged data plus where it was written."""

    key: str
    data: Mapping[str, Any]
    path: PathT
    item: Mapping[str, Any] | None = None
    creators_from: str = "the manifest"  # where its creators come from (render shows it)


@dataclass(frozen=True, slots=True)
class Manifest:
    path: Path
    base_dir: Path
    server: str
    depositions: tuple[Deposition, ...]
    sample_sources: Mapping[str, Mapping[str, Any]]
    vars: Mapping[str, Any]
    env_names: tuple[str, ...]
    allow_outside: bool
    positions: Positions
    warnings: tuple[Finding, ...] = ()

    def finding(self, error: LocatedError) -> Finding:
        """The file, line and column of a located error raised by a later stage."""
        return self.positions.finding(parse_path(error.path), str(error))

    def select(self, only: tuple[str, ...]) -> tuple[Deposition, ...]:
        if not only:
            return self.depositions
        keys = {d.key for d in self.depositions}
        for key in only:
            if key not in keys:
                close = difflib.get_close_matches(key, sorted(keys), n=1)
                hint = f" Did you mean '{close[0]}'?" if close else f" Keys: {', '.join(sorted(keys))}."
                raise ManifestError(f"{self.path}: no deposition has key '{key}'.{hint}")
        return tuple(d for d in self.depositions if d.key in only)


def load_manifest(
    path: Path, *, profile: Mapping[str, Any] | None = None, today: dt.date | None = None
) -> Manifest:
    """Load and validate ``path``; raise ``ManifestError`` carrying every finding when anything is wrong."""
    shown = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ManifestError(
            f"{shown}: no such file. Check the path, or create one with 'zenodeploy init'."
        ) from None
    except OSError as exc:
        raise ManifestError(f"{shown}: cannot read the manifest ({exc}).") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[start : exc.start].decode("utf-8", "replace")) + 1
        finding = Finding(
            shown,
            raw.count(b"\n", 0, exc.start) + 1,
            column,
            "",
            f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); save the manifest as UTF-8",
        )
        raise ManifestError(finding.format(), [finding]) from None
    try:
        data, positions, findings = yamlpos.load(text, shown)
    except yamlpos.YamlError as exc:
        raise ManifestError(exc.finding.format(), [exc.finding]) from None
    if not isinstance(data, dict):
        finding = Finding(
            shown,
            1,
            1,
            "",
            "the manifest must be a YAML mapping with 'version' and 'depositions'; see examples/minimal/zenodeploy.yaml",
        )
        raise ManifestError(finding.format(), [finding])
    today, profile = today or dt.date.today(), profile or {}
    found, rejected = schema.explain(data, positions)
    findings += found + tokenvars.env_findings(data, positions)
    if any(f.severity == "error" for f in findings):  # report the rest too, then stop
        findings += partial.findings(data, positions, rejected, today, profile)
    _fail_on_errors(findings, shown)
    return _build(path, data, positions, profile, today)


def _fail_on_errors(findings: list[Finding], shown: str) -> None:
    errors = sorted(f for f in findings if f.severity == "error")
    if errors:
        noun = "problem" if len(errors) == 1 else "problems"
        raise ManifestError(f"{shown} has {len(errors)} {noun}", sorted(findings))


def _build(
    path: Path, data: dict[str, Any], positions: Positions, profile: Mapping[str, Any], today: dt.date
) -> Manifest:
    base_dir = path.parent.resolve()
    shown = positions.file
    findings: list[Finding] = []
    outside = bool(data.get("allow_outside", False))
    shown_dir = str(Path(shown).parent)
    defaults, cited = expand_citation(
        data.get("defaults") or {}, base_dir, ("defaults",), allow_outside=outside, shown_dir=shown_dir
    )
    git = GitAuthors(base_dir)
    defaults, from_git = git.expand(defaults, ("defaults",))
    findings += _cited(cited + from_git, positions)
    findings += _problems(checks.check_metadata(defaults, today), ("defaults",), positions)
    findings += _problems(check_kept(defaults), ("defaults",), positions)
    merged_defaults = deep_merge(profile_defaults(profile), defaults)
    variables = data.get("vars") or {}
    sources = data.get("samples") or {}
    depositions: list[Deposition] = []
    context_cache: list[dict[str, Any]] = []

    def fields_context() -> dict[str, Any]:
        """What templated fields see: vars, the allowed env, git facts (read once, on first use)."""
        if not context_cache:
            from zenodeploy.describe.context import env_vars, git_info

            env_names = data.get("env") or ()
            context_cache.append({"vars": variables, "env": env_vars(env_names), "git": git_info(base_dir)})
        return dict(context_cache[0])

    for index, entry in enumerate(data["depositions"]):
        where: PathT = ("depositions", index)
        if "for_each" in entry:
            expanded, problems = expand(entry, where, base_dir, fields_context(), positions)
            findings += problems
        elif has_template({k: v for k, v in entry.items() if k != "description"}):
            rendered, problems = render_entry(entry, where, fields_context(), positions)
            findings += problems
            expanded = [(rendered, {})] if rendered is not None else []
        else:
            expanded = [(entry, {})]
        for raw, item in expanded:
            given = raw
            raw, cited = expand_citation(raw, base_dir, where, allow_outside=outside, shown_dir=shown_dir)
            raw, from_git = git.expand(raw, where)
            origin = _creators_from(given, raw, data.get("defaults") or {}, merged_defaults)
            findings += _cited(cited + from_git, positions)
            findings += _problems(checks.check_metadata(raw, today), where, positions)
            findings += _problems(check_kept(raw, defaults.get("keep_on_server")), where, positions)
            merged = own_files_if_kept(deep_merge(merged_defaults, raw), raw)
            findings += _problems(requirements(merged, sources), where, positions)
            depositions.append(Deposition(str(raw["key"]), merged, where, item or None, origin))
    findings += _duplicate_keys(depositions, positions)
    _fail_on_errors(findings, shown)
    return Manifest(
        path=path,
        base_dir=base_dir,
        server=str(data.get("server") or profile.get("server") or "sandbox"),
        depositions=tuple(depositions),
        sample_sources=sources,
        vars=variables,
        env_names=tuple(data.get("env") or ()),
        allow_outside=bool(data.get("allow_outside", False)),
        positions=positions,
        warnings=tuple(sorted(findings)),
    )


def _creators_from(
    raw: Mapping[str, Any],
    expanded: Mapping[str, Any],
    defaults: Mapping[str, Any],
    merged: Mapping[str, Any],
) -> str:
    """Where a deposition's creators come from: its own ``creators:``, ``defaults:``, a
    CITATION.cff (``creators: {from: …}``), the git history (``{from: git}``), the deposition's
    own ``from:`` files or, when none of these names any, the user's profile."""
    if not raw.get("creators") and raw.get("from") and expanded.get("creators"):
        sources = raw["from"] if isinstance(raw["from"], list) else [raw["from"]]
        return ", ".join(str(source) for source in sources)
    for value, place in (
        (raw.get("creators"), "the manifest"),
        (defaults.get("creators"), "the manifest's defaults"),
    ):
        if isinstance(value, Mapping) and "from" in value:
            return str(value["from"])
        wanted = (
            {c.get("from") for c in value if isinstance(c, Mapping)} if isinstance(value, list) else set()
        )
        if "samples" in wanted:
            return f"{place} and the authors of the selected samples"
        if FROM_GIT in wanted and isinstance(value, list):  # alone, or beside people by hand
            history = "the git history (authors by commits)"
            return history if len(value) == 1 else f"{place} and {history}"
        if value:
            return place
    return f"your profile {profile_path()}" if merged.get("creators") else "nowhere"


def _cited(problems: list[CitationProblem], positions: Positions) -> list[Finding]:
    """Manifest problems located by ``positions``; findings in a source file pass through."""
    return [p if isinstance(p, Finding) else positions.finding(p[0], p[1], severity=p[2]) for p in problems]


def _problems(problems: Iterator[tuple[PathT, str]], base: PathT, positions: Positions) -> list[Finding]:
    return [positions.finding((*base, *rel), message) for rel, message in problems]


def _duplicate_keys(depositions: list[Deposition], positions: Positions) -> list[Finding]:
    first: dict[str, Deposition] = {}
    out = []
    for dep in depositions:
        if dep.key in first:
            other = format_path(first[dep.key].path)
            out.append(
                positions.finding(
                    (*dep.path, "key"),
                    f"duplicate key '{dep.key}' (also used by {other}); every deposition needs its own key",
                )
            )
        else:
            first[dep.key] = dep
    return out
