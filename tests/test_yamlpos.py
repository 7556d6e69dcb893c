"""YAML loading with positions: the same data as PyYAML's safe loader (dates kept as text)."""

from __future__ import annotations

import pytest
import yaml

from zenodeploy.manifest.yamlpos import YamlError, load
from zenodeploy.manifest.yamlsyntax import syntax_finding

SAMPLE = """\
plain: text
int: 42
neg: -7
float: 1.5
exp: 1e3
octal: 0o17
bools: [true, False, yes, no, on, off]
nulls: [~, null, ]
quoted: ["1", '2', "true"]
block: |
  line one
  line two
folded: >
  a
  b
base: &base {a: 1, b: 2}
merged:
  <<: *base
  b: 3
alias: *base
list_merge:
  <<: [{x: 1}, {y: 2}]
tagged: !!str 123
empty_key: {"": 1}
nested: {a: [1, {b: [2, 3]}]}
"""


def test_same_data_as_pyyaml_safe_load() -> None:
    data, _, findings = load(SAMPLE, "m.yaml")
    assert data == yaml.safe_load(SAMPLE)
    assert findings == []


def test_dates_stay_text() -> None:
    data, _, _ = load("d: 2024-05-01\nt: 2024-05-01T10:00:00Z\n", "m.yaml")
    assert data == {"d": "2024-05-01", "t": "2024-05-01T10:00:00Z"}


def test_positions_point_at_values_and_keys() -> None:
    _, positions, _ = load(SAMPLE, "m.yaml")
    assert positions.values[("int",)] == (2, 6)
    assert positions.keys[("merged", "b")] == (19, 3)
    assert positions.values[("nested", "a", 1, "b", 0)] == (25, 22)


def test_duplicate_keys_are_findings_with_the_first_line() -> None:
    _, _, findings = load("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n", "m.yaml")
    assert [(f.line, f.path) for f in findings] == [(4, "b.c"), (5, "a")]
    assert "first defined on line 3" in findings[0].message


def test_empty_document_is_none() -> None:
    assert load("# nothing\n", "m.yaml")[0] is None


@pytest.mark.parametrize(
    ("text", "fragment", "line"),
    [
        ("a: 1\n---\nb: 2\n", "second YAML document", 2),
        ("a: !custom 1\n", "could not determine a constructor", 1),
        ("a: *nope\n", "unknown alias", 1),
        ("a: [1, 2\n", "a [ opened here is never closed", 1),  # where it opens, not at the end
        ("a: [1, 2\nb: 3\n", "a [ opened at line 1, column 4 is not closed", 2),
    ],
)
def test_errors_name_the_line(text: str, fragment: str, line: int) -> None:
    with pytest.raises(YamlError) as caught:
        load(text, "m.yaml")
    assert fragment in caught.value.finding.message and caught.value.finding.line == line


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
@pytest.mark.parametrize("loader", [yaml.SafeLoader, yaml.CSafeLoader], ids=["python", "libyaml"])
def test_an_unclosed_quote_is_placed_where_it_opens_with_either_parser(
    loader: type[yaml.SafeLoader], newline: str
) -> None:
    text = f"a: 1{newline}b: 'never closed{newline}c: 2{newline}"
    with pytest.raises(yaml.MarkedYAMLError) as caught:
        yaml.load(text, Loader=loader)
    finding = syntax_finding(caught.value, text, "m.yaml")
    assert (finding.line, finding.column) == (2, 4)
    assert "a quote (') opened here is never closed" in finding.message


def test_an_unquoted_template_is_told_to_be_quoted_not_a_crash() -> None:
    with pytest.raises(YamlError) as caught:
        load("depositions:\n  - key: a\n    title: {{ vars.name }}\n", "m.yaml")
    finding = caught.value.finding
    assert (finding.file, finding.line) == ("m.yaml", 3)
    assert finding.message.startswith("a template must be in quotes")
    assert 'Write title: "{{ … }}"' in finding.message


@pytest.mark.parametrize(
    ("text", "where", "closer"),
    [
        ("a:\n  creators: [{family: Doe: x, given: J}]\n", (2, 26), "}"),
        ('k: [alpha, "beta" gamma, delta]\n', (1, 19), "]"),
    ],
)
def test_a_bracket_closed_later_on_the_line_is_not_called_unclosed(
    text: str, where: tuple[int, int], closer: str
) -> None:
    with pytest.raises(YamlError) as caught:
        load(text, "m.yaml")
    finding = caught.value.finding
    assert (finding.line, finding.column) == where
    assert f"this item is not followed by ',' or '{closer}'" in finding.message
    assert "not closed" not in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "k:\n    keywords: [a, b\n    creators: [{family: Doe}]\n",
        "k:\n    keywords: [a, b  # a list]\n    x: 1\n",
    ],
)
def test_a_bracket_left_open_is_still_called_unclosed(text: str) -> None:
    with pytest.raises(YamlError) as caught:
        load(text, "m.yaml")
    assert "a [ opened at line 2, column 15 is not closed" in caught.value.finding.message


def test_an_unquoted_template_as_a_list_item_is_told_as_one() -> None:
    with pytest.raises(YamlError) as caught:
        load("keywords:\n  - {{ vars.name }}\n", "m.yaml")
    assert 'Write - "{{ … }}"' in caught.value.finding.message
