"""Manifest → ``DesiredDeposition``s, offline: files and samples resolved, descriptions rendered."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from zenodeploy.content import files
from zenodeploy.content.checksums import ChecksumCache
from zenodeploy.describe import render
from zenodeploy.errors import LocatedError, ManifestError
from zenodeploy.manifest.authors import expand_sample_authors, wants_sample_authors
from zenodeploy.manifest.load import Deposition, Manifest
from zenodeploy.manifest.metadata import to_rdm
from zenodeploy.manifest.templated import for_item, merge_items
from zenodeploy.manifest.tokenvars import find_secret, secrets_from_env
from zenodeploy.manifest.yamlpos import format_path
from zenodeploy.model import Description, DesiredDeposition, Finding
from zenodeploy.reconcile.textlines import placed, text_line

_SHOWS_MD5 = frozenset({"files", "samples"})  # the context names that carry md5s


@dataclass(frozen=True, slots=True)
class Resolution:
    depositions: tuple[DesiredDeposition, ...]
    warnings: tuple[Finding, ...]


def resolve(
    manifest: Manifest,
    *,
    server: str | None = None,
    only: tuple[str, ...] = (),
    check_files: bool = True,
    publish: bool | None = None,
    now: dt.datetime | None = None,
    token_env: str | None = None,
    stored_token: str | None = None,
    defer_md5: bool = False,
) -> Resolution:
    """Resolve every selected deposition; raise ``ManifestError`` with all findings if any fails.

    ``server`` is the server the run talks to (the manifest's when None): a ``record:`` map of
    pins gives the pin for it. ``publish`` overrides each deposition's ``publish:`` when given
    (``--publish``). A deposition whose fields, description or file names hold the value of a
    token variable (``token_env`` too) or the ``stored_token`` the run will use is refused.
    """
    server = server or manifest.server
    secrets = secrets_from_env(server, [token_env] if token_env else [])
    if stored_token:
        secrets.setdefault(stored_token, "the token stored for this server (zenodeploy login)")
    cache = ChecksumCache() if check_files else None
    git = functools.cache(functools.partial(_git_info, manifest.base_dir))  # read on first use
    out: list[DesiredDeposition] = []
    findings: list[Finding] = list(manifest.warnings)
    try:
        for dep in manifest.select(only):
            try:
                desired, warnings = _resolve_one(
                    manifest, dep, server, cache, check_files, now, git, defer_md5
                )
                refuse_secrets(dep, desired, secrets)
            except LocatedError as exc:
                found = manifest.finding(exc)
                findings.append(for_item(found, str(dep.item["path"])) if dep.item else found)
                continue
            if publish is not None:
                desired = _with_publish(desired, publish)
            if check_files and not desired.files and not desired.keep_files:
                findings.append(_no_files(manifest, dep, desired.publish))
            out.append(desired)
            findings += warnings
    finally:
        if cache is not None:
            cache.close()
    findings = merge_items(findings)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise ManifestError(
            f"{manifest.path} has {len(errors)} problem{'s' if len(errors) > 1 else ''}", sorted(findings)
        )
    return Resolution(tuple(out), tuple(sorted(findings)))


def _resolve_one(
    manifest: Manifest,
    dep: Deposition,
    server: str,
    cache: ChecksumCache | None,
    check_files: bool,
    now: dt.datetime | None,
    git: Callable[[], Mapping[str, str | None]],
    defer_md5: bool = False,
) -> tuple[DesiredDeposition, list[Finding]]:
    where = format_path(dep.path)
    data = dep.data
    warnings: list[Finding] = []
    if check_files:
        resolved = files.resolve_deposition(
            data,
            base_dir=manifest.base_dir,
            sample_sources=manifest.sample_sources,
            where=where,
            allow_outside=bool(data.get("allow_outside", manifest.allow_outside)),
            cache=cache,
            manifest=manifest.path,
            defer=defer_md5 and not _shows_md5(data.get("description"), manifest.base_dir),
        )
        local_files, samples = resolved.files, resolved.samples
        warnings += [manifest.positions.finding(dep.path, w, severity="warning") for w in resolved.warnings]
        data = expand_sample_authors(data, samples, where)
    else:
        local_files, samples = (), ()
        data = {**data, "creators": [c for c in data.get("creators") or [] if not wants_sample_authors(c)]}
    description: Description | None = None
    spec = data.get("description")
    if spec:
        context: dict[str, Any] = {}
        if not render.is_plain(spec):  # a plain description reads no context (nor git)
            from zenodeploy.describe.context import build_context

            context = build_context(
                key=dep.key,
                metadata=data,
                samples=samples,
                files=local_files,
                vars=manifest.vars,
                env_names=manifest.env_names,
                base_dir=manifest.base_dir,
                now=now,
                git=git(),
            )
            if dep.item is not None:
                context["item"] = dep.item
        description = render.render_description(
            spec,
            context=context,
            base_dir=manifest.base_dir,
            where=where,
            source_file=str(manifest.path),
            line_offset=text_line(manifest, (*dep.path, "description")),
        )
        warnings += placed(description.warnings, manifest, (*dep.path, "description"), spec)
    kept = frozenset(data.get("keep_on_server") or ())
    if "files" in kept and (local_files or data.get("files") or data.get("samples")):
        raise LocatedError(
            "keep_on_server lists files, so this deposition's files stay as they are on the server; "
            "remove files:/samples: here, or remove 'files' from keep_on_server",
            f"{where}.keep_on_server",
        )
    desired = DesiredDeposition(
        key=dep.key,
        record=without(to_rdm(data, description.html if description else None), kept),
        files=local_files,
        samples=samples,
        description=description,
        pin=_pin(data.get("record"), server),
        publish=bool(data.get("publish", False)),
        on_published=data.get("on_published", "new-version"),
        communities=tuple(data.get("communities") or ()),
        source_path=where,
        kept=kept - {"files"},
        keep_files="files" in kept,
    )
    return desired, warnings


def _shows_md5(spec: Any, base_dir: Path) -> bool:
    """Whether the description may show a file's md5 (Jinja's parser is imported only when asked)."""
    if render.is_plain(spec):  # no Jinja syntax at all: it reads nothing
        return False
    from zenodeploy.describe.reads import reads_any

    return reads_any(spec, base_dir, _SHOWS_MD5)


def _git_info(base_dir: Path) -> Mapping[str, str | None]:
    from zenodeploy.describe.context import git_info  # only for a description that is a template

    return git_info(base_dir)


def without(record: Mapping[str, Any], kept: frozenset[str]) -> dict[str, Any]:
    """``record`` less the fields left to the server (``metadata`` names, ``section.name`` others)."""
    out: dict[str, Any] = {}
    for section, values in record.items():
        if isinstance(values, Mapping):
            prefix = "" if section == "metadata" else f"{section}."
            values = {k: v for k, v in values.items() if f"{prefix}{k}" not in kept}
        out[section] = values
    return out


def refuse_secrets(dep: Deposition, desired: DesiredDeposition, secrets: Mapping[str, str]) -> None:
    """Raise ``LocatedError`` (never showing the value) when ``desired`` would send a secret.

    ``secrets`` maps each secret to what it is (a variable name, or "the access token of this run").
    """
    if not secrets:
        return
    described = desired.description.markdown if desired.description else ""
    leak = (
        find_secret(dep.data, secrets, dep.path)
        or find_secret(described, secrets, (*dep.path, "description"))
        or find_secret(desired.record, secrets, (*dep.path, "description"))
        or find_secret([f.name for f in desired.files], secrets, (*dep.path, "files"))
    )
    if leak is not None:
        path, name = leak
        raise LocatedError(
            f"this deposition would send the value of {name} (an access token) to the server, where it "
            "may become public; zenodeploy refuses to send it. Remove the token from the manifest's "
            "values and templates",
            format_path(path),
        )


def _no_files(manifest: Manifest, dep: Deposition, publish: bool) -> Finding:
    """Zenodo publishes no record without files: turning files off ("metadata-only") is for its
    curators (zenodo-rdm: site/zenodo_rdm/permissions.py, can_manage_files), so the publish
    would fail with "Missing uploaded files". An error when this run publishes, else a warning."""
    message = (
        "no files: Zenodo publishes a record only with at least one file (metadata-only records "
        "are for its curators); add files:, or samples:"
    )
    if publish:
        return manifest.positions.finding(dep.path, f"{message}, or do not publish it yet")
    return manifest.positions.finding(dep.path, f"{message} before publishing it", severity="warning")


def _pin(value: Any, server: str) -> str | None:
    """The record pin for ``server``: a plain pin, or the entry for this server in a map of pins."""
    if isinstance(value, Mapping):
        value = value.get(server)
    return None if value is None else str(value)


def _with_publish(desired: DesiredDeposition, publish: bool) -> DesiredDeposition:
    return replace(desired, publish=publish)


def check(
    path: Any, *, check_files: bool = True, profile: Mapping[str, Any] | None = None
) -> tuple[list[Finding], int]:
    """``zenodeploy validate`` for one manifest: every finding (errors and warnings) and the deposition count."""
    from zenodeploy.manifest.load import load_manifest

    try:
        manifest = load_manifest(path, profile=profile)
        resolution = resolve(manifest, check_files=check_files)
    except ManifestError as exc:
        if exc.findings:
            return sorted(exc.findings), 0
        return [Finding(str(path), 1, 1, "", str(exc))], 0
    return sorted([*resolution.warnings, *_profile_creators(manifest)]), len(resolution.depositions)


def _profile_creators(manifest: Manifest) -> list[Finding]:
    """A warning when creators come only from the user's profile: valid on this computer, but
    wherever the profile is missing (CI, a colleague's clone) the manifest has no creators."""
    keys = [d for d in manifest.depositions if d.creators_from.startswith("your profile")]
    if not keys:
        return []
    named = ", ".join(f"'{d.key}'" for d in keys[:3]) + (
        f" and {len(keys) - 3} more" if len(keys) > 3 else ""
    )
    return [
        manifest.positions.finding(
            keys[0].path,
            f"the creators of {named} come only from {keys[0].creators_from}: valid here, but where that "
            "profile is missing (CI, a colleague's clone) there are none; write them under creators: or "
            "defaults:, or take them from a CITATION.cff (creators: {from: CITATION.cff})",
            severity="warning",
        )
    ]
