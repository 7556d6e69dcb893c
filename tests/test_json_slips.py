"""The hand-editing slips real .zenodo.json files have are read through with a located warning
that says Zenodo's GitHub integration would refuse the file; anything else stays a located error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zenodeploy.manifest import jsonpos
from zenodeploy.manifest.convert import convert

DATA = Path(__file__).parent / "data" / "zenodo_json"
REJECTED = "Zenodo's GitHub integration (json.loads) rejects the file and the release fails: fix it in the repository"


def _read(text: str) -> tuple[object, list[str]]:
    data, _, warnings = jsonpos.load(text, "f.json")
    return data, [w.format() for w in warnings]


def test_a_raw_line_break_or_tab_inside_a_string_is_kept_with_a_warning() -> None:
    text = '{"description": "line one\nline two",\n "title": "a\tb"}'
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)  # what Zenodo's GitHub integration does with the file
    data, warnings = _read(text)
    assert data == {"description": "line one\nline two", "title": "a\tb"}
    assert warnings == [
        f"f.json:1:26: description: warning: a raw line break (write \\n) inside a string; JSON allows none. {REJECTED}",
        f"f.json:3:13: title: warning: a raw tab (write \\t) inside a string; JSON allows none. {REJECTED}",
    ]


def test_a_string_not_closed_at_its_lines_end_before_a_new_member_ends_there() -> None:
    data, warnings = _read('{\n  "a": "x  \n  "b": "y",\n  "c": "z\n}')
    assert data == {"a": "x", "b": "y", "c": "z"}
    assert warnings == [
        f"f.json:2:10: a: warning: the string is not closed at the end of its line and a ',' is missing "
        f'before the key "b" (write \'",\'); taken as ending there. {REJECTED}',
        f"f.json:4:10: c: warning: the string is not closed at the end of its line (a '\"' is missing); "
        f"taken as ending there. {REJECTED}",
    ]


def test_a_missing_comma_before_a_member_or_an_item_on_the_next_line_is_supplied() -> None:
    data, warnings = _read('{"a": {"b": 1} "c": [1,\n 2\n "three"]}')
    assert data == {"a": {"b": 1}, "c": [1, 2, "three"]}
    assert warnings == [
        f"f.json:1:15: a: warning: a ',' is missing before the key \"c\". {REJECTED}",
        f"f.json:2:3: c[1]: warning: a ',' is missing before the next item (line 3). {REJECTED}",
    ]


def test_trailing_commas_and_duplicate_keys_are_warnings_and_the_last_duplicate_wins() -> None:
    data, warnings = _read('{"a": 1, "b": [1, 2, ], "a": 2,\n}')
    assert data == json.loads('{"a": 1, "b": [1, 2], "a": 2}') == {"a": 2, "b": [1, 2]}
    assert warnings == [
        f"f.json:1:20: b[1]: warning: trailing comma before ']'. {REJECTED}",
        "f.json:1:25: a: warning: duplicate key 'a': the last value is used, the earlier one is dropped "
        "(as Zenodo's reader, json.loads, does); remove the one you do not mean",
        f"f.json:1:31: a: warning: trailing comma before '}}'. {REJECTED}",
    ]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('{"a": 1 2}', "1:9: not valid JSON: expected ',' or '}' after the value of a"),
        ("[1 2]", "1:4: not valid JSON: expected ',' or ']' after item [0]"),
        ('{"a": 1 "b" 2}', "1:9: not valid JSON: expected ',' or '}' after the value of a"),
        ("{a: 1}", "1:2: not valid JSON: expected a key in double quotes"),
        ("{'a': 1}", "1:2: not valid JSON: expected a key in double quotes"),
        ('{"a": 1,, "b": 2}', "1:9: not valid JSON: expected a key in double quotes"),
        ('{"a": "x', "1:7: not valid JSON: a string is not closed before the end of its line"),
        ('{"a": "x\ny\n', "1:9: not valid JSON: a string is not closed before the end of its line"),
        ('{"a": "x\n"b" 1}', "1:9: not valid JSON: a string is not closed before the end of its line"),
        ('{"a": 1} // note', "1:10: not valid JSON: unexpected text after the JSON document"),
        ('{"a": "\\q"}', "1:8: not valid JSON: invalid \\escape"),
        ('{"a": 1', "1:8: not valid JSON: expected ',' or '}' after the value of a"),
    ],
)
def test_anything_else_malformed_stays_a_located_error(text: str, error: str) -> None:
    with pytest.raises(jsonpos.JsonError) as info:
        jsonpos.load(text, "f.json")
    assert info.value.finding.format() == f"f.json:{error}"


@pytest.mark.parametrize(
    ("name", "where", "slip"),
    [
        ("0rC0__WMHpypes.json", "4:66: creators[0].affiliation", "the string is not closed"),
        ("4DNucleome__PartSeg.json", "15:29: creators[2].name", "a ',' is missing before the key \"orcid\""),
    ],
)
def test_real_files_with_a_slip_convert_with_the_slip_located(name: str, where: str, slip: str) -> None:
    result = convert([DATA / name])
    assert not [f for f in result.findings if f.severity == "error"]
    slips = [f.format() for f in result.findings if REJECTED in f.message]
    assert len(slips) == 1 and slips[0].startswith(f"{DATA / name}:{where}: warning: {slip}")
    assert f"#   {DATA / name}:{where}: warning: {slip}" in result.text  # and in the manifest's comments


def test_a_byte_order_mark_is_no_error() -> None:
    data, _, warnings = jsonpos.load('\ufeff{"title": "T"}\n', "f.json")
    assert (data, warnings) == ({"title": "T"}, [])
