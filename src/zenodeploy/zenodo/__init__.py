"""Zenodo: the InvenioRDM/Zenodo HTTP client, the only package that imports requests.

Imports only ``errors`` from the base modules.

Typical use (``client``, ``servers``, ``upload`` modules)::

    client = ZenodoClient(base_url("sandbox"), resolve_token("sandbox", token_env=None, profile_token=None))
    draft = client.create_draft({"metadata": {...}})
    upload_file(client, draft["id"], "data.csv", path, md5=md5, size=size)
"""
