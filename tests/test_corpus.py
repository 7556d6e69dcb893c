"""Real CITATION.cff and .zenodo.json files from public repositories (tests/data/*/SOURCES.md):
each converts to a manifest that validates, or gets a located message naming what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from zenodeploy.errors import ManifestError
from zenodeploy.manifest.convert import convert
from zenodeploy.manifest.load import load_manifest

DATA = Path(__file__).parent / "data"
FILES = sorted(
    p for kind in ("zenodo_json", "cff") for p in (DATA / kind).iterdir() if p.name != "SOURCES.md"
)
_NO_TITLE = "zenodeploy.yaml:{}:5: depositions[0]: missing 'title': give this deposition a title (at least 3 characters)"
_NO_CREATORS = (
    "zenodeploy.yaml:9:5: depositions[0]: no creators: add 'creators:' here or under 'defaults:', "
    "or set a default creator with 'zenodeploy init'"
)
#: The files that do not give a valid manifest, and the first error each one gets.
FAILURES = {
    "1heidi__ismb_q2.json": "1heidi__ismb_q2.json:3:3: upload_type: 'test' is not one of Zenodo's resource types (e.g. software, dataset, publication-article)",
    "0rC0__WMHpypes.json": _NO_TITLE.format(10),  # creators only, with two JSON slips read through
    "AAROC__DevOps.json": _NO_CREATORS.replace(":9:", ":21:"),  # its description object is taken
    "360-info__country-centroids.json": _NO_TITLE.format(9),
    "360-info__tracker-ocean-temperatures.json": _NO_TITLE.format(9),
    "360-info__tracker-seaice.json": _NO_TITLE.format(10),
    **{
        f"3D-e-Chem__{name}.json": _NO_CREATORS
        for name in (
            "knime-klifs",
            "knime-molviewer",
            "knime-pharmacophore",
            "knime-python-wrapper",
            "knime-sygma",
            "kripodb",
            "tycho-knime-node-archetype",
        )
    },
    "ImperialCollegeLondon__SWMManywhere.cff": (  # its journal: "… on line 20 is never closed
        "ImperialCollegeLondon__SWMManywhere.cff:21:13: YAML syntax error: did not find expected key "
        "(in the mapping that starts at line 1, column 1). The quoted value at line 20, column 10 runs "
        'on to this line: is its closing " missing?'
    ),
    "Inbakumar17__AutoFixAI.cff": "Inbakumar17__AutoFixAI.cff:10:5: authors[0]: authors[0] has neither family-names (a person) nor name (an entity); it is left out",
}


def outcome(path: Path, folder: Path) -> str | None:
    """None when ``path`` converts to a valid manifest, else its first error as the user sees it."""
    try:
        result = convert([path])
        errors = [f for f in result.findings if f.severity == "error"]
        if errors:
            raise ManifestError("not converted", errors)
        assert (
            result.text.count("    # ") >= len(yaml.safe_load(result.text)["depositions"][0]) - 1
        )  # commented
        manifest = folder / "zenodeploy.yaml"
        manifest.write_text(result.text, "utf-8")
        load_manifest(manifest, profile={})
    except ManifestError as exc:
        first = sorted(f for f in exc.findings if f.severity == "error")[0]
        return first.format().replace(first.file, Path(first.file).name, 1)
    return None


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("corpus")  # one folder: a tmp_path each costs more than the test


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_real_file_gives_a_valid_manifest_or_a_located_message(path: Path, folder: Path) -> None:
    assert outcome(path, folder) == FAILURES.get(path.name)


def test_the_corpus_is_what_sources_md_lists() -> None:
    for kind in ("zenodo_json", "cff"):
        listed = (DATA / kind / "SOURCES.md").read_text("utf-8")
        files = [p.name for p in FILES if p.parent.name == kind]
        assert len(files) >= 50
        assert all(f"| {name} |" in listed for name in files)
        assert set(FAILURES) <= {p.name for p in FILES}
