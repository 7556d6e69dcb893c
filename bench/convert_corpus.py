"""Share of the real CITATION.cff and .zenodo.json files in tests/data that convert to a manifest
which validates: without a profile, with a profile that gives a default creator (as
'zenodeploy init' writes one), and with the file's GitHub repository (from
SOURCES.md, as 'convert --repository' takes it). Prints one line per corpus and the failures.

    python bench/convert_corpus.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from zenodeploy.errors import ManifestError
from zenodeploy.manifest.convert import convert
from zenodeploy.manifest.load import load_manifest

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def valid(path: Path, folder: Path, profile: dict[str, object], repository: str | None) -> str | None:
    try:
        result = convert([path], repository)
        if errors := [f for f in result.findings if f.severity == "error"]:
            return errors[0].message
        manifest = folder / "zenodeploy.yaml"
        manifest.write_text(result.text, "utf-8")
        load_manifest(manifest, profile=profile)
    except ManifestError as exc:
        return next((f.message for f in exc.findings if f.severity == "error"), str(exc))
    return None


def _repositories(sources: Path) -> dict[str, str]:
    """file name → OWNER/NAME, from the table in SOURCES.md."""
    rows = (line.split("|") for line in sources.read_text("utf-8").splitlines() if line.startswith("| "))
    return {cells[1].strip(): cells[2].strip() for cells in rows if len(cells) > 3}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("cff", "zenodo_json"):
            files = sorted(p for p in (DATA / kind).iterdir() if p.name != "SOURCES.md")
            repos = _repositories(DATA / kind / "SOURCES.md")
            creator = {"creator": {"family": "Doe"}}
            for label, profile, github in (
                ("no profile", {}, False),
                ("--repository", {}, True),
                ("profile creator", creator, False),
                ("both", creator, True),
            ):
                failed = {
                    p.name: why
                    for p in files
                    if (why := valid(p, Path(tmp), profile, repos[p.name] if github else None))
                }
                ok = len(files) - len(failed)
                print(f"{kind:12} {label:16} {ok}/{len(files)} valid ({ok / len(files):.1%})")
                for name, why in sorted(failed.items()):
                    print(f"    {name}: {why[:100]}")


if __name__ == "__main__":
    main()
