"""Marshmallow fields the emulator's schemas share: sanitised text and HTML, EDTF dates, identifier sets."""

from __future__ import annotations

import calendar
import threading
import warnings
from typing import Any

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
from marshmallow import ValidationError, fields
from pyparsing import ParseException

from zenodeploy.emulator.text import sanitize_html, sanitize_unicode

# MU = marshmallow-utils ``marshmallow_utils/``; RR = invenio-rdm-records ``invenio_rdm_records/``

Data = dict[str, Any]
MISSING = "Missing data for required field."


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
