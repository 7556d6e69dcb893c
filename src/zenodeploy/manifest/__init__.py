"""Manifest: the YAML file to validated data. Line-aware loading, the JSON Schema, offline checks
(vocabularies, ORCID, EDTF, identifiers), the user's profile, CITATION.cff, and the translation of
manifest metadata into the InvenioRDM record shape.

May import ``describe`` (templated fields) and ``content`` (sample sidecars), and the base modules."""
