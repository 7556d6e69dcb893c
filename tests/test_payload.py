"""A draft save answers 200 even when it drops a field: what we sent and lost fails the deposition;
a required field the manifest leaves out (asked for only to publish) does not."""

from __future__ import annotations

from typing import Any

import pytest

from zenodeploy.errors import ConflictError
from zenodeploy.manifest.metadata import to_rdm
from zenodeploy.model import DesiredDeposition
from zenodeploy.reconcile.payload import kept_all
from zenodeploy.zenodo.records import RecordDoc


def _saved(*errors: tuple[str, str]) -> RecordDoc:
    listed: list[dict[str, Any]] = [{"field": f, "messages": [m]} for f, m in errors]
    return RecordDoc.parse({"id": "7", "metadata": {"title": "T"}, "errors": listed})


def _desired(**meta: Any) -> DesiredDeposition:
    record = to_rdm({"title": "Spectra", "creators": [{"family": "Doe"}], **meta}, None)
    return DesiredDeposition(key="k", record=record, files=(), source_path="depositions[0]")


def test_a_field_we_sent_and_the_server_dropped_fails_the_deposition() -> None:
    with pytest.raises(ConflictError, match=r"the server did not store metadata\.resource_type: Invalid"):
        kept_all(_saved(("metadata.resource_type", "Invalid value.")), _desired(resource_type="dataset"))


def test_a_required_field_left_out_of_a_draft_is_not_a_failure() -> None:
    doc = _saved(("metadata.resource_type", "Missing data for required field."))
    assert kept_all(doc, _desired()) is doc
    files = _saved(("files.enabled", "Missing uploaded files."))
    assert kept_all(files, _desired(resource_type="dataset")) is files


def test_an_undated_record_gets_the_day_the_preview_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import datetime, timezone

    from zenodeploy.describe.page import preview_page
    from zenodeploy.reconcile.payload import body_for

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(datetime(2031, 3, 4, tzinfo=timezone.utc).timestamp())))
    assert body_for(_desired().record, None)["metadata"]["publication_date"] == "2031-03-04"
    assert "2031-03-04 (the day it is applied)" in preview_page(
        title="T", description=None, metadata={}, files=[]
    )
