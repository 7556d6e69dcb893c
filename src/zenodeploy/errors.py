"""The error hierarchy: every failure a user can cause or meet, with a message that says what to do."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zenodeploy.model import Finding


class ZenodeployError(Exception):
    """Base of all known failures; the CLI prints ``error: <message>`` and exits with ``exit_code``."""

    exit_code = 1


class UsageError(ZenodeployError):
    """The command line itself is wrong (exit 2)."""

    exit_code = 2


class ManifestError(ZenodeployError):
    """The manifest cannot be used; carries the findings that say where and why."""

    def __init__(self, message: str, findings: Sequence[Finding] = ()) -> None:
        super().__init__(message)
        self.findings = tuple(findings)


class LocatedError(ZenodeployError):
    """A failure tied to a place in the manifest: ``path`` is its JSON path (``depositions[0].files[1]``).

    The loader turns ``path`` into the file, line and column of the user's manifest.
    """

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(message)
        self.path = path


class FilesError(LocatedError):
    """A file selection cannot be resolved (missing glob match, path outside the manifest, clash)."""


class TemplateError(LocatedError):
    """A description template failed to render; the message names the template file and line."""


class ConfigError(ZenodeployError):
    """The user profile, a token or a server setting is missing or unusable."""


class ApiError(ZenodeployError):
    """The server refused a request. Never carries a token: ``url`` has secrets removed."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        method: str = "",
        url: str = "",
        server_message: str = "",
        field_errors: Sequence[tuple[str, tuple[str, ...]]] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.method = method
        self.url = url
        self.server_message = server_message
        self.field_errors = tuple(field_errors)


class ConflictError(ZenodeployError):
    """The remote state is ambiguous or forbids the change (e.g. ``on_published: fail``)."""
