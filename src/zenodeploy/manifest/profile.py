"""The user profile: the notebook's "first login" preferences, merged under every manifest.

Stored as YAML in the platform config folder (``ZENODEPLOY_CONFIG_DIR`` overrides it):
``creator`` (family, given, orcid, affiliations, type), ``license`` and ``server``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs
import yaml

from zenodeploy.errors import ConfigError

PROFILE_KEYS = ("creator", "license", "server")


def config_dir() -> Path:
    override = os.environ.get("ZENODEPLOY_CONFIG_DIR")
    return Path(override) if override else Path(platformdirs.user_config_dir("zenodeploy"))


def profile_path() -> Path:
    return config_dir() / "profile.yaml"


def load_profile(path: Path | None = None) -> dict[str, Any]:
    """The profile's settings, or ``{}`` when there is none."""
    path = path or profile_path()
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(
            f"cannot read the profile {path}: {exc.strerror}. Fix its permissions or remove it."
        ) from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(
            f"the profile {path} is not valid YAML ({exc}). Fix it or run 'zenodeploy init --force'."
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(
            f"the profile {path} must be a YAML mapping. Fix it or run 'zenodeploy init --force'."
        )
    unknown = sorted(set(data) - set(PROFILE_KEYS) - {"tokens"})
    if unknown:
        raise ConfigError(
            f"the profile {path} has unknown keys: {', '.join(unknown)}. Allowed: {', '.join(PROFILE_KEYS)}."
        )
    return data


def save_profile(profile: Mapping[str, Any], path: Path | None = None) -> Path:
    path = path or profile_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump(dict(profile), sort_keys=False, allow_unicode=True), "utf-8")
    tmp.replace(path)
    return path


def profile_defaults(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The metadata defaults a profile contributes (lowest precedence)."""
    out: dict[str, Any] = {}
    creator = profile.get("creator")
    if isinstance(creator, Mapping) and creator:
        out["creators"] = [dict(creator)]
    if isinstance(profile.get("license"), str):
        out["license"] = profile["license"]
    return out
