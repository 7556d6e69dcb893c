"""Identifier schemes and the identifier schema: scheme detection, validation, normalisation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import idutils
from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validates_schema

from zenodeploy.emulator.schema_fields import MISSING, Data, Text

# RR = invenio-rdm-records ``invenio_rdm_records/``; VOC = invenio-vocabularies
# ``invenio_vocabularies/``; MU = marshmallow-utils ``marshmallow_utils/``

Scheme = tuple[str, Callable[[str], Any]]  # (label, validator)


def _always(value: str) -> bool:
    return True


def check(test: Callable[[str], Any], message: str | list[str]) -> Callable[[str], None]:
    """A validator that raises ``message`` where the server's returns False (same error)."""

    def run(value: str) -> None:
        if not test(value):
            raise ValidationError(message)

    return run


# RR invenio_rdm_records/config.py RDM_RECORDS_IDENTIFIERS_SCHEMES (= related identifier schemes)
RECORD_SCHEMES: dict[str, Scheme] = {
    "ark": ("ARK", idutils.is_ark),
    "arxiv": ("arXiv", idutils.is_arxiv),
    "ads": ("Bibcode", idutils.is_ads),
    "crossreffunderid": ("Crossref Funder ID", _always),
    "cstr": ("CSTR", idutils.is_cstr),
    "doi": ("DOI", idutils.is_doi),
    "ean13": ("EAN13", idutils.is_ean13),
    "eissn": ("EISSN", idutils.is_issn),
    "grid": ("GRID", _always),
    "handle": ("Handle", idutils.is_handle),
    "igsn": ("IGSN", _always),
    "isbn": ("ISBN", idutils.is_isbn),
    "isni": ("ISNI", idutils.is_isni),
    "issn": ("ISSN", idutils.is_issn),
    "istc": ("ISTC", idutils.is_istc),
    "lissn": ("LISSN", idutils.is_issn),
    "lsid": ("LSID", idutils.is_lsid),
    "pmid": ("PMID", idutils.is_pmid),
    "purl": ("PURL", idutils.is_purl),
    "rrid": ("RRID", idutils.is_rrid),
    "upc": ("UPC", _always),
    "url": ("URL", idutils.is_url),
    "urn": ("URN", idutils.is_urn),
    "wikidata": ("Wikidata", idutils.is_wikidata),
    "w3id": ("W3ID", _always),
    "other": ("Other", _always),
}
# RR config.py RDM_RECORDS_PERSONORG_SCHEMES
PERSON_SCHEMES: dict[str, Scheme] = {
    "orcid": ("ORCID", idutils.is_orcid),
    "isni": ("ISNI", idutils.is_isni),
    "gnd": ("GND", idutils.is_gnd),
    "ror": ("ROR", idutils.is_ror),
}
# RR config.py RDM_RECORDS_LOCATION_SCHEMES
LOCATION_SCHEMES: dict[str, Scheme] = {
    "wikidata": ("Wikidata", idutils.is_wikidata),
    "geonames": ("GeoNames", _always),
}
# VOC config.py VOCABULARIES_AWARD_SCHEMES, VOCABULARIES_SUBJECTS_SCHEMES
AWARD_SCHEMES: dict[str, Scheme] = {"url": ("URL", idutils.is_url), "doi": ("DOI", idutils.is_doi)}
SUBJECT_SCHEMES: dict[str, Scheme] = {"gnd": ("GND", idutils.is_gnd), "url": ("URL", idutils.is_url)}


class IdentifierSchema(Schema):
    """MU ``schemas/identifier.py IdentifierSchema``: detect a missing scheme, validate, normalise."""

    identifier = Text()
    scheme = Text()

    def __init__(self, schemes: Mapping[str, Scheme], required: bool = True, **kwargs: Any) -> None:
        self.schemes = schemes
        self.identifier_required = required
        super().__init__(**kwargs)

    @pre_load
    def detect_scheme(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, dict) or not data.get("identifier") or data.get("scheme"):
            return data
        try:
            value = self.fields["identifier"].deserialize(data["identifier"])
        except ValidationError:
            return data
        # the first detected scheme that is allowed here, in idutils' order
        detected = [s for s in idutils.detect_identifier_schemes(value) if s in self.schemes]
        return {**data, "scheme": detected[0]} if detected else data

    @validates_schema
    def check_identifier(self, data: Data, **kwargs: Any) -> None:
        identifier, scheme = data.get("identifier"), data.get("scheme")
        if not self.identifier_required and not identifier and not scheme:
            return
        errors: Data = {}
        if not scheme:
            errors["scheme"] = "No valid scheme recognized for identifier." if identifier else MISSING
        elif scheme not in self.schemes:
            errors["scheme"] = "Invalid scheme."
        if not identifier:
            errors["identifier"] = MISSING
        elif isinstance(scheme, str) and scheme in self.schemes:
            label, is_valid = self.schemes[scheme]
            if not is_valid(identifier):
                errors["identifier"] = f"Invalid {label} identifier."
        if errors:
            raise ValidationError(errors)

    @post_load
    def normalize(self, data: Data, **kwargs: Any) -> Data:
        if data.get("identifier"):
            data["identifier"] = idutils.normalize_pid(data["identifier"], data["scheme"])
        return data


def identifiers(schemes: Mapping[str, Scheme], required: bool = True) -> fields.Nested:
    return fields.Nested(IdentifierSchema(schemes, required))
