"""A hand-written sequential ``requests`` script, as the Zenodo API docs suggest one writes it: for
each deposition create a draft, then per file start it, PUT its content, commit it.

The baseline of ``bench/ratios.py``: it uploads the files the generated manifest of
``apply_depositions.write_manifest`` names (``d<i>-<f>.csv`` in FOLDER), one deposition after
the other, no checksum cache, no retries, no pacing. Usage:
    python bench/naive_upload.py URL TOKEN FOLDER DEPOSITIONS FILES
"""

from __future__ import annotations

import sys
from pathlib import Path

import requests


def upload(url: str, token: str, folder: Path, depositions: int, files: int) -> None:
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {token}"
        for i in range(depositions):
            metadata = {"title": f"Benchmark deposition {i}", "resource_type": {"id": "dataset"}}
            draft = session.post(f"{url}/api/records", json={"metadata": metadata}, timeout=60)
            draft.raise_for_status()
            base = f"{url}/api/records/{draft.json()['id']}/draft/files"
            for f in range(files):
                name = f"d{i:03d}-{f:02d}.csv"
                session.post(base, json=[{"key": name}], timeout=60).raise_for_status()
                with (folder / name).open("rb") as body:
                    put = session.put(
                        f"{base}/{name}/content",
                        data=body,
                        headers={"Content-Type": "application/octet-stream"},
                        timeout=60,
                    )
                put.raise_for_status()
                session.post(f"{base}/{name}/commit", timeout=60).raise_for_status()


if __name__ == "__main__":
    url, token, folder, depositions, files = sys.argv[1:6]
    upload(url, token, Path(folder), int(depositions), int(files))
