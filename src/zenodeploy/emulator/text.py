"""String and HTML normalisation as InvenioRDM applies it when it loads a record.

- ``sanitize_unicode`` follows marshmallow-utils ``marshmallow_utils/html.py sanitize_unicode``
  (the ``SanitizedUnicode`` field, ``marshmallow_utils/fields/sanitizedunicode.py``):
  strip, ftfy ``fix_text``, drop characters that are not valid XML, drop U+200B.
- ``sanitize_html`` follows the same file's ``sanitize_html`` as invenio-rdm-records'
  ``invenio_rdm_records/services/schemas/fields.py SanitizedHTML`` calls it: unicode first,
  then ``bleach.clean(strip=True)`` with the allow-lists from the app config, then strip.
  Zenodo's config does not set ``ALLOWED_HTML_TAGS``/``ALLOWED_HTML_ATTRS``, so the lists in
  force are invenio-config's defaults (``invenio_config/default.py``), repeated below.
"""

from __future__ import annotations

from contextvars import ContextVar

import bleach
from ftfy import fix_text

# inveniosoftware/invenio-config invenio_config/default.py ALLOWED_HTML_TAGS
ALLOWED_HTML_TAGS = frozenset(
    {
        "a", "abbr", "acronym", "b", "blockquote", "br", "code", "div", "table", "tbody", "td",
        "th", "tr", "em", "h1", "h2", "h3", "h4", "h5", "i", "li", "ol", "p", "pre", "span",
        "strike", "strong", "sub", "sup", "u", "ul",
    }
)  # fmt: skip
# inveniosoftware/invenio-config invenio_config/default.py ALLOWED_HTML_ATTRS
ALLOWED_HTML_ATTRS = {
    "*": ["class"],
    "a": ["href", "title", "name", "class", "rel"],
    "abbr": ["title"],
    "acronym": ["title"],
}
_UNWANTED = ("\u200b",)  # marshmallow-utils html.py UNWANTED_CHARS


def _xml_char(char: str) -> bool:
    """marshmallow-utils html.py ``is_valid_xml_char``: the XML 1.0 Char production."""
    code = ord(char)
    return (
        0x20 <= code <= 0xD7FF
        or code in (0x9, 0xA, 0xD)
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def sanitize_unicode(value: str) -> str:
    """What a ``SanitizedUnicode`` field stores for ``value``."""
    fixed = "".join(filter(_xml_char, fix_text(value.strip())))
    for char in _UNWANTED:
        fixed = fixed.replace(char, "")
    return fixed


# The tags of the instance serving the current request: Zenodo's by default; another
# InvenioRDM instance may set its own ALLOWED_HTML_TAGS (``start(html_tags=...)`` models one).
HTML_TAGS: ContextVar[frozenset[str]] = ContextVar("html_tags", default=ALLOWED_HTML_TAGS)


def sanitize_html(value: str) -> str:
    """What a ``SanitizedHTML`` field stores for ``value`` on Zenodo (or the configured instance)."""
    cleaned: str = bleach.clean(
        sanitize_unicode(value), tags=HTML_TAGS.get(), attributes=ALLOWED_HTML_ATTRS, strip=True
    )
    return cleaned.strip()
