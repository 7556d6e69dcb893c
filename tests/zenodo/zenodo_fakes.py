"""Shared values for the client tests (a module with a unique name, importable from any test)."""

from __future__ import annotations

BASE = "https://zenodo.test"
TOKEN = "s3cr3t-T0KEN-value"
