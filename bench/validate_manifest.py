"""Time `zenodeploy validate` on a generated manifest of N depositions (default 1,000).

Prints the wall time of loading + schema + semantic checks + templates (no file system
checks, like `validate --no-files`): the median of several runs in one process (warm), and the
median of the whole command `zenodeploy validate --no-files` in a new process each time (cold:
interpreter start, imports and schema compilation included). Target: under 1 s for 1,000.

    python bench/validate_manifest.py [N] [RUNS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from zenodeploy.reconcile.resolve import check

ENTRY = """  - key: study-{i:04d}
    title: Soil moisture survey number {i}
    resource_type: dataset
    publication_date: "2024-05-{day:02d}"
    version: "1.{i}"
    license: cc-by-4.0
    keywords: [soil, moisture, survey]
    creators:
      - family: Tanaka
        given: Yuki
        orcid: 0000-0002-1825-0097
        affiliations: ["Institute of Environmental Science", {{ror: 03yrm5c26}}]
      - name: Field Station {i}
        type: organizational
    contributors:
      - family: Roe
        given: Rick
        role: datacurator
    related_identifiers:
      - identifier: 10.1234/paper.{i}
        relation: IsSupplementTo
        resource_type: publication-article
    files:
      - path: "data/{i:04d}/*.csv"
        optional: true
"""


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "zenodeploy.yaml"
        body = "".join(ENTRY.format(i=i, day=i % 28 + 1) for i in range(n))
        # One description template shared through defaults, as bulk manifests do; each distinct
        # inline template costs one Jinja compilation (~2 ms) on top.
        shared = 'defaults:\n  description: "Survey **{{ key }}** ({{ metadata.title }}) with {{ files | length }} files."\n'
        path.write_text(f"version: 1\nserver: sandbox\n{shared}depositions:\n{body}", "utf-8")
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            findings, count = check(path, check_files=False)
            times.append(time.perf_counter() - start)
            errors = [f for f in findings if f.severity == "error"]
            assert count == n and not errors, errors[:3]
        cold = []
        for _ in range(runs):
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "zenodeploy", "validate", "--no-files", str(path)],
                capture_output=True,
                check=False,
            )
            cold.append(time.perf_counter() - start)
            assert done.returncode == 0, done.stdout[-500:]
        size = path.stat().st_size
    print(
        f"zenodeploy validate --no-files (new process each run): median {statistics.median(cold):.3f} s, min {min(cold):.3f} s"
    )
    print(
        f"validate (--no-files) {n} depositions, {size / 1e6:.2f} MB of YAML: median {statistics.median(times):.3f} s, min {min(times):.3f} s over {runs} runs"
    )


if __name__ == "__main__":
    main()
