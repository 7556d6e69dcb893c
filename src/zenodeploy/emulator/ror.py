"""A few affiliations of the ROR registry, dereferenced on read as Zenodo does.

invenio-rdm-records records/api.py ``relations``: ``creator_affiliations`` and
``contributor_affiliations`` are PIDNestedListRelations to the affiliations vocabulary
with ``keys=["name", "identifiers"]``, so an affiliation given by ``id`` is read back with
the vocabulary's ``name`` (and identifiers) whatever name was sent. On Zenodo that
vocabulary is ROR (zenodo-rdm app_data/vocabularies-future.yaml): ids are ROR ids.

The emulator knows only these; other ids are returned as sent.
"""

from __future__ import annotations

import copy
from typing import Any

ROR: dict[str, str] = {
    "01ggx4157": "European Organization for Nuclear Research",
    "00k4n6c32": "European Commission",
    "05dxps055": "California Institute of Technology",
    "02feahw73": "Centre National de la Recherche Scientifique",
    "01zjc6908": "European Molecular Biology Laboratory",
    "02e2c7k09": "Delft University of Technology",
    "024d6js02": "Charles University",
    "04wxnsj81": "DataCite",
}


def dereference(metadata: dict[str, Any]) -> dict[str, Any]:
    """``metadata`` with known affiliation ids named as ROR names them (a copy when changed)."""
    if not any(
        isinstance(a, dict) and a.get("id") in ROR
        for field in ("creators", "contributors")
        for person in metadata.get(field) or []
        if isinstance(person, dict)
        for a in person.get("affiliations") or []
    ):
        return metadata
    out = copy.deepcopy(metadata)
    for field in ("creators", "contributors"):
        for person in out.get(field) or []:
            for a in person.get("affiliations") or [] if isinstance(person, dict) else []:
                if isinstance(a, dict) and a.get("id") in ROR:
                    a["name"] = ROR[a["id"]]
                    a["identifiers"] = [{"identifier": a["id"], "scheme": "ror"}]
    return out
