"""The fast paths that spare importing a text library are differential: on every string they take,
the library itself gives the same result."""

from __future__ import annotations

import html.entities
import itertools
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ftfy
import yaml

from zenodeploy.describe import sanitize

ROOT = Path(__file__).resolve().parents[1]
ASCII = [chr(i) for i in range(128)]
# What ftfy reacts to in ASCII, and what it reacts to beyond it.
SIGNIFICANT = [
    "&",
    ";",
    "#",
    "x",
    "a",
    "<",
    ">",
    "\r",
    "\n",
    "\t",
    "\x1b",
    "[",
    "m",
    "1",
    " ",
    "\x7f",
    "\x0c",
]
MOJIBAKE = [
    "sÃ³",
    "âœ” No problems",
    "voilÃ le travail",
    "Ã\xa0 la carte",
    "\u201chere\u2019s a test\u201d",
    "ﬂuﬃeﬆ",
    "ＬＯＵＤ　ＮＯＩＳＥＳ",
    "caf\u0065\u0301",
    "\ufeffBOM",
    "a\u2028b\u2029c\x85d",
    "\x80\x93 C1",
    "P&EACUTE;REZ",
    "&macr;\\_(ã\x83\x84)_/&macr;",
    "Broken text&hellip; it&#x2019;s ﬂubberiﬁc!",
    "\x1b[36;44mI'm blue\x1b[0m",
]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _files() -> Iterator[str]:
    """Every text file of tests/data, the examples and the vocabularies: whole, by line, and the
    string values of those that parse as YAML or JSON."""
    folders = [ROOT / "tests" / "data", ROOT / "examples", ROOT / "src" / "zenodeploy" / "data"]
    for path in sorted(p for folder in folders for p in folder.rglob("*") if p.is_file()):
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        yield text
        yield from text.splitlines(keepends=True)
        try:
            data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        except (ValueError, yaml.YAMLError):
            continue
        yield from _strings(data)


def _generated() -> Iterator[str]:
    yield from ("".join(pair) for pair in itertools.product(ASCII, repeat=2))
    yield from ("".join(triple) for triple in itertools.product(SIGNIFICANT, repeat=3))
    yield from (f"&{name}" for name in html.entities.html5)  # the names end in ';' or not
    yield from (f"a &{name.upper()} b" for name in html.entities.html5)
    yield from (f"&#{n};" for n in range(300))
    yield from (f"&#x{n:x};" for n in range(300))
    rng = random.Random(14)
    for _ in range(20000):
        alphabet = rng.choice([ASCII, SIGNIFICANT, [*SIGNIFICANT, *"é’“ﬁ\u00a0Ã"]])
        yield "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
    yield from MOJIBAKE


def test_text_the_fast_path_takes_is_text_ftfy_leaves_unchanged() -> None:
    corpus = set(itertools.chain(_files(), _generated()))
    taken = [text for text in corpus if sanitize.FTFY_INERT.fullmatch(text)]
    for text in taken:
        assert ftfy.fix_text(text) == text, repr(text)
        assert sanitize.fix_text(text) is text
    left = sorted(corpus.difference(taken))
    changed = [text for text in left[::7] if ftfy.fix_text(text) != text]
    for text in changed[::10]:
        assert sanitize.fix_text(text) == ftfy.fix_text(text), repr(text)
    assert len(taken) > 20000 and len(changed) > 1000, (len(taken), len(changed))  # both sides exercised


def test_what_ftfy_changes_in_ascii_the_fast_path_leaves_to_ftfy() -> None:
    for text in ("&amp;", "a &lt; b", "&#39;", "x\r\ny", "\x1b[31mred\x1b[0m", "a\x00b", "a\x7f"):
        assert ftfy.fix_text(text) != text
        assert not sanitize.FTFY_INERT.fullmatch(text)
