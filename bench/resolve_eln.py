"""Bench: resolve samples from a .eln export vs the same samples as plain folders.

    .venv/bin/python bench/resolve_eln.py [--samples 2000] [--files 5] [--kb 8] [--stored]

Builds, in a temporary folder, 2,000 samples with 5 files each (10,000 files, sizes around
``--kb`` KiB, distinct random bytes) twice: as folders with a ``sample.yaml`` sidecar
(5 properties each), and as one ``.eln`` export (deflated, or ``--stored``) whose Datasets carry
the same properties as ``PropertyValue`` nodes. Each source is resolved (every sample selected,
``pack: none``, no file limit) in a fresh process, cold (empty checksum cache) then warm (the
cache filled by the cold run), and the wall time and peak resident memory (ru_maxrss) of
each run are printed side by side, with the ratio export / folders.

Target (issue 13): the export within 1.5x of the folders.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

PROPERTIES = ("solvent", "mass", "batch", "operator", "temperature")


def build(root: Path, samples: int, files: int, kb: int, stored: bool) -> None:
    rng = random.Random(13)
    past = time.time_ns() - 3600 * 10**9
    graph: list[dict[str, object]] = [
        {"@id": "ro-crate-metadata.json", "@type": "CreativeWork", "about": {"@id": "./"}},
        {"@id": "./", "@type": "Dataset", "hasPart": [{"@id": f"./s{i:05}/"} for i in range(samples)]},
    ]
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(root / "export.eln", "w", compression=method) as archive:
        for i in range(samples):
            folder = root / "folders" / f"s{i:05}"
            folder.mkdir(parents=True)
            values = {"solvent": rng.choice(["CDCl3", "DMSO-d6"]), "mass": i, "batch": i % 7}
            values |= {"operator": f"op{i % 13}", "temperature": 20 + i % 5}
            (folder / "sample.yaml").write_text(json.dumps({"name": f"s{i:05}", **values}), encoding="utf-8")
            parts = []
            for j in range(files):
                size = max(64, int(rng.expovariate(1 / (kb * 1024))))
                data = rng.randbytes(size // 2) + bytes(size - size // 2)  # half random, half zeros
                rel = f"spectra/f{j}.jdx" if j % 2 else f"f{j}.csv"
                path = folder / rel
                path.parent.mkdir(exist_ok=True)
                path.write_bytes(data)
                os.utime(path, ns=(past, past))
                archive.writestr(f"export/s{i:05}/{rel}", data)
                parts.append({"@id": f"./s{i:05}/{rel}"})
                graph.append({"@id": f"./s{i:05}/{rel}", "@type": "File", "name": rel})
            pvs = [{"@type": "PropertyValue", "propertyID": k, "value": values[k]} for k in PROPERTIES]
            graph.append(
                {
                    "@id": f"./s{i:05}/",
                    "@type": "Dataset",
                    "name": f"s{i:05}",
                    "hasPart": parts,
                    "variableMeasured": pvs,
                }
            )
        archive.writestr("export/ro-crate-metadata.json", json.dumps({"@graph": graph}))
    os.utime(root / "export.eln", ns=(past, past))


def child(root: Path, kind: str) -> None:
    """Resolve one source in this process; print seconds, peak RSS and the file count as JSON."""
    from zenodeploy.content.checksums import ChecksumCache
    from zenodeploy.content.files import resolve_deposition

    source = {"eln": "export.eln"} if kind == "eln" else {"path": "folders/*"}
    with ChecksumCache(root / f"cache-{kind}.sqlite3") as cache:
        start = time.perf_counter()
        resolved = resolve_deposition(
            {"key": "bench", "samples": {"from": "lab"}},
            base_dir=root,
            sample_sources={"lab": source},
            where="depositions[0]",
            cache=cache,
            max_files=None,
        )
        seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    files = sum(len(s.files) for s in resolved.samples)
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, "files": files}))


def run(root: Path, kind: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--root", str(root)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--files", type=int, default=5)
    parser.add_argument("--kb", type=int, default=8)
    parser.add_argument("--stored", action="store_true", help="store members uncompressed (default: deflate)")
    parser.add_argument("--child", choices=["eln", "folders"], help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.root, args.child)
        return 0
    with tempfile.TemporaryDirectory(prefix="zenodeploy-eln-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        build(root, args.samples, args.files, args.kb, args.stored)
        size = (root / "export.eln").stat().st_size
        print(
            f"built {args.samples} samples x {args.files} files in {time.perf_counter() - started:.1f} s; "
            f"export {size / 1e6:.1f} MB ({'stored' if args.stored else 'deflated'})"
        )
        print(
            f"{'run':<6} {'folders s':>10} {'export s':>10} {'ratio':>6} {'folders MB':>11} {'export MB':>10}"
        )
        for label in ("cold", "warm"):
            folders, export = run(root, "folders"), run(root, "eln")
            assert folders["files"] == export["files"] == args.samples * args.files, (folders, export)
            print(
                f"{label:<6} {folders['seconds']:>10.2f} {export['seconds']:>10.2f} "
                f"{export['seconds'] / folders['seconds']:>6.2f} {folders['peak_mb']:>11.0f} {export['peak_mb']:>10.0f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
