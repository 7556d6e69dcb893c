"""Markdown → the sanitised HTML Zenodo stores, with a warning for every line it would strip.

No Jinja here: ``render`` produces the Markdown; this module converts it with markdown-it-py
(CommonMark plus tables and strikethrough), applies Zenodo's HTML policy
(``zenodeploy.describe.sanitize``) and names every Markdown line whose content Zenodo would strip.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html.parser import HTMLParser
from typing import Any

from markdown_it import MarkdownIt

from zenodeploy.describe.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_CSS_PROPERTIES,
    ALLOWED_TAGS,
    DROPPED_WITH_CONTENT,
    URL_SCHEMES,
    sanitize_html,
)

Issue = tuple[int, str]  # (1-based Markdown line, warning text)

_MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
# markdown-it silently turns javascript:/data: links into plain text; let them through so the
# warning below names them and the sanitiser (our single policy) removes the href.
_MD.validateLink = lambda url: True  # type: ignore[method-assign]
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):")


def markdown_to_html(markdown: str) -> tuple[str, tuple[Issue, ...]]:
    """Convert ``markdown`` to the HTML Zenodo stores, plus ``(line, warning)`` for each construct
    the sanitiser strips (images, raw tags and attributes Zenodo drops, non-http links, ``<h6>``…).
    """
    tokens = _MD.parse(markdown)
    issues: list[Issue] = []
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
    return sanitize_html(_MD.renderer.render(tokens, _MD.options, {})), unique


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
    """What the sanitiser does to one element: drop it (text kept or not), or drop attributes."""
    if tag not in ALLOWED_TAGS:
        if tag == "img":
            return [(line, "<img> is removed by Zenodo; link to the image file instead")]
        if tag in DROPPED_WITH_CONTENT:
            return [(line, f"<{tag}> is removed by Zenodo together with its content")]
        if re.fullmatch(r"h[6-9]", tag):
            return [(line, f"<{tag}> is removed by Zenodo (its text is kept); use heading levels 1 to 5")]
        if tag == "hr":
            return [(line, "<hr> (a thematic break) is removed by Zenodo; use a heading instead")]
        return [(line, f"<{tag}> is removed by Zenodo (its text is kept)")]
    issues: list[Issue] = []
    allowed = ALLOWED_ATTRIBUTES.get(tag, set())
    for name, value in attrs.items():
        if name not in allowed:
            issues.append((line, f"attribute {name}= on <{tag}> is removed by Zenodo"))
        elif name == "href":
            issues += _href_issues(str(value or ""), line)
        elif name == "style":
            for prop in re.findall(r"(?:^|;)\s*([a-zA-Z-]+)\s*:", str(value or "")):
                if prop.lower() not in ALLOWED_CSS_PROPERTIES:
                    issues.append((line, f"style property {prop} on <{tag}> is removed by Zenodo"))
    return issues


def _href_issues(href: str, line: int) -> list[Issue]:
    scheme = _SCHEME.match(href)
    if scheme and scheme.group(1).lower() not in URL_SCHEMES:
        return [
            (
                line,
                f"a link to a {scheme.group(1)}: URL is removed by Zenodo (it keeps http, https, mailto and ftp)",
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
    collector.feed(snippet)
    collector.close()
    return collector.issues
