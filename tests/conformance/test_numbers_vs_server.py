"""The .zenodo.json converter warns that Zenodo refuses a number where text belongs (a version,
a keyword) and keeps the text as written. That claim is checked here against InvenioRDM's own
schema: the version and a keyword's subject are ``SanitizedUnicode``, which refuses a number."""

from __future__ import annotations

import pytest
from invenio_side import invenio_load

from zenodeploy.manifest import jsonpos
from zenodeploy.manifest.legacy import map_zenodo_json

pytestmark = pytest.mark.slow


def test_numbers_the_converter_warns_about_are_refused_by_the_server() -> None:
    [loaded] = invenio_load([{"metadata": {"version": 1.1, "subjects": [{"subject": 1.1}]}}])
    refused = {e["field"]: e["messages"] for e in loaded["errors"]}
    assert refused["metadata.version"] == ["Not a valid string."]
    assert refused["metadata.subjects.0.subject"] == ["Not a valid string."]

    data, positions, _ = jsonpos.load('{"title": "Tt", "version": 1.10, "keywords": [1.10]}', "f.json")
    out, notes = map_zenodo_json(data, positions.written)
    assert (out["version"], out["keywords"]) == ("1.10", ["1.10"])
    assert {n.path for n in notes if "number" in n.message} == {("version",), ("keywords", 0)}
