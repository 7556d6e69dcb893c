"""``GET /api/user/records`` and ``/api/records/{id}/versions``: query, sort and paginate.

``q`` supports free-text words (matched case-insensitively in the title, description and
subject/keyword strings), ``field.path:"exact value"`` or ``field.path:value`` terms
(a list along the path matches when any element does) and ``field.path:(a OR "b c")`` groups
(any of the values: Lucene query-string syntax, which InvenioRDM hands to OpenSearch as a
``query_string`` query, invenio-records-resources ``services/records/queryparser/query.py``);
all terms are ANDed. The search
index of Zenodo is eventually consistent; this one is immediate.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from zenodeploy.emulator.replies import HttpError
from zenodeploy.emulator.store import Doc

_SORTS: dict[str, tuple[str, bool]] = {
    "bestmatch": ("updated", True),
    "newest": ("created", True),
    "oldest": ("created", False),
    "updated-desc": ("updated", True),
    "updated-asc": ("updated", False),
    "mostrecent": ("updated", True),
    "version": ("version", True),
}
_TERM = re.compile(r"^([A-Za-z_][\w.]*):(.+)$")
_ANY_OF = re.compile(r"([A-Za-z_][\w.]*):\(([^()]*)\)")


def page_params(args: Mapping[str, str], default_sort: str) -> tuple[int, int, str]:
    """``page``, ``size`` (≤ 100) and ``sort`` from the query string, refused as InvenioRDM does."""
    try:
        page, size = int(args.get("page", "1")), int(args.get("size", "25"))
    except ValueError:
        raise HttpError(400, "A validation error occurred.", [("page", "Not a valid integer.")]) from None
    if page < 1:
        raise HttpError(
            400, "A validation error occurred.", [("page", "Must be greater than or equal to 1.")]
        )
    if size < 1:
        raise HttpError(
            400, "A validation error occurred.", [("size", "Must be greater than or equal to 1.")]
        )
    if size > 100:
        raise HttpError(400, "Page size cannot be greater than 100.")
    sort = args.get("sort") or default_sort
    if sort not in _SORTS:
        raise HttpError(400, "A validation error occurred.", [("sort", f"Invalid sort option '{sort}'.")])
    return page, size, sort


def matcher(q: str) -> Callable[[Doc], bool]:
    """A predicate over RDM documents for the query string ``q``."""
    checks: list[Callable[[Doc], bool]] = []
    for path, group in _ANY_OF.findall(q):
        checks.append(_any_of(path.split("."), [v for v in _split(group) if v != "OR"]))
    tokens = _split(_ANY_OF.sub(" ", q))
    for token in tokens:
        term = _TERM.match(token)
        if term:
            path, wanted = term.group(1), term.group(2)
            checks.append(_term(path.split("."), wanted))
        else:
            checks.append(_word(token.lower()))
    return lambda d: all(c(d) for c in checks)


def by_stored_fields(q: str) -> bool:
    """Whether ``q`` names only fields a stored version holds as they are served (``id``,
    ``parent.id``, ``metadata.title``): such a query can be tried on those few fields before the
    whole document is built, which on a title search over 1,000 records took 0.4 s."""
    paths = [path for path, _ in _ANY_OF.findall(q)]
    for token in _split(_ANY_OF.sub(" ", q)):
        term = _TERM.match(token)
        if term is None:
            return False
        paths.append(term.group(1))
    return bool(paths) and all(path in ("id", "parent.id", "metadata.title") for path in paths)


def _split(q: str) -> list[str]:
    try:
        return shlex.split(q)
    except ValueError:
        return q.split()


def _any_of(path: list[str], wanted: list[str]) -> Callable[[Doc], bool]:
    return lambda d: any(_eq(v, w) for v in _values(d, path) for w in wanted)


def _term(path: list[str], wanted: str) -> Callable[[Doc], bool]:
    return lambda d: any(_eq(v, wanted) for v in _values(d, path))


def _word(word: str) -> Callable[[Doc], bool]:
    return lambda d: word in _text(d)


def paginate(hits: list[Doc], page: int, size: int, sort: str, url: str, args: Mapping[str, str]) -> Doc:
    key, reverse = _SORTS[sort]
    if key == "version":
        hits.sort(key=lambda d: d["versions"]["index"], reverse=reverse)
    else:
        hits.sort(key=lambda d: (d[key], int(d["id"])), reverse=reverse)
    total = len(hits)
    chunk = hits[(page - 1) * size : page * size]

    def link(p: int) -> str:
        return f"{url}?{urlencode({**args, 'page': p, 'size': size, 'sort': sort})}"

    links = {"self": link(page)}
    if page * size < total:
        links["next"] = link(page + 1)
    if page > 1:
        links["prev"] = link(page - 1)
    return {"hits": {"hits": chunk, "total": total}, "links": links, "sortBy": sort}


def _values(node: Any, path: list[str]) -> list[Any]:
    if not path:
        return node if isinstance(node, list) else [node]
    if isinstance(node, list):
        return [v for item in node for v in _values(item, path)]
    if isinstance(node, dict) and path[0] in node:
        return _values(node[path[0]], path[1:])
    return []


def _eq(value: Any, wanted: str) -> bool:
    if isinstance(value, bool):
        return str(value).lower() == wanted.lower()
    return value is not None and str(value) == wanted


def _text(doc: Doc) -> str:
    md = doc.get("metadata", {})
    parts = [str(md.get("title", "")), str(md.get("description", ""))]
    parts += [str(s.get("subject", "")) for s in md.get("subjects", []) if isinstance(s, dict)]
    parts += [str(k) for k in md.get("keywords", []) if isinstance(md.get("keywords"), list)]
    return " ".join(parts).lower()
