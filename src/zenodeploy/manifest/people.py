"""People and organisations in other metadata files → manifest creators: name splitting,
person-or-organisation guesses (said in a warning), ORCID clean-up."""

from __future__ import annotations

import re
from typing import Any

from zenodeploy import orcid as orcid_form
from zenodeploy.manifest import identifiers

_ORG_WORDS = re.compile(
    r"\b(univ\w*|institut\w*|lab|labs|laboratory|laboratories|cent(er|re)|team|group|community|"
    r"consortium|project|foundation|society|inc|ltd|llc|gmbh|corp\w*|company|contributors|developers|"
    r"authors|association|department|council|agency|network|collaboration|initiative|organi[sz]ation|"
    r"museum|library|school|college|academy|office|ministry|committee|board|service|survey|"
    r"observatory|collective|partners|working|research|trust|alliance|federation|hospital|bank)\b",
    re.IGNORECASE,
)
# Looser than orcid.URL (the address a manifest keeps): a hand-written CITATION.cff or
# .zenodo.json may also leave out the scheme or add www.
_ORCID_URL = re.compile(r"^(?:https?://)?(?:www\.)?orcid\.org/", re.IGNORECASE)

#: What a person or organisation in another file may carry that Zenodo's creators and
#: contributors cannot: they have a type, names, identifiers and affiliations only
#: (invenio-rdm-records: services/schemas/metadata.py, CreatorSchema, ContributorSchema and
#: PersonOrOrganizationSchema).
_NO_COUNTERPART = {
    "email": "e-mail",
    "website": "web address",
    "alias": "alias",
    "tel": "phone number",
    "fax": "fax number",
    "date-start": "dates",
    "date-end": "dates",
    "location": "location",
    **dict.fromkeys(("address", "city", "region", "post-code", "country"), "postal address"),
}

#: (person-or-organisation dict, warning text or None)
Guess = tuple[dict[str, Any], str | None]


def looks_like_organisation(name: str) -> bool:
    words = name.split()
    return bool(_ORG_WORDS.search(name)) or (len(words) > 1 and words[0].lower() == "the")


def from_name(name: str) -> Guess:
    """A ``name`` without a structure: "Family, Given", or a single string to classify."""
    text = " ".join(name.split())
    if text.count(",") == 1 and not looks_like_organisation(text):
        family, given = (part.strip() for part in text.split(","))
        if family and given:
            return {"family": family, "given": given, "type": "personal"}, None
        return {"family": family or given, "type": "personal"}, None
    if looks_like_organisation(text) or "," in text:
        return (
            {"name": text, "type": "organizational"},
            f"'{text}' has no 'Family, Given' form; taken as an organisation. "
            "If this is a person, write it as 'Family, Given'",
        )
    words = text.split()
    if len(words) == 1:
        return (
            {"family": text, "type": "personal"},
            f"'{text}' is a single word; taken as a person's family name. "
            "If this is an organisation or a user name, correct it in the manifest",
        )
    return (
        {"family": words[-1], "given": " ".join(words[:-1]), "type": "personal"},
        f"'{text}' has no comma; taken as the person '{words[-1]}, {' '.join(words[:-1])}'. "
        "Write 'Family, Given' in the file if the split is wrong",
    )


def orcid(value: Any) -> tuple[str | None, str | None, bool]:
    """(bare ORCID iD or None, problem or None, whether the problem is an error); a doubled
    ``https://orcid.org/`` is named as such, a placeholder (zeros, XXXX, TODO) is only a warning."""
    text = str(value or "").strip()
    if not text:
        return None, None, False
    doubled = bool(_ORCID_URL.match(_ORCID_URL.sub("", text, count=1)))
    bare = text
    while _ORCID_URL.match(bare):
        bare = _ORCID_URL.sub("", bare, count=1)
    if doubled:
        message = (
            f"'{text}' has the https://orcid.org/ prefix twice; write it once (https://orcid.org/{bare})"
        )
        return None, message, True
    if re.search(r"XX|TODO|FIXME", bare, re.IGNORECASE) or bare.strip("0-") == "":
        return (
            None,
            f"ORCID '{text}' is a placeholder, not taken; write the person's iD or remove the line",
            False,
        )
    if not identifiers.is_valid("orcid", bare):
        if orcid_form.has_form(bare):
            return None, f"ORCID '{text}' has a wrong check digit; copy the iD from orcid.org", True
        return None, f"'{text}' is not an ORCID iD (0000-0000-0000-0000 form); correct it or remove it", True
    return identifiers.normalize("orcid", bare), None, False


def not_taken(key: str, field: str, kind: str) -> str:
    """Why ``key`` of a person in another file is not taken into ``field`` (creators or
    contributors); ``kind`` names the entries the file's format defines ("a CFF 1.2 person or
    entity"), for a key that is none of theirs."""
    if key in _NO_COUNTERPART:
        return f"Zenodo's {field} have no {_NO_COUNTERPART[key]} (only names, identifiers and affiliations)"
    return f"it is not a key of {kind} (misspelt?)"
