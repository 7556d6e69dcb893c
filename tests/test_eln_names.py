"""Sample names from a notebook export: never path steps ('.' or '..') in file keys, and a name twice
is said in the notebook's words."""

from __future__ import annotations

from pathlib import Path

import pytest

from eln_export import write_export
from zenodeploy.content.files import resolve_deposition
from zenodeploy.errors import FilesError


def test_names_of_dots_only_fall_back_to_the_id_and_keys_stay_inside(tmp_path: Path) -> None:
    samples = {
        "s1": {"name": "..", "files": {"data.txt": "a"}},
        "s2": {"name": ".", "files": {"d2.txt": "b"}},
        "s3": {"name": "fine", "files": {"d3.txt": "c"}},
    }
    write_export(tmp_path / "notebook.eln", samples)
    resolved = resolve_deposition(
        {"key": "k", "samples": {"from": "lab"}, "pack": "none"},
        base_dir=tmp_path,
        sample_sources={"lab": {"eln": "notebook.eln"}},
        where="depositions[0]",
        build_dir=tmp_path / "build",
    )
    assert sorted(s.name for s in resolved.samples) == ["fine", "s1", "s2"]
    keys = sorted(f.name for f in resolved.files)
    assert keys == ["fine/d3.txt", "s1/data.txt", "s2/d2.txt"]
    assert not any(part in (".", "..") for key in keys for part in key.split("/"))


def test_two_samples_of_one_name_are_said_in_the_notebooks_words(tmp_path: Path) -> None:
    # Repeated names get the id's last segment, which repeats too: "run (s1)" twice.
    samples = {"p/s1": {"name": "run"}, "q/s1": {"name": "run"}, "s2": {"name": "other"}}
    write_export(tmp_path / "notebook.eln", samples)
    with pytest.raises(FilesError) as caught:
        resolve_deposition(
            {"key": "k", "samples": {"from": "lab"}},
            base_dir=tmp_path,
            sample_sources={"lab": {"eln": "notebook.eln"}},
            where="depositions[0]",
            build_dir=tmp_path / "build",
        )
    assert str(caught.value) == (
        f"Two samples of the lab notebook export {tmp_path / 'notebook.eln'} are named `run (s1)` "
        "(`./p/s1/` and `./q/s1/`); rename one in the notebook and export it again."
    )
    assert caught.value.path == "samples.lab.eln"
    assert "sidecar" not in str(caught.value)
