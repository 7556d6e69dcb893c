"""An upload whose md5 is not known yet (``md5=""``): hashed from the bytes sent, then verified."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
import requests
import responses
from zenodo_fakes import BASE

from zenodeploy.errors import ApiError, FilesError
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.upload import upload_file

FILES = f"{BASE}/api/records/r1/draft/files"
DATA = b"0123456789" * 300_000  # 3 MB: three 1 MiB blocks


def _sink(request: requests.PreparedRequest) -> Any:
    for _ in request.body:  # type: ignore[union-attr]
        pass
    return (200, {}, json.dumps({"key": "data.bin", "status": "pending"}))


def _round(rsps: responses.RequestsMock, checksum: str, *, delete: bool) -> None:
    rsps.post(FILES, status=201, json={"entries": [{"key": "data.bin", "status": "pending"}]})
    rsps.add_callback("PUT", f"{FILES}/data.bin/content", callback=_sink)
    rsps.post(
        f"{FILES}/data.bin/commit", json={"key": "data.bin", "status": "completed", "checksum": checksum}
    )
    if delete:
        rsps.delete(f"{FILES}/data.bin", status=204)


def test_the_md5_of_the_bytes_sent_is_verified_and_reported(
    client: ZenodoClient, rsps: responses.RequestsMock, tmp_path: Path
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(DATA)
    md5 = hashlib.md5(DATA).hexdigest()
    _round(rsps, f"md5:{md5}", delete=False)
    found: list[tuple[str, int]] = []
    committed = upload_file(
        client,
        "r1",
        "data.bin",
        path,
        md5="",
        size=len(DATA),
        on_hashed=lambda m, st, _: found.append((m, st.st_size)),
    )
    assert committed["checksum"] == f"md5:{md5}"
    assert found == [(md5, len(DATA))]


def test_a_mismatch_is_sent_once_more_then_refused_and_nothing_is_cached(
    client: ZenodoClient, rsps: responses.RequestsMock, tmp_path: Path
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(DATA)
    _round(rsps, "md5:0000", delete=True)
    _round(rsps, "md5:0000", delete=True)
    found: list[str] = []
    with pytest.raises(ApiError, match=r"checksum md5:0000 instead of md5:[0-9a-f]{32}, twice"):
        upload_file(
            client, "r1", "data.bin", path, md5="", size=len(DATA), on_hashed=lambda m, *_: found.append(m)
        )
    assert found == []


def test_bytes_that_hash_differently_the_second_time_are_a_file_changed_during_the_run(
    client: ZenodoClient, rsps: responses.RequestsMock, tmp_path: Path
) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(DATA)
    rsps.post(FILES, status=201, json={"entries": [{"key": "data.bin", "status": "pending"}]})

    def sink_then_rewrite(request: requests.PreparedRequest) -> Any:
        answer = _sink(request)
        path.write_bytes(DATA[::-1])  # same size, other bytes, after the first sending
        os.utime(path, ns=(1, 1))
        return answer

    rsps.add_callback("PUT", f"{FILES}/data.bin/content", callback=sink_then_rewrite)
    rsps.post(
        f"{FILES}/data.bin/commit", json={"key": "data.bin", "status": "completed", "checksum": "md5:0000"}
    )
    rsps.delete(f"{FILES}/data.bin", status=204)
    rsps.post(FILES, status=201, json={"entries": [{"key": "data.bin", "status": "pending"}]})
    rsps.add_callback("PUT", f"{FILES}/data.bin/content", callback=_sink)
    with pytest.raises(FilesError, match="changed while it was being uploaded"):
        upload_file(client, "r1", "data.bin", path, md5="", size=len(DATA))
