"""The record schema the emulator loads request bodies with, modelled on InvenioRDM's.

InvenioRDM validates a draft with marshmallow schemas and, on a save, keeps marshmallow's
``valid_data`` and reports the errors (lax loading). The emulator uses marshmallow too, so
that what is kept, what is dropped and the error paths follow from the same rules; the
schemas below are written for the emulator, each naming the server source it models:

- RR = inveniosoftware/invenio-rdm-records ``invenio_rdm_records/services/schemas/metadata.py``
  (and ``record.py``, ``contrib/*/custom_fields.py``, ``config.py`` for identifier schemes)
- VOC = inveniosoftware/invenio-vocabularies ``invenio_vocabularies/services/schema.py``,
  ``contrib/{affiliations,funders,awards,subjects}/schema.py``, ``config.py``
- MU = marshmallow-utils ``marshmallow_utils/fields/*``, ``schemas/identifier.py``

Vocabulary ids are not checked here: the server checks them when the draft is committed,
after the schema (``validation.py`` does that from the vocabulary data files).
"""

from __future__ import annotations

import calendar
import threading
import warnings
from collections.abc import Callable, Mapping
from typing import Any

import idutils

with warnings.catch_warnings():  # edtf's grammar sets off pyparsing diagnostics at import
    warnings.simplefilter("ignore")
    from edtf import (
        Date,
        DateAndTime,
        Interval,
        Level1Interval,
        Level2Interval,
        OneOfASet,
        UncertainOrApproximate,
        parse_edtf,
    )
    from edtf.parser.parser_classes import PRECISION_DAY
from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates,
    validates_schema,
)
from pyparsing import ParseException

from zenodeploy.emulator.text import sanitize_html, sanitize_unicode

Data = dict[str, Any]
MISSING = "Missing data for required field."


# -- fields --------------------------------------------------------------------------------


class Text(fields.String):
    """MU ``fields/sanitizedunicode.py SanitizedUnicode``."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return sanitize_unicode(super()._deserialize(value, attr, data, **kwargs))


class Html(fields.String):
    """RR ``services/schemas/fields.py SanitizedHTML`` with invenio-config's allow-lists."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return sanitize_html(super()._deserialize(value, attr, data, **kwargs))


_EDTF_LOCK = threading.Lock()  # pyparsing's packrat cache is not thread safe


class Edtf:
    """MU ``fields/edtfdatestring.py EDTFValidator``: parses, checks the type, chronological intervals."""

    message = "Please provide a valid date or interval."

    def __init__(self, *types: type) -> None:
        self.types = types

    def __call__(self, value: str) -> str:
        with _EDTF_LOCK:
            try:
                parsed: Any = parse_edtf(value)
            except ParseException:
                raise ValidationError(self.message) from None
        _leap_day(parsed)
        if not isinstance(parsed, self.types):
            raise ValidationError(self.message)
        bounds: Any = parsed
        if bounds.upper_strict() < bounds.lower_strict():  # intervals must be chronological
            raise ValidationError(self.message)
        return value


def _leap_day(parsed: Any) -> None:
    """babel-edtf ``babel_edtf/__init__.py parse_edtf`` (what MU's validator calls): a 29 February
    outside a leap year is invalid. Reading ``precision`` of a season raises AttributeError
    there (a 500 on the server); the emulator lets it raise the same way."""
    if isinstance(parsed, Interval):
        _leap_day(parsed.lower)
        _leap_day(parsed.upper)
    elif (
        isinstance(parsed, Date)
        and parsed.precision == PRECISION_DAY
        and parsed.day == "29"
        and parsed.month == "02"
        and not calendar.isleap(int(parsed.year))
    ):
        raise ValidationError(Edtf.message)


def edtf_date() -> fields.String:
    """MU ``EDTFDateString``: level 0 date or interval (``publication_date``)."""
    return fields.String(required=True, validate=Edtf(Date, Interval))


def edtf_datetime(**kwargs: Any) -> fields.String:
    """MU ``EDTFDateTimeString`` (``dates[].date``)."""
    return fields.String(validate=Edtf(Date, DateAndTime, Interval), **kwargs)


def edtf_level2() -> fields.String:
    """MU ``EDTFLevel2DateString`` (``thesis:thesis`` dates)."""
    kinds = (Date, Interval, Level1Interval, UncertainOrApproximate, OneOfASet, Level2Interval)
    return fields.String(validate=Edtf(*kinds))


class UniqueSchemes(fields.List):
    """MU ``fields/identifierset.py IdentifierSet``: one identifier per scheme."""

    default_error_messages = {"multiple_values": "Only one identifier per scheme is allowed."}  # noqa: RUF012

    def _validate(self, value: Any) -> None:
        schemes = [item["scheme"] for item in value]
        if len(schemes) != len(set(schemes)):
            raise self.make_error("multiple_values")


class UniqueIdentifiers(fields.List):
    """MU ``fields/identifierset.py IdentifierValueSet``: no duplicate (scheme, identifier)."""

    default_error_messages = {"multiple_values": "Duplicated identifier entry is not allowed."}  # noqa: RUF012

    def _validate(self, value: Any) -> None:
        pairs = [(item["scheme"], item["identifier"]) for item in value]
        if len(pairs) != len(set(pairs)):
            raise self.make_error("multiple_values")


# -- identifier schemes --------------------------------------------------------------------

Scheme = tuple[str, Callable[[str], Any]]  # (label, validator)


def _always(value: str) -> bool:
    return True


def _check(test: Callable[[str], Any], message: str | list[str]) -> Callable[[str], None]:
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


# -- vocabulary references -----------------------------------------------------------------


class VocabRef(Schema):
    """VOC ``services/schema.py VocabularyRelationSchema``: ``{id}``; an echoed ``title`` is dropped."""

    id = Text(required=True)

    @pre_load
    def drop_title(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k != "title"}
        return data


class _IdOrText(Schema):
    """VOC ``ContribVocabularyRelationSchema``: an ``id`` or a free-text field must be present."""

    free_text = ""
    error_key = ""

    id = Text()

    @validates_schema
    def id_or_text(self, data: Data, **kwargs: Any) -> None:
        if not data.get("id") and not data.get(self.free_text):
            message = f"An existing id or a free text {self.free_text} must be present."
            raise ValidationError(message, self.error_key)


class AffiliationRef(_IdOrText):
    """VOC ``contrib/affiliations/schema.py AffiliationRelationSchema`` (``identifiers`` is dump-only)."""

    free_text, error_key = "name", "affiliations"
    name = Text()


class FunderRef(_IdOrText):
    """VOC ``contrib/funders/schema.py FunderRelationSchema``."""

    free_text, error_key = "name", "funder"
    name = Text(validate=validate.Length(min=1, error="Name cannot be blank."))


class SubjectRef(_IdOrText):
    """VOC ``contrib/subjects/schema.py SubjectRelationSchema`` (unknown and dump-only keys excluded)."""

    class Meta:
        unknown = EXCLUDE

    free_text, error_key = "subject", "subjects"
    subject = Text()
    scheme = Text(dump_only=True)
    title = fields.Dict(dump_only=True)
    props = fields.Dict(dump_only=True)
    identifiers = UniqueSchemes(identifiers(SUBJECT_SCHEMES, required=False))
    synonyms = fields.List(Text(), dump_only=True)


# VOC services/schema.py i18n_strings
def i18n_strings() -> fields.Dict:
    return fields.Dict(keys=fields.Str(validate=validate.Regexp("^[a-z]{2}$")), values=Text())


class AwardRef(Schema):
    """VOC ``contrib/awards/schema.py AwardRelationSchema``."""

    id = Text()
    number = Text()
    title = i18n_strings()
    identifiers = UniqueSchemes(identifiers(AWARD_SCHEMES, required=False))
    acronym = Text()
    program = Text()

    @validates_schema
    def id_or_number(self, data: Data, **kwargs: Any) -> None:
        if not data.get("id") and not (data.get("number") or data.get("title")):
            raise ValidationError("An existing id or either number or title must be present.", "award")


# -- metadata (RR services/schemas/metadata.py) ------------------------------------------------

PERSON_TYPES = ["organizational", "personal"]
_PERSON_TYPE_MESSAGE = f"Invalid value. Choose one of {PERSON_TYPES}."


class PersonOrOrg(Schema):
    """RR ``PersonOrOrganizationSchema``: names checked by type, ``name`` computed for persons."""

    type = Text(
        required=True,
        validate=validate.OneOf(PERSON_TYPES, error=_PERSON_TYPE_MESSAGE),
        error_messages={"required": _PERSON_TYPE_MESSAGE},
    )
    name = Text()
    given_name = Text()
    family_name = Text()
    identifiers = UniqueSchemes(identifiers(PERSON_SCHEMES))

    @validates_schema
    def names(self, data: Data, **kwargs: Any) -> None:
        if data["type"] == "personal" and not data.get("family_name"):
            raise ValidationError({"family_name": ["Family name cannot be blank."]})
        if data["type"] == "organizational" and not data.get("name"):
            raise ValidationError({"name": ["Name cannot be blank."]})

    @post_load
    def fill_names(self, data: Data, **kwargs: Any) -> Data:
        if data["type"] == "personal":
            data["name"] = ", ".join(n for n in (data.get("family_name"), data.get("given_name")) if n)
        else:
            data.pop("family_name", None)
            data.pop("given_name", None)
        return data


def _no_duplicate_affiliations(data: Data) -> None:
    """RR ``validate_affiliations_data``."""
    affiliations = data.get("affiliations") or []
    names = {a.get("name", a.get("id")) for a in affiliations}
    if len(names) != len(affiliations):
        listed = ", ".join({n for n in names if n})
        raise ValidationError({"affiliations": ["Duplicated affiliations: " + listed]})


class Creator(Schema):
    """RR ``CreatorSchema`` (``ContributorSchema`` makes ``role`` required)."""

    person_or_org = fields.Nested(PersonOrOrg, required=True)
    role = fields.Nested(VocabRef)
    affiliations = fields.List(fields.Nested(AffiliationRef))

    @validates_schema
    def affiliations_unique(self, data: Data, **kwargs: Any) -> None:
        _no_duplicate_affiliations(data)


class Contributor(Creator):
    role = fields.Nested(VocabRef, required=True)


class AdditionalTitle(Schema):
    """RR ``TitleSchema``."""

    title = Text(required=True, validate=validate.Length(min=3))
    type = fields.Nested(VocabRef, required=True)
    lang = fields.Nested(VocabRef)


class AdditionalDescription(Schema):
    """RR ``DescriptionSchema``."""

    description = Html(required=True, validate=validate.Length(min=3))
    type = fields.Nested(VocabRef, required=True)
    lang = fields.Nested(VocabRef)


LOCALES = ("en",)  # zenodo-rdm invenio.cfg: BABEL_DEFAULT_LOCALE = "en", I18N_LANGUAGES = []


def _one_locale(value: Any, name: str) -> None:
    """RR ``locale_validation``."""
    if value:
        if len(value) > 1:
            raise ValidationError("Only one value is accepted.", name)
        if next(iter(value)) not in LOCALES:
            raise ValidationError("Not a valid locale.", name)


class Props(Schema):
    """RR ``PropsSchema``."""

    url = Text(validate=validate.URL(error="Not a valid URL."))
    scheme = Text()


class Right(Schema):
    """RR ``RightsSchema``: a license ``id`` xor a free-text title/description/link."""

    id = Text()
    title = fields.Dict()
    description = fields.Dict()
    icon = fields.Str(dump_only=True)
    props = fields.Nested(Props)
    link = Text(validate=validate.URL(error="Not a valid URL."))

    @validates("title")
    def title_locale(self, value: Any, **kwargs: Any) -> None:
        _one_locale(value, "title")

    @validates("description")
    def description_locale(self, value: Any, **kwargs: Any) -> None:
        _one_locale(value, "description")

    @validates_schema
    def id_xor_text(self, data: Data, **kwargs: Any) -> None:
        if not data.get("id") and not data.get("title"):
            raise ValidationError("An existing id or a free text title must be present", "rights")
        if data.get("id") and len(data) > 1:
            raise ValidationError(
                "Only an existing id or free text title/description/link is accepted,"
                " but not both cases at the same time",
                "rights",
            )


class DateEntry(Schema):
    """RR ``DateSchema``."""

    date = edtf_datetime(required=True)
    type = fields.Nested(VocabRef, required=True)
    description = Text()


class RelatedIdentifier(IdentifierSchema):
    """RR ``RelatedIdentifierSchema``: the record schemes plus a required ``relation_type``."""

    relation_type = fields.Nested(VocabRef)
    resource_type = fields.Nested(VocabRef)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(RECORD_SCHEMES, **kwargs)

    @validates_schema
    def relation_required(self, data: Data, **kwargs: Any) -> None:
        if not data.get("relation_type"):
            raise ValidationError({"relation_type": MISSING})


class Funding(Schema):
    """RR ``FundingSchema``."""

    funder = fields.Nested(FunderRef, required=True)
    award = fields.Nested(AwardRef)


class Reference(IdentifierSchema):
    """RR ``ReferenceSchema``: ``reference`` text, an optional identifier."""

    reference = Text(required=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(RECORD_SCHEMES, required=False, **kwargs)


class Point(Schema):
    """MU ``schemas/geojson.py PointSchema`` (only points: the emulator does not model the others)."""

    type = fields.Constant("Point")
    coordinates = fields.List(fields.Float(), required=True)


class Location(Schema):
    """RR ``LocationSchema``."""

    geometry = fields.Nested(Point)
    place = Text()
    identifiers = fields.List(identifiers(LOCATION_SCHEMES))
    description = Text()

    @validates_schema
    def not_empty(self, data: Data, **kwargs: Any) -> None:
        if not any(data.get(k) for k in ("geometry", "place", "identifiers", "description")):
            # the server's message, including the stray spaces of its line continuation
            raise ValidationError(
                {
                    "locations": "At least one of ['geometry', 'place',"
                    + " " * 17
                    + "identifiers', 'description'] must be present."
                }
            )


class Features(Schema):
    """RR ``FeatureSchema``."""

    features = fields.List(fields.Nested(Location))


class Metadata(Schema):
    """RR ``MetadataSchema``; unknown keys are errors ("Unknown field.") and are dropped."""

    resource_type = fields.Nested(VocabRef, required=True)
    creators = fields.List(
        fields.Nested(Creator), required=True, validate=validate.Length(min=1, error=MISSING)
    )
    title = Text(required=True, validate=validate.Length(min=3))
    additional_titles = fields.List(fields.Nested(AdditionalTitle))
    publisher = Text()
    publication_date = edtf_date()
    subjects = fields.List(fields.Nested(SubjectRef))
    contributors = fields.List(fields.Nested(Contributor))
    dates = fields.List(fields.Nested(DateEntry))
    languages = fields.List(fields.Nested(VocabRef))
    identifiers = UniqueIdentifiers(identifiers(RECORD_SCHEMES))
    related_identifiers = fields.List(fields.Nested(RelatedIdentifier))
    sizes = fields.List(Text(validate=validate.Length(min=1, error="Size cannot be a blank string.")))
    formats = fields.List(Text(validate=validate.Length(min=1, error="Format cannot be a blank string.")))
    version = Text(validate=validate.Length(max=191))
    rights = fields.List(fields.Nested(Right))
    copyright = Html(validate=validate.Length(min=1))
    description = Html(validate=validate.Length(min=3))
    additional_descriptions = fields.List(fields.Nested(AdditionalDescription))
    locations = fields.Nested(Features)
    funding = fields.List(fields.Nested(Funding))
    references = fields.List(fields.Nested(Reference))


# -- custom fields (zenodo-rdm site/zenodo_rdm/custom_fields/__init__.py) -----------------------


def _nested(spec: dict[str, fields.Field]) -> fields.Nested:
    return fields.Nested(Schema.from_dict(spec))


def custom_fields() -> dict[str, fields.Field]:
    """The custom fields Zenodo configures from invenio-rdm-records' contrib modules."""
    return {
        # RR contrib/codemeta/custom_fields.py
        # (35.0.0, the version Zenodo pins: URL only; the angle-bracket check came in 36)
        "code:codeRepository": Text(validate=validate.URL()),
        "code:programmingLanguage": fields.Nested(VocabRef, many=True),
        "code:developmentStatus": fields.Nested(VocabRef),
        # RR contrib/journal/custom_fields.py
        "journal:journal": _nested(
            {
                "title": Text(),
                "issue": Text(),
                "volume": Text(),
                "pages": Text(),
                "issn": Text(validate=_check(idutils.is_issn, "Please provide a valid ISSN.")),
            }
        ),
        # RR contrib/meeting/custom_fields.py
        "meeting:meeting": _nested(
            {
                "acronym": Text(),
                "dates": Text(),
                "place": Text(),
                "session_part": Text(),
                "session": Text(),
                "title": Text(),
                "url": Text(validate=validate.URL(error="You must provide a valid URL.")),
                "identifiers": UniqueIdentifiers(identifiers(RECORD_SCHEMES)),
            }
        ),
        # RR contrib/imprint/custom_fields.py
        "imprint:imprint": _nested(
            {
                "title": Text(),
                # its "validator_failed" message is a plain string, which the server's
                # marshmallow reports one character per message; the emulator does too
                "isbn": Text(validate=_check(idutils.is_isbn, list("Please provide a valid ISBN."))),
                "pages": Text(),
                "place": Text(),
                "edition": Text(),
            }
        ),
        # RR contrib/thesis/custom_fields.py
        "thesis:thesis": _nested(
            {
                "university": Text(),
                "department": Text(),
                "type": Text(),
                "date_submitted": edtf_level2(),
                "date_defended": edtf_level2(),
            }
        ),
    }


CustomFields = Schema.from_dict(custom_fields(), name="CustomFields")


class Record(Schema):
    """RR ``services/schemas/record.py RDMRecordSchema``, the parts the emulator loads with it.

    Unknown top-level keys are excluded silently; ``access``, ``pids``, ``files`` are handled
    by ``body.py``.
    """

    class Meta:
        unknown = EXCLUDE

    metadata = fields.Nested(Metadata)
    custom_fields = fields.Nested(CustomFields)
