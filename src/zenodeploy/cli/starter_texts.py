"""The files of a starter project that ``zenodeploy init`` writes (the manifest is a ``str.format`` template)."""

MANIFEST_TEMPLATE = """\
# yaml-language-server: $schema={schema}
# What should exist on Zenodo, written down. Next steps:
#   zenodeploy validate zenodeploy.yaml   # offline check: schema, ORCIDs, licenses, files
#   zenodeploy render zenodeploy.yaml     # the metadata, files and description as they would be sent
#   zenodeploy plan zenodeploy.yaml       # what apply would change on the server (needs a token)
#   zenodeploy apply zenodeploy.yaml      # make it so (drafts only until publish: true)
version: 1
{server_line}# sandbox (for trials) | zenodo | local | https://… InvenioRDM URL
depositions:
{key_line}# stable name of this deposition here and in the lock file; keep it
    title: Title of the dataset  # what people will search for (at least 3 characters)
    resource_type: dataset       # dataset, software, publication-article, image-figure, …
    # version: "1.0.0"
    # publication_date: "2024-05-01"   # default: the day it is published
{license_line}# {license_title}
    creators:                    # in citation order; orcid and affiliations are optional
{creators}
    # keywords: [first keyword, second keyword]
    # related_identifiers:             # e.g. the paper this dataset supplements
    #   - {{identifier: 10.1234/example.5, relation: IsSupplementTo, resource_type: publication-article}}
    description:
      template: templates/description.md.j2   # Markdown + Jinja; see 'zenodeploy render'
    files:
      - path: "data/*"           # everything in data/ (globs; '**' is recursive)
        optional: true           # no error while the folder is empty
    publish: false               # drafts only; set true when the draft looks right
"""

DESCRIPTION_TEMPLATE = """\
{# The deposition's description: Markdown rendered by Jinja, then turned into the HTML Zenodo shows.
   Available: metadata (this deposition's fields), files, samples, vars, git, now. #}
{{ metadata.title }}
{{ "=" * (metadata.title | length) }}

Describe the data here: what was measured, how, and how to reuse it.

Files
-----

{% for file in files -%}
- `{{ file.name }}` ({{ file.size }} bytes, md5 `{{ file.md5 }}`)
{% else -%}
No files yet.
{% endfor %}
"""

DATA_README = """\
# Data

Put the files of this deposition in this folder; `files: [data/*]` in zenodeploy.yaml uploads
everything here (this README too — delete it or exclude it if you do not want it in the record).
"""
