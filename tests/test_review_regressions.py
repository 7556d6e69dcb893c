"""Inputs of the wrong type that used to end in a traceback or in broken output."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from zenodeploy.cli import cli

MANIFEST = "version: 1\ndepositions:\n  - key: a\n    title: A title\n    from: CITATION.cff\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("identifiers: 5", "CITATION.cff:3:1: identifiers: identifiers must be a list of {type, value}"),
        ("references: 5", "CITATION.cff:3:1: references: warning: references must be a list; not taken"),
        ("preferred-citation: {type: article, authors: 5, title: Tit, identifiers: 7}", None),
        ("references: [{type: article, title: Tit, authors: x}]", None),
    ],
)
def test_a_cff_with_a_scalar_where_a_list_belongs_is_located(
    tmp_path: Path, line: str, message: str | None
) -> None:
    (tmp_path / "CITATION.cff").write_text(f"title: Ttt\nauthors: [{{family-names: Doe}}]\n{line}\n")
    (tmp_path / "zenodeploy.yaml").write_text(MANIFEST)
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "zenodeploy.yaml")])
    assert "unexpected" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if message is not None:
        assert message in result.output


def test_samples_json_shows_sidecar_dates(tmp_path: Path) -> None:
    (tmp_path / "s" / "one").mkdir(parents=True)
    (tmp_path / "s" / "one" / "sample.yaml").write_text("collected: 2024-01-01\n")
    (tmp_path / "s" / "one" / "d.txt").write_text("x\n")
    (tmp_path / "zenodeploy.yaml").write_text(
        'version: 1\nsamples:\n  lab: {path: "s/*"}\ndepositions:\n  - key: a\n    title: A title\n'
        "    creators: [{family: Doe}]\n    samples: {from: lab}\n"
    )
    result = CliRunner().invoke(cli, ["samples", str(tmp_path / "zenodeploy.yaml"), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"collected": "2024-01-01"' in result.output


def test_convert_keeps_a_line_break_in_a_message_inside_the_comment(tmp_path: Path) -> None:
    source = tmp_path / ".zenodo.json"
    source.write_text('{"title": "Ttt", "creators": [{"name": "A, B"}], "upload_type": "x\\nserver: evil"}')
    result = CliRunner().invoke(cli, ["convert", str(source)])
    header = result.stdout.split("version: 1\n")[0]
    assert "server: evil" in header
    assert all(line.startswith("#") for line in header.splitlines()), header
    assert "server" not in yaml.safe_load(result.stdout)
