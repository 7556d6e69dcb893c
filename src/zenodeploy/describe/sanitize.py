"""The HTML policy Zenodo applies to descriptions, shared by the renderer and the emulator.

Zenodo stores ``metadata.description`` after bleach with ``strip=True`` (disallowed tags
removed, their text kept); the allowed tags and attributes are listed in
marshmallow-utils: ``marshmallow_utils/html.py``.
We reproduce the policy with nh3 (ammonia), since bleach is deprecated.
"""

from __future__ import annotations

import nh3

ALLOWED_TAGS = frozenset(
    [
        "a",
        "abbr",
        "acronym",
        "b",
        "blockquote",
        "br",
        "code",
        "col",
        "colgroup",
        "div",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "td",
        "th",
        "tr",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "i",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "u",
        "ul",
    ]
)
_TABLE_TAGS = ("table", "tbody", "tfoot", "thead", "td", "th", "tr", "col", "colgroup")
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "name", "target", "rel", "rev", "alt"},
    "div": {"dir", "lang"},
    "span": {"dir", "lang"},
    "p": {"dir", "lang"},
    "abbr": {"title", "lang", "dir"},
    "acronym": {"title", "lang", "dir"},
    **{tag: {"style"} for tag in _TABLE_TAGS},
}
# Only these properties survive inside a table element's ``style`` attribute.
ALLOWED_CSS_PROPERTIES = frozenset({"text-align", "width", "height", "border", "padding", "vertical-align"})
# Elements whose content is dropped with them (not just the tag).
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript"})
URL_SCHEMES = frozenset({"http", "https", "mailto", "ftp"})


def sanitize_html(html: str) -> str:
    """Return ``html`` reduced to what Zenodo keeps: disallowed tags stripped, their text kept."""
    return str(
        nh3.clean(
            html,
            tags=set(ALLOWED_TAGS),
            clean_content_tags=set(DROPPED_WITH_CONTENT),
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=set(URL_SCHEMES),
            filter_style_properties=set(ALLOWED_CSS_PROPERTIES),
            link_rel=None,
            strip_comments=True,
        )
    )
