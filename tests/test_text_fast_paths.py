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

import bleach
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
    """Every text file of tests/data, the examples and the vocabularies: by line, whole (when short:
    ftfy fixes a longer text line by line), and the string values of those that parse as YAML or JSON."""
    folders = [ROOT / "tests" / "data", ROOT / "examples", ROOT / "src" / "zenodeploy" / "data"]
    for path in sorted(p for folder in folders for p in folder.rglob("*") if p.is_file()):
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        if len(text) < 4000:
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
    for _ in range(8000):
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


# --- HTML the sanitiser returns as it is -------------------------------------------------------

TAGS = ["p", "h1", "h3", "h5", "h6", "ul", "ol", "li", "blockquote", "strong", "em", "code", "pre", "br", "a"]
TEXT = ["data", " ", "\n", "x.", "'q'", '"', "(1)", "a-b", "~", "{x}", "#"]
WORDS = [
    "data",
    "set",
    "x",
    " ",
    "\n",
    "\n\n",
    "'",
    '"',
    "&",
    "&amp;",
    "<",
    ">",
    "é",
    "\t",
    "\r",
    "A.B",
    "1)",
]


def _tree(rng: random.Random, tag: str, depth: int) -> str:
    """HTML made by the fast path's own rules (``sanitize._CHILDREN``), to check none is changed."""
    children = sorted(sanitize._CHILDREN[tag])
    parts = []
    for _ in range(rng.randint(0, 4)):
        if children and depth < 6 and rng.random() < 0.5:
            child = rng.choice(children)
            parts.append(f"<{child}>{_tree(rng, child, depth + 1)}</{child}>")
        elif tag in sanitize._HOLDS_TEXT:
            parts.append("".join(rng.choice(TEXT if rng.random() < 0.97 else WORDS) for _ in range(3)))
        else:
            parts.append(rng.choice(["\n", "\n", "\n\n", " ", "x"]))
    return "".join(parts)


def _soup(rng: random.Random) -> str:
    """Tags in any order, allowed or not, with text that may need escaping or fixing."""
    pieces = []
    for _ in range(rng.randint(1, 12)):
        tag = rng.choice(TAGS)
        pieces.append(
            rng.choice([f"<{tag}>", f"</{tag}>", rng.choice(WORDS), f'<{tag} class="c">', "<br />"])
        )
    return "".join(pieces)


PROSE = ["Data", "*set*", "**bold**", "`code`", "x", "y.", "(1)", "_it_", "***both***", "a-b"]
SPECIAL = ["&", "<b>", "é", '"q"', "[l](https://e.org)", "![i](p.png)", "<!-- c -->", "~~s~~"]
BLOCKS = ["# ", "## ", "###### ", "- ", "* ", "1. ", "3. ", "> ", "    ", "  - ", "   1. ", "", "", "---\n"]


def _markdown(rng: random.Random) -> str:
    """Markdown as people write it: plain prose half of the time, else with what needs escaping."""
    words = PROSE if rng.random() < 0.5 else PROSE + SPECIAL
    lines = []
    for _ in range(rng.randint(1, 8)):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 5)))
        lines.append(rng.choice([*BLOCKS, "```\n"] if words is not PROSE else BLOCKS) + text)
        lines[-1] += rng.choice(["", "", "  ", "\\"])
        lines.append(rng.choice(["", "", "\n"]))
    return "\n".join(lines)


def test_html_the_fast_path_takes_is_html_bleach_leaves_unchanged() -> None:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    rng = random.Random(7)
    documents = [md.render(_markdown(rng)) for _ in range(300)]
    documents += [f"<p>{_tree(rng, 'p', 0)}</p>" for _ in range(100)] + [
        _tree(rng, "", 0) for _ in range(250)
    ]
    documents += [_soup(rng) for _ in range(300)]
    taken = 0
    for document in documents:
        assert sanitize.sanitize_html(document) == sanitize.bleach_html(document), repr(document)
        taken += sanitize.is_stored_as_is(document.strip())
    assert taken > 250, taken


def test_html_bleach_changes_is_left_to_bleach() -> None:
    for document in (
        "<p>a<br />\nb</p>",
        '<ol start="3">\n<li>x</li>\n</ol>',
        "<p>a &amp; b</p>",
        "<p><strong>a</p></strong>",
        "<p><p>a</p></p>",
        "<em><p>a</p></em>",
        "<h1><h2>a</h2></h1>",
        "<pre>\nx</pre>",
        "<h6>a</h6>",
        "<ul>text<li>a</li></ul>",
        "<li>a</li>",
        "<p>caf\u00e9</p>",
    ):
        assert not sanitize.is_stored_as_is(document), document
        assert sanitize.sanitize_html(document) == sanitize.bleach_html(document)
    assert frozenset(bleach.sanitizer.ALLOWED_PROTOCOLS) == sanitize.URL_SCHEMES


def test_html_of_every_character_and_every_pair_of_tags_is_sanitised_as_bleach_does() -> None:
    for char in ASCII:
        for document in (f"<p>a{char}b</p>", f"<ul>{char}<li>{char}</li></ul>", f"<li>{char}</li>"):
            assert sanitize.sanitize_html(document) == sanitize.bleach_html(document), repr(document)
    for outer, inner in itertools.product([*TAGS, "div", "span", "table", "h2", "h4"], repeat=2):
        for pair in (f"<{outer}><{inner}>x</{inner}></{outer}>", f"<{outer}>x<{inner}></{inner}>y</{outer}>"):
            for where in ("{}", "<ul>\n<li>{}</li>\n</ul>", "<blockquote>\n{}\n</blockquote>"):
                nested = where.format(pair)
                assert sanitize.sanitize_html(nested) == sanitize.bleach_html(nested), nested


# --- inline descriptions Jinja renders as they are ---------------------------------------------

JINJA_TEXT = [
    *"ab }%#-+*_`[]()<>&'\"\\\n\t\x00\x0b\x0c\x1c\x85\u2028é✓",
    "\n\n",
    "{",
    "{{ x }}",
    "\r",
    "\r\n",
]


def test_a_plain_description_is_what_jinja_renders_from_it(tmp_path: Path) -> None:
    from zenodeploy.describe import bounds, environment, render

    rng = random.Random(21)
    texts = rng.sample(sorted(set(_files())), 1000)
    texts += ["".join(rng.choice(JINJA_TEXT) for _ in range(rng.randint(0, 30))) for _ in range(1000)]
    taken = 0
    for text in texts:
        if render.is_plain(text):
            rendered = environment.render_inline(text, {}, tmp_path, "x.description", render.INLINE_NAME)
            assert rendered == text, repr(text)
            taken += 1
    assert taken > 700, taken
    assert render.PLAIN_MAX <= bounds.MAX_OUTPUT
    assert not render.is_plain("x" * (render.PLAIN_MAX + 1))
    assert not render.is_plain({"template": "builtin:dataset"})


def test_resolve_gives_a_template_description_its_context_and_a_plain_one_its_text(tmp_path: Path) -> None:
    import subprocess

    from zenodeploy.manifest.load import load_manifest
    from zenodeploy.reconcile.resolve import resolve

    for args in (["init", "-q", "-b", "main"], ["-c", "user.email=t@e.org", "-c", "user.name=T", "commit", "-q",
                 "--allow-empty", "-m", "one"], ["tag", "v2.0"]):  # fmt: skip
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)
    (tmp_path / "data.csv").write_text("a,b\n", "utf-8")
    entry = "{key: %s, title: Title, resource_type: dataset, creators: [{family: X, given: Y}], files: [data.csv], description: %s}"
    (tmp_path / "zenodeploy.yaml").write_text(
        "version: 1\ndepositions:\n"
        + "".join(
            f"  - {entry % (key, text)}\n"
            for key, text in (
                ("a", "'Release {{ git.tag }} of {{ key }}, **bold**.'"),
                ("b", "'Plain **bold** text.'"),
            )
        ),
        "utf-8",
    )
    described = {
        d.key: d.description for d in resolve(load_manifest(tmp_path / "zenodeploy.yaml")).depositions
    }
    assert described["a"] is not None and described["a"].markdown == "Release v2.0 of a, **bold**."
    assert described["b"] is not None and described["b"].markdown == "Plain **bold** text."
    assert described["b"].html == "<p>Plain <strong>bold</strong> text.</p>"


# --- prose Markdown rendered without markdown-it ------------------------------------------------

PROSE_TOKENS = [
    "a",
    "Bob",
    "x1",
    "2024",
    " ",
    "  ",
    ".",
    ",",
    ";",
    ":",
    "?",
    "'",
    "(",
    ")",
    "/",
    "-",
    "*",
    "**",
]
PROSE_TOKENS += [
    "***",
    "\n",
    "\n\n",
    "\n \n",
    "#",
    "_",
    "`",
    "&",
    "<",
    ">",
    "!",
    "[",
    "]",
    "\\",
    "~",
    "|",
    "+",
]
PROSE_TOKENS += ["=", '"', "\t", "é", "1.", "- ", "* ", "> ", "    "]
PROSE_TOKENS += ["_a_", " __b__ ", "a_b", " # ", "+1", "a=b", '"q"']


def _prose(rng: random.Random) -> str:
    """Lines of words, some wrapped in * or **, with punctuation and spaces, in paragraphs."""
    lines = []
    for _ in range(rng.randint(1, 5)):
        words = []
        for index in range(rng.randint(1, 6)):
            word = rng.choice(["data", "Bob", "a b", "x1", "the set (raw)", "v2"])
            mark = rng.choice(["", "", "*", "**"])
            before = rng.choice(["", "", "("]) if index else ""
            words.append(
                f"{before}{mark}{word}{mark}" + rng.choice(["", "", ".", ",", "'s", ")", ":", "/x", "-y"])
            )
        lines.append(rng.choice([" ", " ", "  "]).join(words))
        lines.append(rng.choice(["\n", "\n", "\n\n"]))
    return "".join(lines)


def test_prose_the_fast_path_takes_is_rendered_as_markdown_it_renders_it() -> None:
    from zenodeploy.describe import markdown

    rng = random.Random(3)
    texts = ["".join(chars) for n in range(5) for chars in itertools.product("a *\n.(1", repeat=n)]
    texts += ["".join(rng.choice(PROSE_TOKENS) for _ in range(rng.randint(1, 14))) for _ in range(3000)]
    texts += [_prose(rng) for _ in range(2000)]
    shapes = [
        "a{}b",
        "a {} b",
        "{}a",
        "a{}",
        "a\n{}b",
        "**a**{}",
        "{}**a** b",
        "a *b*{} c",
        "a {}*b* c",
        "a\n\n{}",
    ]
    texts += [shape.format(char * n) for char in ASCII for n in (1, 2) for shape in shapes]
    taken = 0
    for text in texts:
        fast = markdown.prose_html(text)
        if fast is not None:
            assert fast == markdown._parser().render(text), repr(text)
            assert markdown.markdown_to_html(text) == markdown.markdown_it_html(text), repr(text)
            taken += 1
    assert taken > 1000, taken
