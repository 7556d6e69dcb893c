"""A local InvenioRDM/Zenodo-compatible server for trials, tests and benchmarks.

``start(data_dir)`` returns a running ``Emulator`` (a context manager with ``.url``);
``zenodeploy emulator`` serves one from the command line. ``LOCAL_TOKEN`` is accepted by
default as the user "local". Admin endpoints live under ``/api/_emulator/`` (stats, faults,
communities, access grants, deciding community requests), need the emulator's admin token
(``Authorization: Bearer <Emulator.admin_token>``; the ``Emulator`` methods work in-process and
need none), and are neither rate-limited nor counted in the stats.

Behaviours the emulator settles where InvenioRDM's REST API documentation is silent or
unconfirmed:

- ``Accept: application/json`` gets RDM JSON too (Zenodo serves a legacy shape there).
- Draft saves answer 200/201 with ``errors`` and store only the valid fields; missing
  required fields and "no files yet" are reported on every save. Unknown keys inside
  ``metadata`` are dropped; unknown top-level keys are a 400 ("Unknown field.").
  Unknown vocabulary ids are a 400 ``"Invalid value <id>."`` at create/update.
- ``publisher`` is only checked at publish ("Missing publisher field required for DOI
  registration."); pending (uncommitted) files block publishing (``files.entries``).
- New-version drafts copy the metadata without ``version`` and with today's
  ``publication_date``, and start with no files. An edit draft of a published record has
  the record's files, locked: adding or deleting answers 403 "Bucket is locked for
  modifications.".
- Committing an empty file is a 400; more than ``max_files`` (100) entries is a 400; a body
  over the bucket's limit (quota left or ``max_file_size``, 50 GB each as on Zenodo) is a 400
  "Bucket quota exceeded." / "Maximum file size exceeded."; a content PUT whose body ends
  early, or on a committed file, removes the entry and answers 200 with ``errors``. A body
  longer than its Content-Length (bytes past it already waiting, not a request line), or a
  chunked one longer than the ``size`` declared at init, is a 400 "File is bigger than
  expected." and the connection is closed; ``bytes_received`` counts body bytes read.
- ``files.default_preview`` is reset by every draft PUT that does not send it.
- ``GET /api/records/{parent id}`` redirects (302) to the latest published version.
- Ids are integers from one sequence shared by parents and records (the parent id is
  the record id minus one for a first version, as on Zenodo); DOIs are ``10.5072/zenodo.<id>``.
- The rate-limit headers are only sent when a limit is configured (default: off); limits
  are Flask-Limiter lists ("5000 per hour;100 per minute"), presets ``zenodo``, ``documented``.
- Communities have a UUID and a slug; reviews name the UUID; an open review policy lets
  curators include directly. ``/api/user/records`` includes records shared with the user.
- Affiliations given by a known ROR id are read back with ROR's name (``ror.py``).
- ``/api/user/records`` hides superseded versions unless ``allversions`` is true, shows
  the draft of a record that has one, and is immediately consistent.
- Search ``q``: free words over title, description, subjects; ``field.path:"value"`` exact;
  ``field.path:(a OR b)`` any of the values.
"""

from __future__ import annotations

from zenodeploy.emulator.server import LOCAL_TOKEN, Emulator, start

__all__ = ["LOCAL_TOKEN", "Emulator", "start"]
