"""Describe: the text of a record. The one sandboxed Jinja environment and its template context,
Markdown to HTML, the HTML policy Zenodo stores descriptions under, and the local preview page.

Imports only the base modules (``errors``, ``model``, ``vocabularies``)."""
