"""Share of the real CITATION.cff and .zenodo.json files in tests/data that convert to a manifest
which validates: without a profile, with a profile that gives a default creator (as
'zenodeploy init' writes one), and with the file's GitHub repository (from
SOURCES.md, as 'convert --repository' takes it). Prints one line per corpus and the failures.

With a repository, a file without creators converts to ``creators: [{from: git}]`` (the authors
of the checkout's history, as Zenodo's GitHub integration takes the repository's contributors).
The corpus holds the files only, not their repositories' histories, and none is made up: such a
manifest is loaded outside any checkout, where ``from: git`` is an error. A file whose only
errors are that one is counted apart, as valid once the manifest is in the repository's checkout.

    python bench/convert_corpus.py
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from zenodeploy.errors import ManifestError
from zenodeploy.manifest.convert import convert
from zenodeploy.manifest.load import load_manifest

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
NO_CHECKOUT = "is not in a git checkout"


def valid(path: Path, folder: Path, profile: dict[str, object], repository: str | None) -> str | None:
    """None when ``path`` gives a valid manifest, else its first error ("checkout: …" when the
    only errors are ``from: git`` outside a checkout)."""
    try:
        result = convert([path], repository)
        if errors := [f for f in result.findings if f.severity == "error"]:
            return errors[0].message
        manifest = folder / "zenodeploy.yaml"
        manifest.write_text(result.text, "utf-8")
        load_manifest(manifest, profile=profile)
    except ManifestError as exc:
        errors = [f.message for f in exc.findings if f.severity == "error"] or [str(exc)]
        if all(NO_CHECKOUT in message for message in errors):
            return f"checkout: {errors[0]}"
        return errors[0]
    return None


def _repositories(sources: Path) -> dict[str, str]:
    """file name → OWNER/NAME, from the table in SOURCES.md."""
    rows = (line.split("|") for line in sources.read_text("utf-8").splitlines() if line.startswith("| "))
    return {cells[1].strip(): cells[2].strip() for cells in rows if len(cells) > 3}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["GIT_CEILING_DIRECTORIES"] = str(Path(tmp).parent)  # never a checkout found above it
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
                later = sorted(name for name, why in failed.items() if why.startswith("checkout: "))
                line = f"{kind:12} {label:16} {ok}/{len(files)} valid ({ok / len(files):.1%})"
                if later:
                    both = ok + len(later)
                    line += (
                        f"; {both}/{len(files)} ({both / len(files):.1%}) with the {len(later)} that need "
                        "only their repository's checkout"
                    )
                print(line)
                for name, why in sorted(failed.items()):
                    if name not in later:
                        print(f"    {name}: {why[:100]}")
                if later:
                    print(
                        "    need the checkout: creators: [{from: git}] reads the repository's history, "
                        "which the corpus does not hold (loaded outside a checkout, it is an error):"
                    )
                    print("      " + ", ".join(later))


if __name__ == "__main__":
    main()
