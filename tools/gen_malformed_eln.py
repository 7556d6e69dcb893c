"""Write the malformed lab notebook exports of tests/data/eln/malformed/.

Each is a small .eln that breaks one rule of the format; tests/test_eln_malformed.py
checks that each gives a located, clear error. Run: python tools/gen_malformed_eln.py
"""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "eln" / "malformed"
STAMP = (2024, 1, 1, 0, 0, 0)


def graph(*extra: dict[str, Any], root: dict[str, Any] | None = None) -> dict[str, Any]:
    """A one-sample crate whose sample `s1` links `s1/data.csv`, plus ``extra`` nodes."""
    return {
        "@context": "https://w3id.org/ro/crate/1.1/context",
        "@graph": [
            {"@id": "ro-crate-metadata.json", "@type": "CreativeWork", "about": {"@id": "./"}},
            root or {"@id": "./", "@type": "Dataset", "hasPart": [{"@id": "./s1/"}]},
            {"@id": "./s1/", "@type": "Dataset", "name": "Sample one", "hasPart": [{"@id": "./s1/data.csv"}]},
            {"@id": "./s1/data.csv", "@type": "File", "name": "data.csv"},
            *extra,
        ],
    }


def write(name: str, members: dict[str, bytes | str], links: tuple[str, ...] = ()) -> None:
    with zipfile.ZipFile(OUT / name, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            info = zipfile.ZipInfo(member, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = ((stat.S_IFLNK | 0o777) if member in links else (stat.S_IFREG | 0o644)) << 16
            archive.writestr(info, data)


def crate(name: str, metadata: Any, **files: bytes | str) -> None:
    text = metadata if isinstance(metadata, (str, bytes)) else json.dumps(metadata, indent=1)
    members: dict[str, bytes | str] = {
        "crate/ro-crate-metadata.json": text,
        "crate/s1/data.csv": "a,b\n1,2\n",
    }
    members.update({f"crate/{k.replace('__', '/')}": v for k, v in files.items()})
    write(name, members)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "not-a-zip.eln").write_text("This is a text file, not a zip archive.\n", encoding="utf-8")
    write("no-metadata.eln", {"crate/s1/data.csv": "a,b\n"})
    write("two-crates.eln", {"a/ro-crate-metadata.json": "{}", "b/ro-crate-metadata.json": "{}"})
    crate("bad-json.eln", '{\n "@graph": [\n  {"@id": "./",}\n ]\n}\n')
    crate("not-utf8.eln", b'{"@graph": [{"@id": "caf\xe9"}]}')
    crate("no-graph.eln", {"@context": "https://w3id.org/ro/crate/1.1/context"})
    crate("node-without-id.eln", {"@graph": [{"@id": "./"}, {"@type": "Dataset", "name": "who am I"}]})
    no_descriptor = graph()
    no_descriptor["@graph"] = no_descriptor["@graph"][1:]
    crate("no-descriptor.eln", no_descriptor)
    lost_root = graph()
    lost_root["@graph"][0]["about"] = {"@id": "./nowhere/"}
    crate("root-missing.eln", lost_root)
    crate("root-not-dataset.eln", graph(root={"@id": "./", "@type": "File", "hasPart": [{"@id": "./s1/"}]}))
    missing = graph()
    missing["@graph"][2]["hasPart"].append({"@id": "./s1/spectrum.jdx"})
    missing["@graph"].append({"@id": "./s1/spectrum.jdx", "@type": "File"})
    crate("missing-file.eln", missing)
    escape = graph()
    escape["@graph"][2]["hasPart"] = [{"@id": "./s1/../../etc/passwd"}]
    crate("dot-dot.eln", escape)
    absolute = graph()
    absolute["@graph"][2]["hasPart"] = [{"@id": "/etc/passwd"}]
    crate("absolute-path.eln", absolute)
    crate(
        "ghost-part.eln",
        graph(root={"@id": "./", "@type": "Dataset", "hasPart": [{"@id": "./s1/"}, {"@id": "./ghost/"}]}),
    )
    link = graph()
    link["@graph"][2]["hasPart"] = [{"@id": "./s1/link.csv"}]
    write(
        "symbolic-link.eln",
        {"crate/ro-crate-metadata.json": json.dumps(link, indent=1), "crate/s1/link.csv": "/etc/passwd"},
        links=("crate/s1/link.csv",),
    )
    good = json.dumps(graph(), indent=1)
    write(
        "damaged-member.eln", {"crate/ro-crate-metadata.json": good, "crate/s1/data.csv": "a,b\n1,2\n" * 50}
    )
    data = bytearray((OUT / "damaged-member.eln").read_bytes())
    with zipfile.ZipFile(OUT / "damaged-member.eln") as archive:
        info = archive.getinfo("crate/s1/data.csv")
    start = info.header_offset + 30 + len(info.filename.encode())
    data[start + 2] ^= 0xFF  # one flipped byte in the compressed data: CRC-32 (or inflate) fails
    (OUT / "damaged-member.eln").write_bytes(bytes(data))
    print(f"wrote {len(list(OUT.glob('*.eln')))} exports to {OUT}")


if __name__ == "__main__":
    main()
