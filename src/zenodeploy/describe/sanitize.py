"""The HTML policy Zenodo stores descriptions under, applied with the library the server runs.

InvenioRDM loads ``description`` (and ``additional_descriptions``) through ``SanitizedHTML``
(invenio-rdm-records: ``services/schemas/fields.py``), which calls marshmallow-utils'
``sanitize_html`` (``marshmallow_utils/html.py``): the text is stripped and fixed by ftfy,
then ``bleach.clean(..., strip=True)`` with the app's ``ALLOWED_HTML_TAGS`` and
``ALLOWED_HTML_ATTRS``. Zenodo does not set those, so invenio-config's defaults apply
(``invenio_config/default.py``), repeated below. Running the same function here means the HTML
we send is the HTML Zenodo stores, so an unchanged description compares equal on the next run.

What the policy does, worth knowing when writing a description: disallowed tags are removed
and their text kept (a ``<script>``'s code becomes visible text); no ``style``, ``id`` or
``target`` attribute survives; links keep only http, https and mailto URLs; a table's
``<thead>`` goes and its rows move into ``<tbody>``.
"""

from __future__ import annotations

import re

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "acronym", "b", "blockquote", "br", "code", "div", "table", "tbody", "td",
        "th", "tr", "em", "h1", "h2", "h3", "h4", "h5", "i", "li", "ol", "p", "pre", "span",
        "strike", "strong", "sub", "sup", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, list[str]] = {
    "*": ["class"],
    "a": ["href", "title", "name", "class", "rel"],
    "abbr": ["title"],
    "acronym": ["title"],
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})  # bleach.sanitizer.ALLOWED_PROTOCOLS
_INVALID_XML = {c: None for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]}
# Text ftfy leaves as it is: printable ASCII, tab and newline, no '&'. ASCII holds no mojibake,
# curly quote, ligature or wide letter and is NFC; what ftfy does change in ASCII is an HTML
# entity ('&amp;'), '\r', a terminal escape (ESC) and other control characters.
FTFY_INERT = re.compile(r"[\t\n\x20-\x25\x27-\x7e]*")


def attributes_of(tag: str) -> frozenset[str]:
    """The attributes ``tag`` keeps."""
    return frozenset(ALLOWED_ATTRIBUTES.get(tag, ())) | frozenset(ALLOWED_ATTRIBUTES["*"])


def fix_text(value: str) -> str:
    """``ftfy.fix_text(value)``; ftfy is imported only for text it may change (a test compares)."""
    if FTFY_INERT.fullmatch(value):
        return value
    import ftfy

    return ftfy.fix_text(value)


def sanitize_text(value: str) -> str:
    """A plain string as Zenodo stores it (``SanitizedUnicode``): stripped, ftfy-fixed, no
    characters XML forbids, no zero-width space."""
    return fix_text(value.strip()).translate(_INVALID_XML).replace("\u200b", "")


def sanitize_html(html: str) -> str:
    """``html`` as Zenodo stores it: disallowed tags stripped (their text kept), attributes and
    link schemes reduced to the allow-lists."""
    stripped = html.strip()
    if is_stored_as_is(stripped):
        return stripped
    return bleach_html(html)


def bleach_html(html: str) -> str:
    """``sanitize_html`` by the server's own means: bleach, always."""
    import bleach

    cleaned: str = bleach.clean(
        sanitize_text(html), tags=set(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES, strip=True
    )
    return cleaned.strip()


# HTML the sanitiser returns as it is (a test compares with bleach on generated documents and
# Markdown): allowed elements without attributes, nested as below, so that html5lib's tree builder
# neither closes nor reopens any of them; text of printable ASCII and newlines without '&', '<',
# '>' (nothing to escape, nothing for ftfy). What Markdown makes of plain prose is such HTML.
_BLOCK = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "ul", "ol", "blockquote"})
_INLINE = frozenset({"strong", "em", "code"})
_CHILDREN: dict[str, frozenset[str]] = {
    "": _BLOCK,
    "blockquote": _BLOCK,
    "ul": frozenset({"li"}),
    "ol": frozenset({"li"}),
    "li": _BLOCK | _INLINE,
    **{tag: _INLINE for tag in ("p", "h1", "h2", "h3", "h4", "h5", "strong", "em")},
    "code": frozenset(),
}
_HOLDS_TEXT = frozenset({"li", "p", "h1", "h2", "h3", "h4", "h5", "strong", "em", "code"})
_PIECE = re.compile(r"<(/?)([a-z0-9]{1,10})>|([\n\x20-\x25\x27-\x3b\x3d\x3f-\x7e]+)|(.)", re.DOTALL)


def is_stored_as_is(html: str) -> bool:
    """Whether ``html`` (stripped) is its own sanitised form by the rules above."""
    open_tags = [""]
    for piece in _PIECE.finditer(html):
        closing, tag, text, other = piece.groups()
        if other is not None:
            return False
        if text is not None:
            if open_tags[-1] not in _HOLDS_TEXT and text.strip("\n"):
                return False
        elif closing:
            if open_tags[-1] != tag:
                return False
            open_tags.pop()
        elif tag in _CHILDREN[open_tags[-1]]:
            open_tags.append(tag)
        else:
            return False
    return open_tags == [""]
