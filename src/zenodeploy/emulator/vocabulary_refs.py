"""References to vocabulary entries (resource types, affiliations, funders, awards, subjects) in a record."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate, validates_schema

from zenodeploy.emulator.identifiers import AWARD_SCHEMES, SUBJECT_SCHEMES, identifiers
from zenodeploy.emulator.schema_fields import Data, Text, UniqueSchemes

# VOC = invenio-vocabularies ``invenio_vocabularies/`` (``services/schema.py``,
# ``contrib/{affiliations,funders,awards,subjects}/schema.py``)


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
