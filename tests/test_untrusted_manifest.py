"""A manifest from a pull request may be hostile: no token leaves through it, and parsing is bounded.

Hostile payloads run ``zenodeploy validate`` in a child process, whose wall time and peak RSS are
asserted with bounds that only a hang or a blow-up can break (< 20 s, < 300 MB: the unbounded code
took minutes or gigabytes) and printed (``pytest -s`` shows the figures; on an idle machine each
takes about 1–2 s).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hostile import Measured, run_measured
from zenodeploy.errors import ManifestError
from zenodeploy.manifest.load import load_manifest
from zenodeploy.reconcile.resolve import check, resolve

HEAD = "version: 1\n"
DEPOSITION = """depositions:
  - key: study
    title: A study of things
    creators: [{name: Lab, type: organizational}]
"""
TOKEN = "s3cr3t-t0ken-value-0123456789"


def write(tmp_path: Path, text: str, name: str = "zenodeploy.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def errors_of(path: Path, *, check_files: bool = True) -> list[str]:
    findings, _ = check(path, check_files=check_files)
    return [f.format() for f in findings if f.severity == "error"]


def assert_bounded(measured: Measured, label: str) -> None:
    print(f"\n{label}: {measured.seconds:.2f} s, peak {measured.peak_mb:.0f} MB, exit {measured.returncode}")
    assert measured.returncode == 1, measured.output
    assert measured.seconds < 20, measured  # a hang detector, not a speed target
    assert measured.peak_mb < 300, measured


# --- secrets cannot be templated ------------------------------------------------------------


@pytest.mark.parametrize("name", ["ZENODO_TOKEN", "ZENODO_SANDBOX_TOKEN", "GITHUB_TOKEN", "zenodo_token"])
def test_token_variables_are_refused_under_env(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, f"{HEAD}env:\n  - RELEASE\n  - {name}\n{DEPOSITION}")
    (error,) = errors_of(path, check_files=False)
    assert error.startswith(f"{path}:4:5: env[1]: {name} holds an access token")


def test_a_description_holding_a_token_value_is_refused_and_the_value_never_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The route around the name check: another variable with the same value as the token.
    monkeypatch.setenv("ZENODO_SANDBOX_TOKEN", TOKEN)
    monkeypatch.setenv("CI_KEY", TOKEN)
    body = DEPOSITION + "    description: |\n      Built with {{ env.CI_KEY }}\n"
    path = write(tmp_path, f"{HEAD}env: [CI_KEY]\n{body}")
    (error,) = errors_of(path, check_files=False)
    assert "depositions[0].description: this deposition would send the value of ZENODO_SANDBOX_TOKEN" in error
    assert TOKEN not in error


def test_a_templated_field_holding_the_token_named_by_token_env_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI_KEY", TOKEN)
    body = DEPOSITION + '    version: "{{ env.CI_KEY }}"\n'
    manifest = load_manifest(write(tmp_path, f"{HEAD}env: [CI_KEY]\n{body}"))
    resolve(manifest, check_files=False)  # CI_KEY is not known to hold a token: accepted
    with pytest.raises(ManifestError) as caught:
        resolve(manifest, check_files=False, token_env="CI_KEY")
    (finding,) = caught.value.findings
    assert finding.path == "depositions[0].version" and "value of CI_KEY" in finding.message
    with pytest.raises(ManifestError) as stored:
        resolve(manifest, check_files=False, stored_token=TOKEN)
    assert "the token stored for this server" in stored.value.findings[0].message
    assert TOKEN not in str(stored.value.findings)


# --- bounded parsing ------------------------------------------------------------------------


def _laughs(anchor: str, indent: str) -> str:
    rows = [f'{indent}{anchor}0: &{anchor}0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*{anchor}{level - 1}"] * 10)
        rows.append(f"{indent}{anchor}{level}: &{anchor}{level} [{refs}]")
    return "\n".join(rows) + "\n"


def test_an_alias_bomb_under_vars_ends_at_once_with_a_located_error(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEAD}vars:\n{_laughs('a', '  ')}{DEPOSITION}")
    measured = run_measured(["validate", str(path)], tmp_path)
    assert_bounded(measured, "alias bomb under vars")
    assert f"{path}:7:" in measured.output and "alias bomb" in measured.output


def test_an_alias_bomb_in_keywords_ends_at_once_with_a_located_error(tmp_path: Path) -> None:
    laughs = _laughs("k", "      - ").replace(": &", "-&").replace("- k", "- ")
    bomb = "\n".join("      - &" + row.split("-&", 1)[1] for row in laughs.splitlines()) + "\n"
    path = write(tmp_path, f"{HEAD}{DEPOSITION}    keywords:\n{bomb}")
    measured = run_measured(["validate", str(path)], tmp_path)
    assert_bounded(measured, "alias bomb in keywords")
    assert f"{path}:11:" in measured.output and "alias bomb" in measured.output


def test_deep_nesting_is_a_located_error(tmp_path: Path) -> None:
    path = write(tmp_path, f"{HEAD}vars:\n  deep: {'[' * 500}{']' * 500}\n{DEPOSITION}")
    (error,) = errors_of(path, check_files=False)
    assert error.startswith(f"{path}:3:") and "nested more than 100 deep" in error


def test_a_few_aliases_still_work(tmp_path: Path) -> None:
    people = "    creators: &people [{name: Lab, type: organizational}]\n"
    text = f"{HEAD}depositions:\n  - key: a\n    title: First one\n{people}  - key: b\n    title: Second one\n    creators: *people\n"
    assert errors_of(write(tmp_path, text), check_files=False) == []


# --- bounded rendering ----------------------------------------------------------------------

TEMPLATE_PAYLOADS = {
    "string repetition": ("{{ 'a' * 10**9 }}", "a string of 1,000,000,000 characters"),
    "list repetition": ("{{ [1] * 10**9 }}", "a list of 1,000,000,000 items"),
    "center filter": ("{{ 'a' | center(10**10) }}", "the width of |center"),
    "center method": ("{{ 'a'.center(10**10) }}", "the width of center()"),
    "format filter": ("{{ '%*d' | format(10**9, 1) }}", "a format width"),
    "format method": ("{{ '{:>999999999}'.format(1) }}", "a format width"),
    "indent": ("{{ 'a' | indent(10**9) }}", "the width of |indent"),
    "lipsum": ("{{ lipsum(10**8) }}", "lipsum"),
    "range": ("{{ range(10**9) | list | length }}", "a list of 1,000,000,000 items"),
    "nested loops": (
        "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
        "ran for more than 1.5 s",
    ),
    "nested loops over one list": (
        "{% set xs = range(5000) | list %}{% for i in xs %}{% for j in xs %}{% endfor %}{% endfor %}",
        "ran for more than 1.5 s",
    ),
    "output size": (
        "{% for i in range(99999) %}{{ 'x' * 1000 }}{% endfor %}",
        "renders more than 2,000,000 characters",
    ),
    "doubling macro": (
        "{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% endif %}{% endmacro %}{{ d('a', 40) }}",
        "a string of 2,097,152 characters",
    ),
    "doubling namespace": (
        "{% set ns = namespace(s='a') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
        "a string of 2,097,152 characters",
    ),
    "replace": ("{{ ('a' * 1000) | replace('a', 'b' * 1000000) }}", "a string of 1,000,000,000"),
}


@pytest.mark.slow  # one validate process per payload (~1 s each); the quick loop keeps the alias bombs
@pytest.mark.parametrize("name", list(TEMPLATE_PAYLOADS))
def test_a_hostile_template_ends_with_a_located_error_within_bounds(tmp_path: Path, name: str) -> None:
    source, expected = TEMPLATE_PAYLOADS[name]
    (tmp_path / "desc.md.j2").write_text(f"Intro\n{source}\n", "utf-8")
    path = write(tmp_path, f"{HEAD}{DEPOSITION}    description: {{template: desc.md.j2}}\n")
    measured = run_measured(["validate", str(path)], tmp_path)
    assert_bounded(measured, f"template {name}")
    assert f"{path}:6:18: depositions[0].description: desc.md.j2" in measured.output
    assert expected in measured.output


def test_ordinary_templates_are_not_bounded_in_practice(tmp_path: Path) -> None:
    source = (
        "{% for i in range(2000) %}| {{ i }} | {{ '%5d' | format(i) }} | {{ 'x' | center(20) }} |\n{% endfor %}"
        "{{ lipsum(3) }} {{ ('ab' * 1000) | length }} {{ ([0] * 10) | length }}"
    )
    (tmp_path / "desc.md.j2").write_text(source, "utf-8")
    path = write(tmp_path, f"{HEAD}{DEPOSITION}    description: {{template: desc.md.j2}}\n")
    assert errors_of(path) == []


# --- files: unreadable, outside, badly named ------------------------------------------------


def _files_manifest(tmp_path: Path, files: str) -> Path:
    return write(tmp_path, f"{HEAD}{DEPOSITION}    files:\n{files}")


def test_an_unreadable_folder_is_refused_by_the_walk_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Mode 000 does not stop root (CI runs as root), so the listing itself is made to fail.
    from zenodeploy.content import globs

    (tmp_path / "d" / "locked").mkdir(parents=True)
    real_scandir = os.scandir

    def scandir(folder: str) -> object:
        if folder.endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(folder)

    monkeypatch.setattr(globs.os, "scandir", scandir)
    path = _files_manifest(tmp_path, "      - 'd/**'\n")
    (tmp_path / "d" / "ok.csv").write_text("a\n")
    (error,) = errors_of(path)
    assert error.startswith(f"{path}:7:9: depositions[0].files[0]: {tmp_path}/d/locked cannot be read")


@pytest.mark.parametrize("source", ["../CITATION.cff", "ABSOLUTE"])
def test_from_sources_stay_inside_the_manifest_folder(tmp_path: Path, source: str) -> None:
    project = tmp_path / "project"
    project.mkdir()
    cff = tmp_path / "CITATION.cff"
    cff.write_text(
        "cff-version: 1.2.0\ntitle: Outside title\nauthors:\n  - family-names: Doe\n    given-names: Jane\n"
    )
    source = str(cff) if source == "ABSOLUTE" else source
    body = f"depositions:\n  - key: study\n    title: {{from: {source}}}\n    creators: {{from: {source}}}\n"
    path = write(project, f"{HEAD}{body}")
    errors = errors_of(path, check_files=False)
    outside = [e for e in errors if "is outside the manifest's folder" in e]
    assert [e.split(": ", 2)[1] for e in outside] == ["depositions[0].title", "depositions[0].creators"], (
        errors
    )
    assert outside[0].startswith(f"{path}:4:")
    write(project, f"{HEAD}allow_outside: true\n{body}")
    assert errors_of(path, check_files=False) == []


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("line\nbreak.csv", "a line break"),
        ("bell\x01.csv", "the control character '\\x01'"),
        ("back\\slash.csv", "a backslash"),
    ],
    ids=["newline", "control", "backslash"],
)
def test_remote_names_zenodo_cannot_store_are_located_errors(tmp_path: Path, name: str, why: str) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / name).write_text("x\n")
    path = _files_manifest(tmp_path, "      - 'data/*'\n")
    (error,) = errors_of(path)
    assert error.startswith(f"{path}:7:9: depositions[0].files[0]: The remote name {('data/' + name)!r}")
    assert why in error


def test_a_folder_named_like_a_file_is_said(tmp_path: Path) -> None:
    (tmp_path / "data.csv").mkdir()
    (tmp_path / "data.csv" / "part1.csv").write_text("x\n")
    findings, count = check(_files_manifest(tmp_path, "      - data.csv\n"))
    assert count == 1
    assert any(
        "`data.csv` is a folder, not a file" in f.message and f.severity == "warning" for f in findings
    )


def test_an_unreadable_file_is_reported_at_its_files_entry_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zenodeploy.content import checksums

    real_md5 = checksums.md5_file

    def md5_file(path: Path) -> str:
        if path.name == "b.csv":
            raise PermissionError(13, "Permission denied")
        return real_md5(path)

    monkeypatch.setattr(checksums, "md5_file", md5_file)
    (tmp_path / "a.csv").write_text("a\n")
    (tmp_path / "b.csv").write_text("b\n")
    path = _files_manifest(tmp_path, "      - a.csv\n      - b.csv\n")
    (error,) = errors_of(path)
    assert error.startswith(f"{path}:8:9: depositions[0].files[1]: {tmp_path}/b.csv cannot be read")


def test_invalid_utf8_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "zenodeploy.yaml"
    path.write_bytes(f"{HEAD}{DEPOSITION}".replace("things", "th\xe9ngs").encode("latin-1"))
    (error,) = errors_of(path, check_files=False)
    assert error == f"{path}:4:25: invalid UTF-8 (byte 0xe9); save the manifest as UTF-8"


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", ""], ids=["list", "scalar", "empty"])
def test_a_manifest_that_is_not_a_mapping_is_reported_once_by_apply(tmp_path: Path, text: str) -> None:
    from click.testing import CliRunner

    from zenodeploy.cli import cli

    path = write(tmp_path, text)
    result = CliRunner().invoke(cli, ["apply", str(path), "--yes"])
    assert result.exit_code == 1
    assert result.output.count("the manifest must be a YAML mapping") == 1, result.output
