"""`creators: [..., {from: samples}]`: the selected samples' authors become creators, with ORCIDs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from eln_export import write_export
from zenodeploy.cli import cli

PEOPLE = {
    "https://orcid.org/0000-0002-1825-0097": {"givenName": "Josiah", "familyName": "Carberry"},
    "#ada": {"name": "Lovelace, Ada", "identifier": "https://orcid.org/0000-0001-5109-3700"},
    "#who": {"name": "Lab Robot 7"},
    "#roe": {"givenName": "Rick", "familyName": "Roe", "affiliation": {"@id": "#uni"}},
}

MANIFEST = """\
version: 1
samples:
  lab: {{eln: notebook.eln}}
depositions:
  - key: k
    title: Samples from the notebook
    resource_type: dataset
    publication_date: "2024-05-01"
    license: cc-by-4.0
    creators:
      - {{family: Roe, given: Rick}}
      - from: samples
    samples: {{from: lab, where: {where}}}
"""


def render(tmp_path: Path, where: str) -> Any:
    samples = {
        f"s{i}": {
            "name": f"sample {i}",
            "author": author,
            "properties": {"batch": i % 2},
            "files": {"a.txt": "x"},
        }
        for i, author in enumerate(["https://orcid.org/0000-0002-1825-0097", "#ada", "#who", "#roe", "#ada"])
    }
    write_export(tmp_path / "notebook.eln", samples, PEOPLE)
    manifest = tmp_path / "zenodeploy.yaml"
    manifest.write_text(MANIFEST.format(where=where), encoding="utf-8")
    return CliRunner().invoke(cli, ["render", str(manifest), "--format", "json"])


def test_sample_authors_follow_the_hand_written_creators_once_each(tmp_path: Path) -> None:
    result = render(tmp_path, "{}")
    assert result.exit_code == 0, result.output
    creators = json.loads(result.stdout)[0]["record"]["metadata"]["creators"]
    people = [c["person_or_org"] for c in creators]
    assert people == [
        {"type": "personal", "family_name": "Roe", "given_name": "Rick"},
        {
            "type": "personal",
            "family_name": "Carberry",
            "given_name": "Josiah",
            "identifiers": [{"scheme": "orcid", "identifier": "0000-0002-1825-0097"}],
        },
        {
            "type": "personal",
            "family_name": "Lovelace",
            "given_name": "Ada",
            "identifiers": [{"scheme": "orcid", "identifier": "0000-0001-5109-3700"}],
        },
        {"type": "personal", "family_name": "Lab Robot 7"},
    ]


def test_only_the_selected_samples_give_authors(tmp_path: Path) -> None:
    result = render(tmp_path, "{properties.batch: 1}")  # samples 1 and 3: Ada, and Roe (already listed)
    assert result.exit_code == 0, result.output
    creators = json.loads(result.stdout)[0]["record"]["metadata"]["creators"]
    assert [c["person_or_org"]["family_name"] for c in creators] == ["Roe", "Lovelace"]


def test_samples_without_authors_are_a_located_error(tmp_path: Path) -> None:
    write_export(tmp_path / "notebook.eln", {"s0": {"name": "lonely", "files": {"a.txt": "x"}}})
    manifest = tmp_path / "zenodeploy.yaml"
    manifest.write_text(MANIFEST.format(where="{}"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["render", str(manifest)])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{manifest}:12:9: depositions[0].creators[1]: `from: samples` found no authors"
    )
    assert "(lonely)" in result.stderr


def test_the_html_preview_shows_the_sample_authors(tmp_path: Path) -> None:
    render(tmp_path, "{properties.batch: 1}")
    result = CliRunner().invoke(
        cli,
        ["render", str(tmp_path / "zenodeploy.yaml"), "--format", "html", "--output", str(tmp_path / "out")],
    )
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "k.html").read_text(encoding="utf-8")
    assert '<ul class="creators"><li>Roe, Rick</li><li>Lovelace, Ada<a' in page.replace(" <a", "<a")


def test_render_says_the_creators_come_from_the_samples(tmp_path: Path) -> None:
    render(tmp_path, "{}")
    result = CliRunner().invoke(cli, ["render", str(tmp_path / "zenodeploy.yaml")])
    assert result.exit_code == 0, result.output
    assert "creators from the manifest and the authors of the selected samples" in result.stdout
