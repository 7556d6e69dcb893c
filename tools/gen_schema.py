"""Write schemas/zenodeploy.schema.json (and its packaged copy) from this readable source.

The JSON file is what users, editors and the package read; this script is how we edit it
without hand-balancing braces. Run: python tools/gen_schema.py

Alternatives are ``anyOf``, never ``oneOf``: every alternative here differs in JSON type
(string or object, …), so they cannot both match, and ``anyOf`` stops at the first match
where ``oneOf`` must try them all (validation of 1,000 depositions: 0.62 s → 0.40 s).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from zenodeploy.manifest.citation import FIELDS

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_ID = "https://zenodeploy.github.io/schema/v1/zenodeploy.schema.json"


def s(title: str, description: str, **kw: Any) -> dict[str, Any]:
    return {"title": title, "description": description, **kw}


def string(title: str, description: str, **kw: Any) -> dict[str, Any]:
    return s(title, description, type="string", **kw)


def array(title: str, description: str, items: dict[str, Any], **kw: Any) -> dict[str, Any]:
    return s(title, description, type="array", items=items, **kw)


def obj(
    title: str, description: str, props: dict[str, Any], required: list[str] | None = None, **kw: Any
) -> dict[str, Any]:
    out = s(title, description, type="object", properties=props, additionalProperties=False, **kw)
    if required:
        out["required"] = required
    return out


EDTF = string(
    "Date (EDTF)",
    "An EDTF level-0 date or interval: YYYY, YYYY-MM, YYYY-MM-DD, or two of them joined by '/'.",
    examples=["2024-05-01", "2024", "2020-01/2021-06"],
)
ORCID = string(
    "ORCID",
    "The person's ORCID iD (0000-0002-1825-0097); a https://orcid.org/ URL is accepted. The check digit is verified.",
    pattern=r"^(https?://orcid\.org/)?[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$",
)
ROR = string(
    "ROR id",
    "A Research Organization Registry id such as 03yrm5c26 (a https://ror.org/ URL is accepted).",
    pattern=r"^(https?://ror\.org/)?0[a-z0-9]{6}[0-9]{2}$",
)

AFFILIATION = s(
    "Affiliation",
    "An affiliation by name, or an object with a ROR id and/or a name.",
    anyOf=[
        string("Affiliation name", "The organisation's name, as it should appear.", minLength=1),
        obj(
            "Affiliation",
            "An organisation identified by ROR id, name, or both.",
            {
                "name": string("Name", "The organisation's name.", minLength=1),
                "ror": ROR,
            },
            minProperties=1,
        ),
    ],
)


def person(kind: str) -> dict[str, Any]:
    role_desc = (
        "The contributor's role, an id of the InvenioRDM role vocabulary (e.g. datacurator, supervisor). Required for contributors."
        if kind == "contributor"
        else "Optional role of the creator, an id of the InvenioRDM role vocabulary."
    )
    return obj(
        kind.capitalize(),
        f"A {kind}: a person (family and given name) or an organisation (name).",
        {
            "type": string(
                "Type",
                "personal (a person, the default when family is given) or organizational.",
                enum=["personal", "organizational"],
            ),
            "family": string("Family name", "A person's family name.", minLength=1),
            "given": string("Given names", "A person's given names.", minLength=1),
            "name": string(
                "Organisation name", "The name of an organisation (type: organizational).", minLength=1
            ),
            "orcid": ORCID,
            "ror": ROR,
            "affiliations": array(
                "Affiliations", "One or more affiliations, by name or ROR id.", AFFILIATION, minItems=1
            ),
            "role": string("Role", role_desc, minLength=1),
        },
    )


LICENSE_ID = string(
    "License", "A license id of Zenodo's license vocabulary, e.g. cc-by-4.0, cc0-1.0, mit.", minLength=1
)

RELATED = obj(
    "Related identifier",
    "A link to a related work, such as the paper this dataset supplements.",
    {
        "identifier": string("Identifier", "The identifier: a DOI, URL, arXiv id, ISBN, …", minLength=1),
        "scheme": string(
            "Scheme", "The identifier scheme (doi, url, arxiv, isbn, …); detected when omitted."
        ),
        "relation": string(
            "Relation",
            "The relation type, e.g. IsSupplementTo, References, IsDerivedFrom (DataCite name or InvenioRDM id).",
            minLength=1,
        ),
        "resource_type": string(
            "Resource type", "The related work's resource type id, e.g. publication-article."
        ),
    },
    required=["identifier", "relation"],
)

FILE_ENTRY = s(
    "File entry",
    "A path or glob relative to the manifest's folder ('**' is recursive), or an object with options.",
    anyOf=[
        string("Path or glob", "Files to include, e.g. data/*.csv or README.md.", minLength=1),
        obj(
            "File selection",
            "A glob with options: exclusions, a remote name template, packing.",
            {
                "path": string("Path or glob", "A path, folder or glob relative to 'from'.", minLength=1),
                "from": string(
                    "Relative to",
                    "The folder the glob and the remote names are relative to (default: the manifest's folder).",
                ),
                "exclude": s(
                    "Exclude",
                    "Glob(s) of files to leave out.",
                    anyOf=[
                        string("Exclude glob", "A glob to leave out."),
                        array("Exclude globs", "Globs to leave out.", {"type": "string"}),
                    ],
                ),
                "as": string(
                    "Remote name",
                    "Remote-name template with {path}, {name}, {stem}, {ext}, {parent}, e.g. tables/{name}.",
                ),
                "optional": s(
                    "Optional", "When true, a glob matching nothing is not an error.", type="boolean"
                ),
                "zip": string(
                    "Zip into",
                    "Pack everything this entry selects into one deterministic archive with this remote name.",
                    pattern=r"\.zip$",
                ),
            },
            required=["path"],
        ),
    ],
)

SAMPLE_SOURCE = obj(
    "Sample source",
    "Where sample folders are found and what each contributes.",
    {
        "path": string(
            "Sample folders",
            "A glob of sample folders relative to the manifest's folder, e.g. compounds/*.",
            minLength=1,
        ),
        "metadata": string(
            "Sidecar file",
            "The metadata file in each sample folder (default: sample.yaml, sample.yml or sample.json).",
        ),
        "files": array(
            "Sample file patterns",
            "Globs relative to each sample folder whose files go in, e.g. spectra/*.jdx.",
            {"type": "string"},
        ),
    },
    required=["path"],
)

ELN_SOURCE = obj(
    "Lab notebook export",
    "Samples read from a lab notebook's .eln export (an RO-Crate zip) or an unpacked crate folder: "
    "each Dataset the export lists at its top is a sample, its files are the ones it links.",
    {
        "eln": string(
            "Export",
            "A .eln file or an unpacked RO-Crate folder, relative to the manifest's folder, e.g. exports/2025-09.eln.",
            minLength=1,
        ),
        "files": {
            **SAMPLE_SOURCE["properties"]["files"],
            "description": "Globs relative to each sample's folder in the export whose files go in, e.g. **/*.csv.",
        },
    },
    required=["eln"],
)

ANY_SOURCE = s(
    "Sample source",
    "Sample folders with sidecar metadata (path), or a lab notebook export (eln).",
    anyOf=[SAMPLE_SOURCE, ELN_SOURCE],
)

SAMPLES_SELECTION = obj(
    "Samples",
    "Which samples go into this deposition; their linked files go in too.",
    {
        "from": s(
            "Source",
            "The name of a source under the top-level 'samples', or an inline source.",
            anyOf=[string("Source name", "A name under the top-level 'samples'."), SAMPLE_SOURCE, ELN_SOURCE],
        ),
        "where": s(
            "Where",
            "Select by metadata: a value (equality), a list (one of), or {exists: true|false}. Dotted keys reach nested metadata.",
            type="object",
            additionalProperties={
                "anyOf": [
                    {"type": ["string", "number", "boolean", "null"]},
                    {"type": "array", "items": {"type": ["string", "number", "boolean"]}},
                    {
                        "type": "object",
                        "properties": {
                            "exists": s(
                                "Exists",
                                "true: the key must be present; false: it must be absent.",
                                type="boolean",
                            )
                        },
                        "required": ["exists"],
                        "additionalProperties": False,
                    },
                ]
            },
        ),
        "include": array("Include", "Sample names that always go in.", {"type": "string"}),
        "exclude": array("Exclude", "Sample names that never go in.", {"type": "string"}),
        "files": array("Files", "Override the source's per-sample file patterns.", {"type": "string"}),
    },
    required=["from"],
)

DESCRIPTION = s(
    "Description",
    "Inline Markdown (a Jinja template), or a template file with variables. Rendered to the HTML Zenodo stores.",
    anyOf=[
        string(
            "Markdown",
            "Inline Markdown; Jinja expressions such as {{ samples | length }} are rendered.",
            minLength=1,
        ),
        obj(
            "Template",
            "A Jinja template file rendered to Markdown.",
            {
                "template": string(
                    "Template",
                    "A path relative to the manifest's folder, or builtin:nmr-study for the starter template.",
                    minLength=1,
                ),
                "vars": s(
                    "Variables", "Extra template variables (merged over the top-level vars).", type="object"
                ),
            },
            required=["template"],
        ),
    ],
)

ACCESS = obj(
    "Access",
    "Who can see the record and its files; embargo.",
    {
        "record": string("Record access", "Zenodo only allows public records.", enum=["public"]),
        "files": string("Files access", "public (default) or restricted.", enum=["public", "restricted"]),
        "embargo": obj(
            "Embargo",
            "Files stay restricted until the date.",
            {
                "until": s(
                    "Until",
                    "The date the embargo lifts (YYYY-MM-DD, in the future).",
                    type="string",
                    format="date",
                ),
                "reason": string("Reason", "Why the files are embargoed."),
            },
            required=["until"],
        ),
    },
)

FUNDING = obj(
    "Funding",
    "A funder and optionally the award.",
    {
        "funder": s(
            "Funder",
            "The funder's ROR id (e.g. 00k4n6c32 for the European Commission) or {id, name}.",
            anyOf=[
                string("Funder id", "A ROR id or funder name."),
                obj(
                    "Funder",
                    "A funder by id or name.",
                    {"id": string("Id", "ROR id."), "name": string("Name", "Funder name.")},
                    minProperties=1,
                ),
            ],
        ),
        "award": s(
            "Award",
            "An award id from Zenodo's award vocabulary, or {number, title, url} for an award not listed.",
            anyOf=[
                string("Award id", "A vocabulary award id such as 00k4n6c32::101000000."),
                obj(
                    "Award",
                    "A custom award.",
                    {
                        "id": string("Id", "A vocabulary award id."),
                        "number": string("Number", "The grant number."),
                        "title": string("Title", "The award's title."),
                        "url": string("URL", "A web page for the award.", format="uri"),
                    },
                    minProperties=1,
                ),
            ],
        ),
    },
    required=["funder"],
)


CITABLE = FIELDS  # every metadata field a CITATION.cff or .zenodo.json can fill
OBJECT_FIELDS = ("description", "access", "journal", "meeting", "thesis", "imprint", "custom_fields")
SOURCE_FILE = string(
    "Source file",
    "Path of a CITATION.cff or .zenodo.json file (any *.json is read as .zenodo.json), relative to the manifest's folder.",
    minLength=1,
    examples=["CITATION.cff", ".zenodo.json"],
)


def from_citation(field: dict[str, Any], name: str) -> dict[str, Any]:
    """``field`` or ``{from: CITATION.cff | .zenodo.json}`` (the mapping is in docs/citation-cff.md)."""
    props: dict[str, Any] = {"from": SOURCE_FILE}
    if name == "related_identifiers":
        props["relation"] = string(
            "Relation",
            "The relation given to every identifier taken from a CITATION.cff (default IsSupplementTo).",
            minLength=1,
        )
    source = obj(
        "From a metadata file",
        f"Take {name} from a CITATION.cff or .zenodo.json file (see docs/citation-cff.md for the mapping).",
        props,
        required=["from"],
    )
    # if/then/else rather than oneOf: a wrong value gets the field's own message ("must be an
    # array"), not "must be one of these kinds: array, object". A field that is itself an object
    # is a source only when it has 'from'.
    when = {"type": "object", "required": ["from"]} if name in OBJECT_FIELDS else {"type": "object"}
    return s(
        field["title"],
        field["description"] + " Or {from: CITATION.cff} / {from: .zenodo.json} to read it from that file.",
        **{"if": when, "then": source, "else": field},
    )


def metadata_props() -> dict[str, Any]:
    props = {
        "title": string("Title", "The deposition's title (at least 3 characters).", minLength=1),
        "description": DESCRIPTION,
        "resource_type": string(
            "Resource type",
            "An InvenioRDM resource type id: dataset, software, publication-article, image-figure, …",
            minLength=1,
        ),
        "publication_date": EDTF
        | {
            "title": "Publication date",
            "description": "EDTF date (YYYY, YYYY-MM, YYYY-MM-DD or an interval). Defaults to today on Zenodo.",
        },
        "version": string(
            "Version", "The version of the resource, e.g. 1.2.0 (at most 191 characters).", maxLength=191
        ),
        "publisher": string("Publisher", "The publisher, needed for the DOI (default Zenodo).", minLength=1),
        "license": LICENSE_ID,
        "licenses": array("Licenses", "Several license ids; use 'license' for one.", LICENSE_ID, minItems=1),
        "creators": array(
            "Creators",
            "The authors, in citation order. At least one.",
            s(
                "Creator",
                "A person or organisation, {from: samples} for the authors of the selected samples, "
                "or {from: git} for the authors of the checkout's git history.",
                anyOf=[
                    person("creator"),
                    obj(
                        "Authors from the samples or the git history",
                        "samples: the authors of the selected samples (from a lab notebook export's Person "
                        "nodes, with ORCIDs), in sample order, each once; an error if they have none. git: "
                        "the authors of the git history of the checkout holding the manifest, as Zenodo's "
                        "GitHub integration takes a repository's contributors: by number of commits (git "
                        "shortlog, .mailmap applied), the first 30, bots left out, each a person named as "
                        "in git; an error outside a git checkout.",
                        {
                            "from": s(
                                "From",
                                "samples (the selected samples' authors) or git (the checkout's authors).",
                                type="string",
                                enum=["samples", "git"],
                            )
                        },
                        required=["from"],
                    ),
                ],
            ),
            minItems=1,
        ),
        "contributors": array(
            "Contributors", "Other people or organisations, each with a role.", person("contributor")
        ),
        "keywords": array("Keywords", "Free-text keywords.", {"type": "string", "minLength": 1}),
        "subjects": array(
            "Subjects",
            "Controlled subjects: an id from a subject vocabulary, or {subject} text.",
            s(
                "Subject",
                "A subject id or text.",
                anyOf=[
                    string("Subject id", "A subject vocabulary id (e.g. from FOS or MeSH)."),
                    obj(
                        "Subject",
                        "A subject term.",
                        {
                            "id": string("Id", "Vocabulary id."),
                            "subject": string("Subject", "Free-text subject."),
                            "scheme": string("Scheme", "The subject scheme."),
                        },
                        minProperties=1,
                    ),
                ],
            ),
        ),
        "languages": array(
            "Languages",
            "ISO 639-3 (or 639-1) language codes, e.g. eng, de.",
            {"type": "string", "minLength": 2, "maxLength": 3},
        ),
        "related_identifiers": array(
            "Related identifiers", "Links to related works, e.g. IsSupplementTo a paper's DOI.", RELATED
        ),
        "funding": array("Funding", "Funders and awards.", FUNDING),
        "references": array(
            "References",
            "Bibliographic references, as text or {reference, identifier, scheme}.",
            s(
                "Reference",
                "A reference.",
                anyOf=[
                    string("Reference", "A formatted reference.", minLength=1),
                    obj(
                        "Reference",
                        "A reference with an identifier.",
                        {
                            "reference": string("Reference", "The formatted reference."),
                            "identifier": string("Identifier", "Its identifier."),
                            "scheme": string("Scheme", "The identifier scheme."),
                        },
                        required=["reference"],
                    ),
                ],
            ),
        ),
        "dates": array(
            "Dates",
            "Other dates, each with a type (collected, created, valid, …).",
            obj(
                "Date",
                "A dated event.",
                {
                    "date": EDTF | {"title": "Date", "description": "An EDTF date or interval."},
                    "type": string(
                        "Type",
                        "A date type id: accepted, available, collected, copyrighted, created, issued, other, submitted, updated, valid, withdrawn.",
                    ),
                    "description": string("Description", "Free text about the date."),
                },
                required=["date", "type"],
            ),
        ),
        "locations": array(
            "Locations",
            "Places the data relates to.",
            obj(
                "Location",
                "A place, optionally with coordinates.",
                {
                    "place": string("Place", "The place's name.", minLength=1),
                    "description": string("Description", "Free text."),
                    "lat": s("Latitude", "Degrees north.", type="number", minimum=-90, maximum=90),
                    "lon": s("Longitude", "Degrees east.", type="number", minimum=-180, maximum=180),
                },
                required=["place"],
            ),
        ),
        "notes": string(
            "Notes", "Additional notes (Markdown), stored as an additional description of type notes."
        ),
        "method": string(
            "Method", "Methods (Markdown), stored as an additional description of type methods."
        ),
        "access": ACCESS,
        "communities": array(
            "Communities",
            "Community slugs to request inclusion in (review request on first publish).",
            {"type": "string", "minLength": 1},
        ),
        "journal": obj(
            "Journal",
            "Zenodo's journal custom field.",
            {
                "title": string("Title", "Journal title."),
                "volume": string("Volume", "Volume."),
                "issue": string("Issue", "Issue."),
                "pages": string("Pages", "Pages."),
                "issn": string("ISSN", "ISSN."),
            },
        ),
        "meeting": obj(
            "Conference",
            "Zenodo's meeting (conference) custom field.",
            {
                "title": string("Title", "Conference title."),
                "acronym": string("Acronym", "Acronym."),
                "dates": string("Dates", "Dates as text, e.g. 1-4 May 2024."),
                "place": string("Place", "Place."),
                "url": string("URL", "Conference web page.", format="uri"),
                "session": string("Session", "Session."),
                "session_part": string("Session part", "Part of the session."),
            },
        ),
        "thesis": obj(
            "Thesis",
            "Zenodo's thesis custom field (thesis:thesis).",
            {
                "university": string("University", "Awarding university."),
                "department": string("Department", "Department or faculty."),
                "type": string("Type", "Thesis type, e.g. PhD."),
                "date_submitted": string(
                    "Date submitted", "When the thesis was submitted (EDTF, e.g. 2024-03)."
                ),
                "date_defended": string(
                    "Date defended", "When the thesis was defended (EDTF, e.g. 2024-05-17)."
                ),
            },
        ),
        "imprint": obj(
            "Imprint",
            "Zenodo's imprint custom field (book chapters and reports).",
            {
                "title": string("Title", "Title of the book or report this is part of."),
                "isbn": string("ISBN", "ISBN."),
                "place": string("Place", "Place of publication."),
                "pages": string("Pages", "Pages."),
            },
        ),
        "software": obj(
            "Software",
            "Zenodo's software custom fields.",
            {
                "repository": string(
                    "Repository", "URL of the code repository (code:codeRepository).", format="uri"
                ),
                "language": s(
                    "Programming languages",
                    "Programming language(s) (code:programmingLanguage): names or ids of Zenodo's "
                    "codemeta vocabulary, e.g. Python, Jupyter Notebook, objective_c.",
                    anyOf=[{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                ),
                "status": string("Development status", "code:developmentStatus, e.g. active, wip, concept."),
            },
        ),
        "custom_fields": s(
            "Custom fields",
            "Raw InvenioRDM custom fields passed through unchanged (e.g. dwc:basisOfRecord).",
            type="object",
        ),
    }
    for name in CITABLE:
        props[name] = from_citation(props[name], name)
    return props


def deposition_props() -> dict[str, Any]:
    return {
        "key": string(
            "Key",
            "A stable, unique slug (lower-case letters, digits, dots, underscores, hyphens) naming this deposition in the manifest and the lock file.",
            pattern=r"^[a-z0-9][a-z0-9._-]*$",
            maxLength=100,
        ),
        "record": s(
            "Record pin",
            "Tie this deposition to an existing record: a record id, a concept id, or a DOI; or a map of server to pin.",
            anyOf=[
                {"type": "string", "minLength": 1},
                {"type": "integer", "minimum": 1},
                {
                    "type": "object",
                    "additionalProperties": {"type": ["string", "integer"]},
                    "propertyNames": {"type": "string"},
                },
            ],
        ),
        "from": s(
            "From metadata files",
            "Take every metadata field these files give (CITATION.cff, .zenodo.json); fields written here win, and an earlier file wins over a later one.",
            anyOf=[SOURCE_FILE, {"type": "array", "items": SOURCE_FILE, "minItems": 1}],
        ),
        **metadata_props(),
        "files": array(
            "Files",
            "Files to upload: paths or globs relative to the manifest, or objects with options.",
            FILE_ENTRY,
        ),
        "samples": SAMPLES_SELECTION,
        "pack": string(
            "Pack",
            "How sample files are packed: none (each file), per-sample (one zip each) or single (one zip).",
            enum=["none", "per-sample", "single"],
        ),
        "allow_outside": s("Allow outside", "Allow files outside the manifest's folder.", type="boolean"),
        "publish": s(
            "Publish",
            "Publish the deposition when it differs from Zenodo (default false: drafts only).",
            type="boolean",
        ),
        "keep_on_server": array(
            "Kept on the server",
            "Parts of the record this manifest leaves as they are on the server: 'files' (never "
            "uploaded, deleted or versioned from here) and record fields by their InvenioRDM names "
            "(additional_descriptions, custom_fields.NAME, …). 'zenodeploy import' writes it for "
            "what the manifest cannot express.",
            {"type": "string", "minLength": 1},
            uniqueItems=True,
        ),
        "on_published": string(
            "When published",
            "What to do when the record is published and the manifest differs: new-version (a new version when files or the version changed; other metadata edits the record), edit (always edit the published version; files cannot change), or fail.",
            enum=["new-version", "edit", "fail"],
        ),
    }


def build() -> dict[str, Any]:
    dep = deposition_props()
    defaults = {k: v for k, v in dep.items() if k not in ("key", "record")}
    for_each = {
        "for_each": string(
            "For each",
            "A glob of folders; this entry expands into one deposition per folder. Strings are Jinja templates with item.name, item.path and item.meta.",
            minLength=1,
        ),
        "metadata": string(
            "Folder sidecar",
            "A metadata file read from each folder as item.meta (e.g. study.yaml).",
            minLength=1,
        ),
        **{k: v for k, v in dep.items()},
    }
    for_each["key"] = string(
        "Key template",
        "A Jinja template giving each expanded deposition a unique key, e.g. study-{{ item.name }}.",
        minLength=1,
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "zenodeploy manifest",
        "description": "Zenodo depositions described as code: metadata, files, samples and descriptions. Version 1.",
        "type": "object",
        "additionalProperties": False,
        "required": ["version", "depositions"],
        "properties": {
            "$schema": string("Schema", "The JSON Schema this file follows (editors use it)."),
            "version": s("Format version", "The manifest format version; always 1.", const=1),
            "server": string(
                "Server",
                "sandbox (default), zenodo, local (the built-in emulator) or an https:// InvenioRDM base URL.",
                pattern=r"^(sandbox|zenodo|local|https://[^\s/]+(/[^\s]*)?)$",
            ),
            "allow_outside": s(
                "Allow outside",
                "Allow every deposition's files to come from outside the manifest's folder.",
                type="boolean",
            ),
            "vars": s("Variables", "Variables for every template (vars.NAME).", type="object"),
            "env": array(
                "Environment",
                "Environment variable names templates may read (env.NAME); no others are visible.",
                {"type": "string", "pattern": r"^[A-Za-z_][A-Za-z0-9_]*$"},
            ),
            "samples": s(
                "Sample sources",
                "Named sources of sample folders, selected per deposition with samples.from.",
                type="object",
                additionalProperties=ANY_SOURCE,
                propertyNames={"pattern": r"^[A-Za-z0-9_.-]+$"},
            ),
            "defaults": obj(
                "Defaults", "Metadata merged into every deposition (the deposition wins).", defaults
            ),
            "depositions": array(
                "Depositions",
                "The depositions this manifest manages.",
                {
                    "if": {"type": "object", "required": ["for_each"]},
                    "then": {"$ref": "#/$defs/for_each"},
                    "else": {"$ref": "#/$defs/deposition"},
                },
                minItems=1,
            ),
        },
        "$defs": {
            "deposition": obj(
                "Deposition", "One Zenodo record managed by this manifest.", dep, required=["key"]
            ),
            "for_each": obj(
                "For each",
                "A deposition template expanded once per matching folder.",
                for_each,
                required=["for_each", "key"],
            ),
        },
    }


def main() -> None:
    text = json.dumps(build(), indent=2, ensure_ascii=False) + "\n"
    for path in (
        ROOT / "schemas/zenodeploy.schema.json",
        ROOT / "src/zenodeploy/schemas/zenodeploy.schema.json",
    ):
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
