"""Markdown → the sanitised HTML Zenodo stores, with a warning for every line it would strip.

No Jinja here: ``render`` produces the Markdown; this module converts it with markdown-it-py
(CommonMark plus tables and strikethrough), applies Zenodo's HTML policy
(``zenodeploy.describe.sanitize``) and names every Markdown line whose content Zenodo would strip.
Plain prose (paragraphs, words in * or **) is converted without importing markdown-it, to the
same HTML (``prose_html``; a test compares).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any, Literal

from zenodeploy.describe.sanitize import ALLOWED_TAGS, URL_SCHEMES, attributes_of, sanitize_html

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

Issue = tuple[int, str]  # (1-based Markdown line, warning text)

_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")


@functools.cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    # markdown-it silently turns javascript:/data: links into plain text; let them through so the
    # warning below names them and the sanitiser (our single policy) removes the href.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def markdown_to_html(markdown: str) -> tuple[str, tuple[Issue, ...]]:
    """Convert ``markdown`` to the HTML Zenodo stores, plus ``(line, warning)`` for each construct
    the sanitiser strips (images, raw tags and attributes Zenodo drops, non-http links, ``<h6>``…).
    """
    prose = prose_html(markdown)
    if prose is not None:
        return sanitize_html(prose), ()
    return markdown_it_html(markdown)


def markdown_it_html(markdown: str) -> tuple[str, tuple[Issue, ...]]:
    """``markdown_to_html`` by markdown-it, always."""
    md = _parser()
    tokens = md.parse(markdown)
    issues: list[Issue] = _as_zenodo_keeps_it(tokens)
    line = 1
    for tok in tokens:
        if tok.map:
            line = tok.map[0] + 1
        if tok.type == "html_block":
            issues += _html_issues(tok.content, line)
        elif tok.type == "inline":
            issues += _inline_issues(tok.children or [], line)
        elif tok.nesting >= 0 and tok.tag and tok.type not in ("fence", "code_block"):
            issues += _tag_issues(tok.tag, tok.attrs, line)
    unique = tuple(dict.fromkeys(sorted(issues, key=lambda issue: issue[0])))
    return sanitize_html(md.renderer.render(tokens, md.options, {})), unique


# Prose that markdown-it would render as paragraphs only, with nothing for Zenodo to strip (a test
# compares, string by string): lines of printable ASCII that start with a letter or an emphasis,
# without the characters that begin any other construct or need escaping (# > < & " [ ] ` \ _ ~ |
# ! + = tab), no space at a line's end (a hard break); * and ** only around words, opened after a
# space or '(' and closed before a space or . , ; : ? ' ) / -, nothing nested.
_EMPHASIS = re.compile(
    r"(?<![^ (])(\*\*?)([A-Za-z0-9](?:[A-Za-z0-9 .,;:?'()/-]*[A-Za-z0-9])?)\1(?![^ .,;:?')/-])"
)
_PROSE_LINE = re.compile(r"[A-Za-z][A-Za-z0-9 .,;:?'()/-]*")
_TAGS = {"*": "em", "**": "strong"}


def prose_html(markdown: str) -> str | None:
    """The HTML markdown-it makes of ``markdown`` when it is such prose, else None."""
    paragraphs: list[list[str]] = [[]]
    for line in markdown.split("\n"):
        if not line:
            paragraphs.append([])
            continue
        if line.endswith(" ") or not _PROSE_LINE.fullmatch(_EMPHASIS.sub("w", line)):
            return None
        paragraphs[-1].append(_EMPHASIS.sub(lambda m: f"<{_TAGS[m[1]]}>{m[2]}</{_TAGS[m[1]]}>", line))
    return "".join("<p>" + "\n".join(lines) + "</p>\n" for lines in paragraphs if lines)


def _as_zenodo_keeps_it(tokens: list[Token]) -> list[Issue]:
    """Rewrite what Markdown renders but Zenodo's policy would mangle into what it keeps, in place.

    A table's header row goes into ``<tbody>`` (``<thead>`` is not allowed; bleach would leave
    two bodies), ``~~strike~~`` becomes ``<strike>`` (``<s>`` is not allowed), and column
    alignment (``style``, not allowed) is dropped with one warning per table."""
    issues: list[Issue] = []
    out: list[Token] = []
    aligned: set[int] = set()
    table = 1
    for tok in tokens:
        if tok.type == "table_open" and tok.map:
            table = tok.map[0] + 1
        if tok.type in ("thead_open", "thead_close", "tbody_open", "tbody_close"):
            continue
        if tok.type in ("th_open", "td_open") and tok.attrGet("style"):
            tok.attrs.pop("style", None)
            aligned.add(table)
        if tok.type == "table_close":
            out.append(_token("tbody_close", "tbody", -1))
        out.append(tok)
        if tok.type == "table_open":
            out.append(_token("tbody_open", "tbody", 1))
        if tok.type == "inline":
            for child in tok.children or []:
                if child.tag == "s":
                    child.tag = "strike"
    tokens[:] = out
    issues += [
        (n, "column alignment (:--:) is not kept by Zenodo; the table is shown left-aligned")
        for n in sorted(aligned)
    ]
    return issues


def _token(kind: str, tag: str, nesting: Literal[-1, 1]) -> Token:
    from markdown_it.token import Token

    return Token(kind, tag, nesting, block=True)


def _inline_issues(children: Sequence[Any], line: int) -> list[Issue]:
    issues: list[Issue] = []
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "image":
            issues.append(
                (
                    line,
                    f"image ![{child.content}]({child.attrs.get('src', '')}) is removed by Zenodo; "
                    "link to the image file instead",
                )
            )
        elif child.type == "html_inline":
            issues += _html_issues(child.content, line)
        elif child.nesting >= 0 and child.tag:
            issues += _tag_issues(child.tag, child.attrs, line)
    return issues


def _tag_issues(tag: str, attrs: Mapping[str, Any], line: int) -> list[Issue]:
    """What the sanitiser does to one element: drop it (text kept) or drop attributes."""
    if tag not in ALLOWED_TAGS:
        if tag == "img":
            return [(line, "<img> is removed by Zenodo; link to the image file instead")]
        if tag in ("script", "style"):
            return [(line, f"<{tag}> is removed by Zenodo and its content shown as plain text; remove it")]
        if re.fullmatch(r"h[6-9]", tag):
            return [(line, f"<{tag}> is removed by Zenodo (its text is kept); use heading levels 1 to 5")]
        if tag == "hr":
            return [(line, "<hr> (a thematic break) is removed by Zenodo; use a heading instead")]
        if tag == "s":
            return [(line, "<s> is removed by Zenodo (its text is kept); use ~~text~~ or <strike>")]
        return [(line, f"<{tag}> is removed by Zenodo (its text is kept)")]
    issues: list[Issue] = []
    allowed = attributes_of(tag)
    for name, value in attrs.items():
        if name not in allowed:
            issues.append((line, f"attribute {name}= on <{tag}> is removed by Zenodo"))
        elif name == "href":
            issues += _href_issues(str(value or ""), line)
    return issues


def _href_issues(href: str, line: int) -> list[Issue]:
    scheme = _SCHEME.match(href)
    if scheme and scheme.group(1).lower() not in URL_SCHEMES:
        return [
            (
                line,
                f"a link to a {scheme.group(1)}: URL is removed by Zenodo (it keeps {', '.join(sorted(URL_SCHEMES))})",
            )
        ]
    if not scheme and href and not href.startswith(("#", "//")):
        return [(line, f"the relative link {href!r} would point into the Zenodo site; use an absolute URL")]
    return []


class _TagCollector(HTMLParser):
    def __init__(self, first_line: int) -> None:
        super().__init__(convert_charrefs=True)
        self.first_line = first_line
        self.issues: list[Issue] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.first_line + self.getpos()[0] - 1
        self.issues += _tag_issues(tag, {name: value or "" for name, value in attrs}, line)


def _html_issues(snippet: str, line: int) -> list[Issue]:
    collector = _TagCollector(line)
    try:
        collector.feed(snippet)
        collector.close()
    except AssertionError:  # html.parser (3.11) on '<![word…', a marked section it does not know
        collector.issues.append(
            (
                line,
                "'<![' inside HTML starts a marked section, which Zenodo drops with the text after it; write &lt;![ to show it as text",
            )
        )
    return collector.issues
