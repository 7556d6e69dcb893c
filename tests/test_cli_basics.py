import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from zenodeploy import __version__
from zenodeploy.cli import cli


def test_version_prints_the_package_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"zenodeploy, version {__version__}"


def test_the_manifest_defaults_to_zenodeploy_yaml_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    missing = CliRunner().invoke(cli, ["validate"])
    assert missing.exit_code == 2
    assert f"no MANIFEST given and no zenodeploy.yaml in {tmp_path}" in missing.output
    for command in ("validate", "plan", "apply"):  # the example names the command that was run
        said = CliRunner().invoke(cli, [command], prog_name="zenodeploy").output
        assert f"(e.g. zenodeploy {command} path/to/zenodeploy.yaml)" in " ".join(said.split()), said
    shutil.copytree(
        Path(__file__).resolve().parent.parent / "examples" / "minimal", tmp_path, dirs_exist_ok=True
    )
    for args in (["validate"], ["render"], ["plan", "--server", "local"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code in (0, 4), (args, result.output)
    assert "Hello Zenodo" in CliRunner().invoke(cli, ["render"]).output


def test_apply_dry_run_points_at_plan() -> None:
    result = CliRunner().invoke(cli, ["apply", "x.yaml", "--dry-run"])
    assert result.exit_code == 2
    assert "'zenodeploy plan MANIFEST' shows what apply would do, writing nothing" in result.output


def test_render_html_without_output_prints_one_page_or_asks_for_a_folder(tmp_path: Path) -> None:
    bulk = str(Path(__file__).resolve().parent.parent / "examples" / "bulk-studies" / "zenodeploy.yaml")
    several = CliRunner().invoke(cli, ["render", bulk, "--format", "html"])
    assert several.exit_code == 2
    assert "--format html prints one page" in several.output and "has 3 depositions" in several.output
    assert "<html" not in several.output
    one = CliRunner().invoke(cli, ["render", bulk, "--format", "html", "--only", "study-soil-2021"])
    assert one.exit_code == 0, one.output
    assert one.output.count("<html") == 1
    written = CliRunner().invoke(cli, ["render", bulk, "--format", "html", "--output", str(tmp_path)])
    assert written.exit_code == 0, written.output
    assert len(list(tmp_path.glob("*.html"))) == 3


def test_verbose_counts_after_the_command_as_before_it(tmp_path: Path) -> None:
    import logging
    import shutil

    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "minimal", tmp_path / "p")
    manifest = str(tmp_path / "p" / "zenodeploy.yaml")
    root = logging.getLogger()
    before = root.level
    try:
        for args in (
            ["-vv", "validate", manifest],
            ["validate", manifest, "-vv"],
            ["-v", "validate", manifest, "-v"],
        ):
            root.setLevel(logging.WARNING)
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == 0, (args, result.output)
            assert root.level == logging.DEBUG, args
        assert "-v" not in CliRunner().invoke(cli, ["validate", "--help"]).output  # said once, on the group
    finally:
        root.setLevel(before)


def test_verbose_after_a_subcommand_of_a_group(tmp_path: Path) -> None:
    for args in (["emulator", "requests", "--data", str(tmp_path), "-v"], ["lock", "merge", "m.yaml", "-vv"]):
        result = CliRunner().invoke(cli, args)
        assert "No such option" not in result.output + result.stderr, args
