"""Load record payloads with InvenioRDM's own ``RDMRecordSchema`` and print what it keeps.

Run as a script by an interpreter that has the ``conformance`` extra installed (it is not
imported by pytest, so InvenioRDM's imports and warnings stay out of the test process)::

    python tests/conformance/invenio_loader.py < payloads.json > loaded.json

stdin: a JSON list of request bodies. stdout: a JSON list, one ``{"data", "errors"}`` per
body: marshmallow's ``valid_data`` and the error list exactly as InvenioRDM's service builds
them for a draft save (``raise_errors=False``; invenio-records-resources
``services/records/schema.py ServiceSchemaWrapper.load`` and ``errors.py
validation_error_to_list_errors``).

The Flask app is bare: no database, no search, no vocabulary rows. It carries the
configuration the schema reads: invenio-config's defaults (``ALLOWED_HTML_TAGS``/``ATTRS``),
invenio-rdm-records' and invenio-vocabularies' module defaults (identifier schemes), the
locale Zenodo runs (``en`` only, zenodo-rdm ``invenio.cfg``) and Zenodo's custom fields from
invenio-rdm-records' contrib modules (zenodo-rdm ``site/zenodo_rdm/custom_fields/__init__.py``).
"""

from __future__ import annotations

import json
import sys
import warnings


def make_app():  # type: ignore[no-untyped-def]
    from flask import Flask
    from invenio_config import default as config_default
    from invenio_i18n import InvenioI18N
    from invenio_rdm_records import config as rdm_config
    from invenio_rdm_records.contrib.codemeta import CODEMETA_CUSTOM_FIELDS
    from invenio_rdm_records.contrib.imprint import IMPRINT_CUSTOM_FIELDS
    from invenio_rdm_records.contrib.journal import JOURNAL_CUSTOM_FIELDS
    from invenio_rdm_records.contrib.meeting import MEETING_CUSTOM_FIELDS
    from invenio_rdm_records.contrib.thesis import THESIS_CUSTOM_FIELDS
    from invenio_vocabularies import config as vocabularies_config

    app = Flask("conformance")
    for module in (config_default, rdm_config, vocabularies_config):
        app.config.from_object(module)
    app.config.update(
        BABEL_DEFAULT_LOCALE="en",
        I18N_LANGUAGES=[],
        RDM_CUSTOM_FIELDS=[
            *CODEMETA_CUSTOM_FIELDS,
            *JOURNAL_CUSTOM_FIELDS,
            *MEETING_CUSTOM_FIELDS,
            *IMPRINT_CUSTOM_FIELDS,
            *THESIS_CUSTOM_FIELDS,
        ],
    )
    InvenioI18N(app)
    return app


def main() -> int:
    warnings.simplefilter("ignore")
    from invenio_rdm_records.services.schemas import RDMRecordSchema
    from invenio_records_resources.errors import validation_error_to_list_errors
    from marshmallow import ValidationError
    from marshmallow_utils.context import context_schema

    payloads = json.load(sys.stdin)
    app = make_app()
    out = []
    with app.app_context(), app.test_request_context():
        for payload in payloads:
            token = context_schema.set({"identity": None})
            try:
                data, errors = RDMRecordSchema().load(payload), []
            except ValidationError as exc:
                data, errors = exc.valid_data, validation_error_to_list_errors(exc)
            except Exception as exc:  # a crash is a result too (edtf on '2020-21')
                data, errors = None, [{"field": "_crash", "messages": [f"{type(exc).__name__}: {exc}"]}]
            finally:
                context_schema.reset(token)
            out.append({"data": data, "errors": errors})
    json.dump(out, sys.stdout, default=str, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
