"""``import --download``: names checked before any folder is made, bodies streamed to a
temporary file and checked against the server's md5 before they take the file's name."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import responses
import yaml
from zenodo_fakes import BASE

from zenodeploy.errors import ConfigError
from zenodeploy.reconcile import import_download
from zenodeploy.reconcile.import_fetch import Found
from zenodeploy.reconcile.importing import import_records
from zenodeploy.reconcile.observe import Remote
from zenodeploy.zenodo.client import ZenodoClient
from zenodeploy.zenodo.records import RecordDoc, RemoteFile


def _remote(files: dict[str, bytes], md5: dict[str, str] | None = None) -> Remote:
    doc = RecordDoc.parse(
        {"id": "7", "is_published": True, "status": "published", "metadata": {"title": "A title"}}
    )
    listed = {
        name: RemoteFile(name, len(body), (md5 or {}).get(name) or hashlib.md5(body).hexdigest())
        for name, body in files.items()
    }
    return Remote("7", "published", doc, listed, doc)


def _serve(rsps: responses.RequestsMock, name: str, body: bytes) -> None:
    rsps.add(responses.GET, f"{BASE}/api/records/7/files/{name}/content", body=body)


def test_the_body_reaches_the_sink_in_pieces(client: ZenodoClient, rsps: responses.RequestsMock) -> None:
    _serve(rsps, "big.bin", b"x" * (5 << 19))

    sizes = client.record_file_content("7", "big.bin", lambda chunks: [len(c) for c in chunks])

    assert sum(sizes) == 5 << 19 and len(sizes) == 3 and max(sizes) == 1 << 20


def test_a_download_is_renamed_into_place_only_with_the_servers_md5(
    client: ZenodoClient, rsps: responses.RequestsMock, tmp_path: Path
) -> None:
    _serve(rsps, "sub/a.csv", b"a,b\n")
    import_download.download(client, _remote({"sub/a.csv": b"a,b\n"}), tmp_path / "dl")
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()] == [
        "dl/sub/a.csv"
    ]
    assert (tmp_path / "dl/sub/a.csv").read_bytes() == b"a,b\n"

    _serve(rsps, "b.csv", b"changed\n")
    with pytest.raises(ConfigError, match="arrived with another md5"):
        import_download.download(client, _remote({"b.csv": b"b\n"}), tmp_path / "dl")
    assert [p.name for p in (tmp_path / "dl").iterdir()] == ["sub"]  # no b.csv, no temporary file


@pytest.mark.parametrize("name", ["../../x", "a/../../x", "a//b", "./a", "a\\..\\b"])
def test_a_name_that_leaves_the_folder_is_never_fetched_and_its_files_stay_on_the_server(
    client: ZenodoClient, rsps: responses.RequestsMock, tmp_path: Path, name: str
) -> None:
    manifest = tmp_path / "project" / "zenodeploy.yaml"
    manifest.parent.mkdir()

    import_records(
        client, manifest, "sandbox", Found([_remote({"ok.csv": b"x\n", name: b"y\n"})]), download=Path("dl")
    )

    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "project",
        "project/zenodeploy.yaml",
        "project/zenodeploy.yaml.lock",
    ]
    entry = yaml.safe_load(manifest.read_text())["depositions"][0]
    assert "files" in entry["keep_on_server"] and "files" not in entry
    assert f"not managed from dl/a-title: '{name}' is no plain relative path" in manifest.read_text()
