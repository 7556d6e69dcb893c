"""The record schema the emulator loads request bodies with: metadata and the top-level record.

InvenioRDM validates a draft with marshmallow schemas and, on a save, keeps marshmallow's
``valid_data`` and reports the errors (lax loading). The emulator uses marshmallow too, so
that what is kept, what is dropped and the error paths follow from the same rules; the
schemas below are written for the emulator, each naming the server source it models:

- RR = inveniosoftware/invenio-rdm-records ``invenio_rdm_records/services/schemas/metadata.py``
  (and ``record.py``)
- MU = marshmallow-utils ``marshmallow_utils/``

Vocabulary ids are not checked here: the server checks them when the draft is committed,
after the schema (``validation.py`` does that from the vocabulary data files).
"""

from __future__ import annotations

from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates,
    validates_schema,
)

from zenodeploy.emulator.custom_fields import CustomFields
from zenodeploy.emulator.identifiers import (
    LOCATION_SCHEMES,
    PERSON_SCHEMES,
    RECORD_SCHEMES,
    IdentifierSchema,
    identifiers,
)
from zenodeploy.emulator.schema_fields import (
    MISSING,
    Data,
    Html,
    Text,
    UniqueIdentifiers,
    UniqueSchemes,
    edtf_date,
    edtf_datetime,
)
from zenodeploy.emulator.vocabulary_refs import AffiliationRef, AwardRef, FunderRef, SubjectRef, VocabRef

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


class Record(Schema):
    """RR ``services/schemas/record.py RDMRecordSchema``, the parts the emulator loads with it.

    Unknown top-level keys are excluded silently; ``access``, ``pids``, ``files`` are handled
    by ``body.py``.
    """

    class Meta:
        unknown = EXCLUDE

    metadata = fields.Nested(Metadata)
    custom_fields = fields.Nested(CustomFields)
