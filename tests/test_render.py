"""Description templates: sandboxed Jinja with a documented context, errors with file and line."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from zenodeploy.describe.context import build_context, data_kinds, git_info
from zenodeploy.describe.render import render_description, render_value
from zenodeploy.errors import TemplateError
from zenodeploy.model import LocalFile, Sample

NOW = datetime(2024, 5, 2, 12, 0, tzinfo=timezone.utc)


def context(base: Path, **overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "key": "demo",
        "metadata": {"title": "Demo"},
        "samples": [],
        "files": [],
        "vars": {"project": "X"},
        "env_names": [],
        "base_dir": base,
        "now": NOW,
    }
    args.update(overrides)
    return build_context(**args)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_inline_description_renders_markdown_and_html(tmp_path: Path) -> None:
    d = render_description(
        "# {{ metadata.title }}\n\nProject **{{ vars.project }}**, key {{ key }}.\n",
        context=context(tmp_path),
        base_dir=tmp_path,
        where="depositions[0]",
    )
    assert d.markdown == "# Demo\n\nProject **X**, key demo.\n"
    assert d.html == "<h1>Demo</h1>\n<p>Project <strong>X</strong>, key demo.</p>"  # stripped, as stored
    assert d.warnings == ()


def test_undefined_variable_in_template_file_names_file_and_line(tmp_path: Path) -> None:
    write(tmp_path / "templates" / "description.md.j2", "# Title\n\nline three\n{{ compound }}\n")
    with pytest.raises(TemplateError) as err:
        render_description(
            {"template": "templates/description.md.j2"},
            context=context(tmp_path),
            base_dir=tmp_path,
            where="depositions[2]",
        )
    assert str(err.value) == (
        "templates/description.md.j2:4: 'compound' is undefined. Define it under vars: or fix the name "
        "(test optional fields with `is defined`)."
    )
    assert err.value.path == "depositions[2].description"


def test_undefined_attribute_in_an_included_template_names_the_included_file(tmp_path: Path) -> None:
    write(tmp_path / "parts" / "sample.md.j2", "first\nsecond {{ metadata.nope }}\n")
    write(tmp_path / "main.md.j2", "intro\n{% include 'parts/sample.md.j2' %}\n")
    with pytest.raises(
        TemplateError, match=r"^parts/sample\.md\.j2:2: 'dict object' has no attribute 'nope'"
    ):
        render_description(
            {"template": "main.md.j2"}, context=context(tmp_path), base_dir=tmp_path, where="d"
        )


def test_inline_description_error_says_inline(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"^inline description:2: 'missing' is undefined"):
        render_description("ok\n{{ missing }}\n", context=context(tmp_path), base_dir=tmp_path, where="d")


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    write(tmp_path / "t.md.j2", "a\nb\nc\n{% endfor %}\nd\n")
    with pytest.raises(TemplateError) as err:
        render_description({"template": "t.md.j2"}, context=context(tmp_path), base_dir=tmp_path, where="d")
    assert str(err.value).startswith("t.md.j2:4: syntax error: Encountered unknown tag 'endfor'.")
    assert str(err.value).endswith("Fix the template.")


def test_inline_syntax_error_has_line(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"^inline description:3: syntax error: "):
        render_description("x\ny\n{{ a b }}\n", context=context(tmp_path), base_dir=tmp_path, where="d")


@pytest.mark.parametrize("target", ["../outside.md.j2", "sub/../../outside.md.j2", "/etc/hostname"])
def test_include_outside_base_dir_is_refused(tmp_path: Path, target: str) -> None:
    base = tmp_path / "manifest"
    write(tmp_path / "outside.md.j2", "secret\n")
    write(base / "main.md.j2", f"hello\n{{% include '{target}' %}}\n")
    with pytest.raises(TemplateError) as err:
        render_description({"template": "main.md.j2"}, context=context(base), base_dir=base, where="d")
    message = str(err.value)
    assert message.startswith("main.md.j2:2: The included template")
    assert "can only be read from the manifest's folder" in message


def test_description_template_outside_base_dir_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "outside.md.j2", "secret\n")
    base = tmp_path / "m"
    base.mkdir()
    with pytest.raises(TemplateError, match="was not found inside"):
        render_description({"template": "../outside.md.j2"}, context=context(base), base_dir=base, where="d")


def test_symlinked_template_pointing_outside_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "outside.md.j2", "secret\n")
    base = tmp_path / "m"
    base.mkdir()
    (base / "link.md.j2").symlink_to(tmp_path / "outside.md.j2")
    with pytest.raises(TemplateError, match="was not found inside"):
        render_description({"template": "link.md.j2"}, context=context(base), base_dir=base, where="d")


def test_extends_inside_base_dir_works(tmp_path: Path) -> None:
    write(tmp_path / "base.md.j2", "# {% block title %}{% endblock %}\n{% block body %}{% endblock %}")
    write(
        tmp_path / "child.md.j2",
        "{% extends 'base.md.j2' %}{% block title %}T{% endblock %}{% block body %}B{% endblock %}",
    )
    d = render_description(
        {"template": "child.md.j2"}, context=context(tmp_path), base_dir=tmp_path, where="d"
    )
    assert d.markdown == "# T\nB"


def test_template_vars_merge_over_manifest_vars(tmp_path: Path) -> None:
    write(tmp_path / "t.md.j2", "{{ vars.project }} {{ vars.extra }}")
    d = render_description(
        {"template": "t.md.j2", "vars": {"extra": 1, "project": "Y"}},
        context=context(tmp_path),
        base_dir=tmp_path,
        where="d",
    )
    assert d.markdown == "Y 1"


def test_env_is_restricted_to_allowed_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI_JOB_ID", "4711")
    monkeypatch.setenv("SECRET_TOKEN", "s3cr3t")
    ctx = context(tmp_path, env_names=["CI_JOB_ID", "NOT_SET"])
    assert render_value("job {{ env.CI_JOB_ID }}", ctx, where="x") == "job 4711"
    with pytest.raises(TemplateError) as err:
        render_value("{{ env.SECRET_TOKEN }}", ctx, where="depositions[0].title")
    assert "environment variable SECRET_TOKEN is not set (or not listed under env: in the manifest)" in str(
        err.value
    )
    assert "{{ env.SECRET_TOKEN | default(" in str(err.value)
    assert "s3cr3t" not in str(err.value)
    assert err.value.path == "depositions[0].title"
    assert render_value("{{ 'yes' if env.NOT_SET is defined else 'no' }}", ctx, where="x") == "no"


def test_sandbox_blocks_python_internals(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="sandbox"):
        render_value("{{ vars.__class__.__mro__ }}", context(tmp_path), where="x")


def test_render_value_for_for_each_fields() -> None:
    assert (
        render_value("study-{{ item.name }}", {"item": {"name": "a1"}}, where="depositions[1].key")
        == "study-a1"
    )
    with pytest.raises(
        TemplateError, match=r"^template 'study-\{\{ item\.nam \}\}':1: 'dict object' has no attribute"
    ):
        render_value("study-{{ item.nam }}", {"item": {"name": "a1"}}, where="depositions[1].key")


def test_filters(tmp_path: Path) -> None:
    ctx = context(tmp_path)
    assert (
        render_value("{{ '0000-0002-1825-0097' | orcid_url }}", ctx, where="x")
        == "https://orcid.org/0000-0002-1825-0097"
    )
    assert (
        render_value("{{ 'https://orcid.org/0000-0002-1825-0097' | orcid_url }}", ctx, where="x").count(
            "orcid.org"
        )
        == 1
    )
    assert render_value("{{ 'doi:10.1/x' | doi_url }}", ctx, where="x") == "https://doi.org/10.1/x"
    assert render_value("{{ 'a|b' | md_escape }}", ctx, where="x") == "a\\|b"
    assert render_value("{{ 1234567 | filesizeformat }}", ctx, where="x") == "1.2 MB"
    assert render_value("{{ {'p': {'mp': 5}} | pick('mp', 'p.mp') }}", ctx, where="x") == "5"


def test_context_describes_samples_and_files(tmp_path: Path) -> None:
    f1 = LocalFile("s1/1H.jdx", tmp_path / "s1" / "1H.jdx", 10, "a" * 32, sample="s1")
    packed = LocalFile(
        "s1.zip", tmp_path / ".cache" / "s1.zip", 30, "b" * 32, packed_from=("1H.jdx",), sample="s1"
    )
    sample = Sample("s1", tmp_path / "s1", {"mf": "H2O", "nested": {"x": [1, 2]}}, (f1,))
    ctx = context(tmp_path, samples=[sample], files=[packed], doi="10.5281/zenodo.1")
    assert ctx["samples"] == [
        {
            "name": "s1",
            "folder": "s1",
            "metadata": {"mf": "H2O", "nested": {"x": [1, 2]}},
            "files": [
                {
                    "name": "s1/1H.jdx",
                    "size": 10,
                    "md5": "a" * 32,
                    "sample": "s1",
                    "packed_from": [],
                    "source": "s1/1H.jdx",
                }
            ],
            "data_kinds": ["1H NMR"],
        }
    ]
    assert ctx["files"][0]["packed_from"] == ["1H.jdx"] and ctx["total_size"] == 30
    assert ctx["data_kinds"] == ["1H NMR", "13C NMR", "IR", "MS"]
    assert ctx["doi"] == "10.5281/zenodo.1" and ctx["now"] == NOW and ctx["now"].tzinfo is not None


def test_data_kinds_from_file_names() -> None:
    assert data_kinds(["spectra/aspirin_1H.jdx", "aspirin-13C.dx", "ir.jdx", "hrms.mzML", "x.txt"]) == [
        "1H NMR",
        "13C NMR",
        "IR",
        "MS",
    ]
    assert data_kinds(["hsqc.jdx", "uv-vis.csv", "notes.txt"]) == ["2D NMR", "UV-Vis"]
    assert data_kinds(["this.txt", "mirror.dat"]) == []  # 'ir' inside a word is not IR


def test_now_defaults_to_aware_utc_and_honours_source_date_epoch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714608000")
    ctx = context(tmp_path, now=None)
    assert ctx["now"] == datetime(2024, 5, 2, tzinfo=timezone.utc)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert context(tmp_path, now=None)["now"].utcoffset().total_seconds() == 0


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@needs_git
def test_git_context_in_a_repository(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "T")
    write(tmp_path / "a.txt", "a")
    git("add", "a.txt")
    git("commit", "-q", "-m", "one")
    git("tag", "v1.0.0")
    info = git_info(tmp_path)
    commit = subprocess.run(
        ["git", "-C", str(tmp_path), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    assert info == {"tag": "v1.0.0", "commit": commit, "describe": "v1.0.0", "branch": "main"}
    write(tmp_path / "b.txt", "b")
    git("add", "b.txt")
    git("commit", "-q", "-m", "two")
    info = git_info(tmp_path)
    assert info["tag"] is None and info["describe"] is not None and info["describe"].startswith("v1.0.0-1-g")
    d = render_description(
        "{{ git.describe }} on {{ git.branch }}", context=context(tmp_path), base_dir=tmp_path, where="d"
    )
    assert d.markdown.startswith("v1.0.0-1-g") and d.markdown.endswith(" on main")


@needs_git
def test_git_context_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    assert git_info(tmp_path) == {"tag": None, "commit": None, "describe": None, "branch": None}


def test_git_missing_gives_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert git_info(tmp_path)["commit"] is None


def test_stripped_tag_warnings_point_at_the_manifest_line(tmp_path: Path) -> None:
    source = "Intro for {{ key }}\n\n<img src='x.png'>\n\n<p id=\"lead\">p</p>\n\n<script>x()</script>\n\n<h6>h</h6>\n"
    d = render_description(
        source,
        context=context(tmp_path),
        base_dir=tmp_path,
        where="depositions[0]",
        source_file="zenodeploy.yaml",
        line_offset=10,
    )
    got = [(w.file, w.line, w.severity, w.path, w.message.split(" is removed")[0]) for w in d.warnings]
    assert got == [
        ("zenodeploy.yaml", 13, "warning", "depositions[0].description", "<img>"),
        ("zenodeploy.yaml", 15, "warning", "depositions[0].description", "attribute id= on <p>"),
        ("zenodeploy.yaml", 17, "warning", "depositions[0].description", "<script>"),
        ("zenodeploy.yaml", 19, "warning", "depositions[0].description", "<h6>"),
    ]
    assert "<img" not in d.html and "<script" not in d.html and "id=" not in d.html and "<h6" not in d.html
    assert "x()" in d.html  # bleach keeps a removed tag's text: the warning says so


def test_warnings_in_a_template_file_name_the_template(tmp_path: Path) -> None:
    write(tmp_path / "t.md.j2", "{% for s in ['a', 'b'] %}line {{ s }}\n{% endfor %}\n![x](x.png)\n")
    d = render_description({"template": "t.md.j2"}, context=context(tmp_path), base_dir=tmp_path, where="d")
    assert [(w.file, w.line) for w in d.warnings] == [("t.md.j2", 4)]
    assert "rendered Markdown" in d.warnings[0].message


def test_unknown_builtin_template_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"no built-in template 'builtin:nope'.*builtin:nmr-study"):
        render_description(
            {"template": "builtin:nope"}, context=context(tmp_path), base_dir=tmp_path, where="d"
        )


def test_starter_template_renders_two_samples(tmp_path: Path) -> None:
    from test_preview import MD5, nmr_example

    _, _, d = nmr_example(tmp_path)
    md = d.markdown
    assert md.startswith("# Spectra of two compounds\n")
    assert md.count("#### Compound information") == 2
    assert "| Molecular formula | C9H8O4 |" in md and "| Molecular formula | C8H10N4O2 |" in md
    assert (
        "| Molecular weight | 180.16 g/mol |" in md and "| Molecular weight | — |" in md
    )  # caffeine lacks it
    assert "| Melting point | 135 °C |" in md
    assert "| aspirin | ✓ | ✓ | ✗ | ✗ |" in md and "| caffeine | ✗ | ✗ | ✓ | ✗ |" in md
    assert f"| aspirin.zip (archive of 2 files) | 113.5 kB | `{MD5}` |" in md
    assert "[0000-0002-1825-0097](https://orcid.org/0000-0002-1825-0097)" in md
    assert "- Is supplement to: [10.1234/paper.5](https://doi.org/10.1234/paper.5)" in md
    assert (
        "> Doe, J., Lab of Things (2024). *Spectra of two compounds* (Version 1.0.0) [Dataset]. Zenodo." in md
    )
    assert "generated by zenodeploy on 2024-05-01" in md
    assert d.warnings == ()
    assert d.html.count("<table>") == 6  # dataset, 2 compounds, physical, availability, files


def test_starter_template_with_minimal_metadata(tmp_path: Path) -> None:
    sample = Sample("bare", tmp_path / "bare", {})
    ctx = context(tmp_path, metadata={}, samples=[sample], doi="10.5281/zenodo.7")
    d = render_description({"template": "builtin:nmr-study"}, context=ctx, base_dir=tmp_path, where="d")
    assert (
        d.markdown.startswith("# demo\n")
        and "**DOI:** [10.5281/zenodo.7](https://doi.org/10.5281/zenodo.7)" in d.markdown
    )
    assert "| Molecular formula | — |" in d.markdown and "on 2024-05-02." in d.markdown


def test_a_warning_about_an_inline_description_points_at_its_manifest_line(tmp_path: Path) -> None:
    from zenodeploy.manifest.load import load_manifest
    from zenodeploy.reconcile.resolve import resolve

    (tmp_path / "a.csv").write_text("a\n")
    manifest = tmp_path / "zenodeploy.yaml"
    head = "    creators: [{family: Doe}]\n    files: [a.csv]\n"
    manifest.write_text(
        "version: 1\ndepositions:\n  - key: flow\n    title: Flow text\n" + head
        + '    description: "Intro ![x](https://e.org/x.png)"\n'
        + "  - key: block\n    title: Block text\n" + head
        + "    description: |\n      Intro.\n\n      More ![x](https://e.org/x.png)\n"
        + "  - key: folded\n    title: Folded text\n" + head
        + "    description: >\n      Intro.\n\n      More ![x](https://e.org/x.png)\n"
        + "  - key: loop\n    title: Loop text\n" + head
        + "    description: |\n      {% for i in [1, 2] %}\n      {{ i }}\n      {% endfor %}\n"
        + "      More ![x](https://e.org/x.png)\n"
    )  # fmt: skip
    warnings = resolve(load_manifest(manifest, profile={})).warnings
    assert [(w.line, w.path) for w in warnings if "image" in w.message] == [
        (7, "depositions[0].description"),
        (15, "depositions[1].description"),
        (20, "depositions[2].description"),  # folded: its lines are not the manifest's; its key's line
        (28, "depositions[3].description"),  # a template: likewise
    ]
