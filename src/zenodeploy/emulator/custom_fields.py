"""Zenodo's custom fields (code, journal, meeting, imprint, thesis) and their schema."""

from __future__ import annotations

import idutils
from marshmallow import Schema, fields, validate

from zenodeploy.emulator.identifiers import RECORD_SCHEMES, check, identifiers
from zenodeploy.emulator.schema_fields import Text, UniqueIdentifiers, edtf_level2
from zenodeploy.emulator.vocabulary_refs import VocabRef

# The fields zenodo-rdm configures (site/zenodo_rdm/custom_fields/__init__.py), as
# RR = invenio-rdm-records ``invenio_rdm_records/contrib/*/custom_fields.py`` defines them.


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
                "issn": Text(validate=check(idutils.is_issn, "Please provide a valid ISSN.")),
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
                "isbn": Text(validate=check(idutils.is_isbn, list("Please provide a valid ISBN."))),
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
