"""Publishing is one unit of work: a file deleted while a publish is validated never leaves a
published record without files (it comes before, and the publish is refused, or after, and 404s)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from rdm_client import MINIMAL, Api

from zenodeploy.emulator.records import Records


def test_a_delete_during_publish_waits_for_it(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    draft = api("POST", "/records", json=MINIMAL).json()
    api.upload(draft["id"], "data.csv", b"a,b\n1,2\n")
    validated = threading.Event()
    original = Records.publish_errors

    def slow_validation(self: Records, v: Any) -> Any:
        errors = original(self, v)
        validated.set()
        time.sleep(0.5)  # the window in which another request's delete used to land
        return errors

    monkeypatch.setattr(Records, "publish_errors", slow_validation)
    deleted: dict[str, int] = {}

    def delete() -> None:
        validated.wait(10)
        deleted["status"] = api("DELETE", f"/records/{draft['id']}/draft/files/data.csv").status_code

    other = threading.Thread(target=delete)
    other.start()
    published = api("POST", f"/records/{draft['id']}/draft/actions/publish")
    other.join(10)
    assert published.status_code == 202, published.text
    assert deleted["status"] == 404  # the draft was published before the delete ran
    record = api("GET", f"/records/{draft['id']}").json()
    assert record["files"]["count"] == 1
