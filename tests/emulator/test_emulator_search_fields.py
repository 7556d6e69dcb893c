"""Searches naming only stored fields are tried on those fields first; the answer is the same."""

from __future__ import annotations

import pytest
import requests

from zenodeploy.emulator import LOCAL_TOKEN, Emulator
from zenodeploy.emulator.search import by_stored_fields


@pytest.mark.parametrize(
    ("q", "quick"),
    [
        ('metadata.title:"A b"', True),
        ("id:(1 OR 2)", True),
        ('parent.id:"3"', True),
        ('metadata.title:"A" soil', False),
        ('metadata.creators.person_or_org.name:"x"', False),
        ("", False),
    ],
)
def test_which_queries_use_the_stored_fields(q: str, quick: bool) -> None:
    assert by_stored_fields(q) is quick


def test_title_and_id_searches_find_what_a_full_scan_finds(emulator: Emulator) -> None:
    with requests.Session() as session:
        session.headers["Authorization"] = f"Bearer {LOCAL_TOKEN}"
        ids = []
        for title in ('Soil "moisture"', "Soil", "Other"):
            made = session.post(
                f"{emulator.url}/api/records", json={"metadata": {"title": title}}, timeout=10
            )
            ids.append(made.json()["id"])

        def found(q: str) -> list[str]:
            answer = session.get(f"{emulator.url}/api/user/records", params={"q": q}, timeout=10).json()
            return sorted(h["id"] for h in answer["hits"]["hits"])

        assert found('metadata.title:"Soil \\"moisture\\""') == [ids[0]]
        assert found('metadata.title:"Soil"') == [ids[1]]
        assert found(f"id:({ids[0]} OR {ids[2]})") == sorted([ids[0], ids[2]])
        assert found("soil") == sorted(ids[:2])  # free text: the whole document, as before
