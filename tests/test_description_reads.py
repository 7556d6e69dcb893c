"""Files are hashed while sent unless the description can show their md5: decided from the
template's syntax tree (its includes too), not from the words in its text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from zenodeploy.describe.reads import reads_any
from zenodeploy.manifest.load import load_manifest
from zenodeploy.reconcile.resolve import resolve

NAMES = frozenset({"files", "samples"})


@pytest.mark.parametrize(
    ("text", "reads"),
    [
        ("Measured in 2024. These files are raw and the samples were frozen.", False),
        ("{# files, samples #}{% raw %}{{ files }}{% endraw %} plain", False),
        ("{% set files = ['a'] %}{{ files | join(', ') }}", False),
        ("{{ files | length }} files", True),
        ("{% for s in samples %}{{ s.name }}{% endfor %}", True),
        ("{% macro m() %}{{ files }}{% endmacro %}{{ m() }}", True),
        ("{% include vars.part %}", True),  # a name chosen at render time: unknown, so yes
        ("{% if %}", True),  # a syntax error: the render reports it
        ("{{ metadata.title }} by {{ key }}", False),
    ],
)
def test_inline_description(tmp_path: Path, text: str, reads: bool) -> None:
    assert reads_any(text, tmp_path, NAMES) is reads


def test_templates_included_imported_or_extended_are_read_too(tmp_path: Path) -> None:
    (tmp_path / "plain.md.j2").write_text("# {{ metadata.title }}\n")
    (tmp_path / "part.md.j2").write_text("{% for f in files %}{{ f.md5 }}{% endfor %}")
    (tmp_path / "base.md.j2").write_text("{% block body %}{% endblock %}{% include 'part.md.j2' %}")
    (tmp_path / "child.md.j2").write_text("{% extends 'base.md.j2' %}{% block body %}x{% endblock %}")
    (tmp_path / "loop.md.j2").write_text("{% include 'loop.md.j2' ignore missing %}")
    assert reads_any({"template": "plain.md.j2"}, tmp_path, NAMES) is False
    assert reads_any({"template": "loop.md.j2"}, tmp_path, NAMES) is False
    assert reads_any({"template": "child.md.j2"}, tmp_path, NAMES) is True
    assert reads_any("{% from 'part.md.j2' import x %}", tmp_path, NAMES) is True
    assert reads_any({"template": "missing.md.j2"}, tmp_path, NAMES) is True
    assert reads_any({"template": "builtin:nmr-study"}, tmp_path, NAMES) is True  # it lists md5s


MANIFEST = """version: 1
depositions:
  - key: d
    title: Hashed once
    creators: [{{family: Doe}}]
    description: {description}
    files: [data.csv]
"""


def _resolved_md5(tmp_path: Path, description: str) -> tuple[str, str]:
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    (tmp_path / "plain.md.j2").write_text("The files of {{ metadata.title }}.\n")
    (tmp_path / "sums.md.j2").write_text("{% include 'row.md.j2' %}\n")
    (tmp_path / "row.md.j2").write_text("{% for f in files %}{{ f.name }} {{ f.md5 }}{% endfor %}")
    path = tmp_path / "zenodeploy.yaml"
    path.write_text(MANIFEST.format(description=description))
    desired = resolve(load_manifest(path, profile={}), defer_md5=True).depositions[0]
    assert desired.description is not None
    return desired.files[0].md5, desired.description.markdown


def test_a_template_that_does_not_read_files_leaves_hashing_to_the_upload(tmp_path: Path) -> None:
    md5, markdown = _resolved_md5(tmp_path, "{template: plain.md.j2}")
    assert (md5, markdown) == ("", "The files of Hashed once.\n")


def test_a_template_that_shows_md5_through_an_include_gets_it_before_the_render(tmp_path: Path) -> None:
    md5, markdown = _resolved_md5(tmp_path, "{template: sums.md.j2}")
    expected = hashlib.md5(b"a,b\n1,2\n").hexdigest()
    assert md5 == expected
    assert markdown == f"data.csv {expected}\n"
