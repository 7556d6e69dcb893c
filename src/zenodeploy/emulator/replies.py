"""What a handler returns (``Reply``) or raises (``HttpError``), in InvenioRDM's error format."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from zenodeploy.emulator.validation import Errors, group

PERMISSION_DENIED = "Permission denied."
PID_MISSING = "The persistent identifier does not exist."
NOT_FOUND = "Not found."
VALIDATION = "A validation error occurred."


class HttpError(Exception):
    """An error answer: ``{"status": s, "message": m}`` plus ``errors`` when fields are at fault."""

    def __init__(self, status: int, message: str, errors: Errors | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = list(errors or [])

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"status": self.status, "message": self.message}
        if self.errors:
            body["errors"] = group(self.errors)
        return body


@dataclass(slots=True)
class Reply:
    """A JSON body (``body``), or a byte stream (``stream``) with a content type, plus headers."""

    status: int = 200
    body: Any = None
    stream: Iterable[bytes] | None = None
    content_type: str = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)


def forbidden() -> HttpError:
    return HttpError(403, PERMISSION_DENIED)


def no_pid() -> HttpError:
    return HttpError(404, PID_MISSING)
