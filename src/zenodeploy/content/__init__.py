"""Content: which local files go into a deposition. Globs, samples and their sidecars, selection
filters, deterministic archives, and md5 checksums with their cache.

Imports only the base modules (``errors``, ``model``, ``orcid``, ``vocabularies``)."""
