"""Sample names from a notebook export never become path steps ('.' or '..') in file keys."""

from __future__ import annotations

from pathlib import Path

from eln_export import write_export
from zenodeploy.content.files import resolve_deposition


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
