"""action.yml: its steps' commands run against the emulator with fake GITHUB_OUTPUT/GITHUB_STEP_SUMMARY."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from zenodeploy.cli import github
from zenodeploy.emulator import Emulator

ROOT = Path(__file__).resolve().parent.parent
SECRET = "tok-7Hq2-very-secret-9xZ"
EXPR = re.compile(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}")


def action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    return data


def test_action_is_composite_with_pinned_python_and_the_documented_interface() -> None:
    data = action()
    assert data["runs"]["using"] == "composite"
    setup = data["runs"]["steps"][0]
    assert re.fullmatch(r"actions/setup-python@v\d+", setup["uses"])
    assert setup["with"]["python-version"] == "${{ inputs.python-version }}"
    assert data["inputs"]["python-version"]["default"] == "3.12"
    assert data["inputs"]["manifest"]["required"] is True
    assert data["inputs"]["server"]["default"] == "sandbox"
    assert data["inputs"]["publish"]["default"] == "false"
    assert set(data["inputs"]) == {"manifest", "server", "publish", "args", "token", "python-version"}
    assert set(data["outputs"]) == {"doi", "concept-doi", "record-url"}
    installs = [s["run"] for s in data["runs"]["steps"] if "pip install" in s.get("run", "")]
    assert installs and '"$GITHUB_ACTION_PATH"' in installs[0]


def test_inputs_reach_scripts_only_through_env() -> None:
    # ${{ inputs.x }} inside run: would let a manifest path or argument inject shell code.
    for step in action()["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("name")


@dataclass
class Run:
    returncodes: dict[str, int]
    stdout: str
    output_file: str
    summary_file: str


def run_action(inputs: Mapping[str, str], tmp_path: Path) -> Run:
    """Run the action's run: steps in order, as a runner would (setup-python and pip install skipped:
    the test's virtualenv already has zenodeploy)."""
    data = action()
    values = {name: spec.get("default", "") for name, spec in data["inputs"].items()} | dict(inputs)
    files = {"GITHUB_OUTPUT": tmp_path / "output.txt", "GITHUB_STEP_SUMMARY": tmp_path / "summary.md"}
    for path in files.values():
        path.write_text("", "utf-8")
    (tmp_path / "runner-temp").mkdir(exist_ok=True)
    base = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(tmp_path / "runner-temp"),
        "GITHUB_ACTION_PATH": str(ROOT),
        **{k: str(v) for k, v in files.items()},
    }
    codes: dict[str, int] = {}
    outcome: dict[str, str] = {}  # step id → success / failure / skipped, for if: expressions
    failed = False
    out = []
    for step in data["runs"]["steps"]:
        if "run" not in step or "pip install" in step["run"]:
            continue
        condition = step.get("if", "")
        if "always()" in condition:
            needed = re.findall(r"steps\.([\w-]+)\.outcome != 'skipped'", condition)
            runs = all(outcome.get(i, "skipped") != "skipped" for i in needed)
        else:
            assert not condition, f"the test does not evaluate if: {condition}"
            runs = not failed
        if not runs:
            outcome[step.get("id", "")] = "skipped"
            continue
        env = {k: EXPR.sub(lambda m: values[m.group(1)], str(v)) for k, v in (step.get("env") or {}).items()}
        done = subprocess.run(
            ["bash", "-e", "-c", step["run"]],
            env={**base, **env},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        codes[step.get("name", "?")] = done.returncode
        out.append(done.stdout + done.stderr)
        outcome[step.get("id", "")] = "success" if done.returncode == 0 else "failure"
        failed = failed or done.returncode != 0
    return Run(
        codes, "".join(out), files["GITHUB_OUTPUT"].read_text(), files["GITHUB_STEP_SUMMARY"].read_text()
    )


def parse_outputs(text: str) -> dict[str, str]:
    """Read ``name<<DELIM ... DELIM`` blocks as the runner does."""
    values, lines = {}, iter(text.splitlines())
    for line in lines:
        name, delimiter = line.split("<<", 1)
        body = []
        for inner in lines:
            if inner == delimiter:
                break
            body.append(inner)
        values[name] = "\n".join(body)
    return values


@pytest.fixture
def emulator(make_emulator: Callable[..., Emulator]) -> Emulator:
    return make_emulator(tokens={SECRET: "ci"})


def manifest(directory: Path) -> Path:
    for key in ("river", "soil"):
        (directory / f"{key}.csv").write_text(f"site,value\n{key},1\n", "utf-8")
    path = directory / "zenodeploy.yaml"
    path.write_text(
        """version: 1
defaults:
  resource_type: dataset
  creators: [{family: Carberry, given: Josiah, orcid: 0000-0002-1825-0097}]
  license: cc-by-4.0
  description: A study | with a pipe.
depositions:
  - {key: river, title: River study, files: [river.csv]}
  - {key: soil, title: Soil study, files: [soil.csv]}
""",
        "utf-8",
    )
    return path


@pytest.mark.slow
def test_action_applies_and_writes_outputs_and_summary(emulator: Emulator, tmp_path: Path) -> None:
    manifest(tmp_path)
    inputs = {"manifest": "zenodeploy.yaml", "server": emulator.url, "publish": "true", "token": SECRET}
    run = run_action(inputs, tmp_path)
    assert set(run.returncodes.values()) == {0}, run.stdout
    outputs = parse_outputs(run.output_file)
    assert set(outputs) == {"doi", "concept-doi", "record-url"}
    doi, concept, url = (json.loads(outputs[k]) for k in ("doi", "concept-doi", "record-url"))
    assert set(doi) == {"river", "soil"}
    assert all(v.startswith("10.5072/") for v in doi.values())
    assert all(v.startswith("10.5072/") and v != doi[k] for k, v in concept.items())
    assert all(v.startswith(f"{emulator.url}/records/") for v in url.values())
    assert "| | key | state | record | DOI | actions |" in run.summary_file
    river = next(line for line in run.summary_file.splitlines() if "| river |" in line)
    assert "| published |" in river and doi["river"] in river and "`+ upload river.csv" in river
    for text in (run.output_file, run.summary_file, run.stdout):
        assert SECRET not in text

    again = run_action(inputs, tmp_path)  # idempotent: the second run reports no changes, same DOIs
    assert json.loads(parse_outputs(again.output_file)["doi"]) == doi
    assert again.summary_file.count("| no changes |") == 2
    assert SECRET not in again.stdout + again.summary_file + again.output_file


def test_a_refused_token_fails_the_step_but_still_writes_a_summary(
    emulator: Emulator, tmp_path: Path
) -> None:
    manifest(tmp_path)
    wrong = SECRET + "-wrong"
    run = run_action({"manifest": "zenodeploy.yaml", "server": emulator.url, "token": wrong}, tmp_path)
    assert run.returncodes["Apply"] == 1
    assert run.returncodes["Outputs and job summary"] == 0
    assert "stopped before it reported anything" in run.summary_file
    assert run.output_file == ""
    for text in (run.output_file, run.summary_file, run.stdout):
        assert wrong not in text and SECRET not in text


def test_invalid_manifest_stops_at_validate_with_annotations(tmp_path: Path) -> None:
    path = manifest(tmp_path)
    path.write_text(path.read_text().replace("orcid: 0000-0002-1825-0097", "orcid: 0000-0002-1825-0098"))
    run = run_action({"manifest": "zenodeploy.yaml", "token": SECRET}, tmp_path)
    assert run.returncodes == {"Validate the manifest": 1}
    assert "::error file=zenodeploy.yaml,line=" in run.stdout
    assert run.summary_file == "" and run.output_file == ""


def test_token_env_names_the_servers_variable(capsys: pytest.CaptureFixture[str]) -> None:
    for server, name in [
        ("sandbox", "ZENODO_SANDBOX_TOKEN"),
        ("zenodo", "ZENODO_TOKEN"),
        ("https://x.org", "ZENODEPLOY_TOKEN"),
    ]:
        assert github.main(["token-env", server]) == 0
        assert capsys.readouterr().out == f"{name}\n"


def test_output_values_cannot_close_their_block_early() -> None:
    text = github.output_lines({"doi": {"a": "x\nEOF\nname<<y"}})
    assert parse_outputs(text) == {"doi": json.dumps({"a": "x\nEOF\nname<<y"}, sort_keys=True)}
    raw = github.output_lines({"note": "line 1\nghadelimiter_\nline 3"})
    assert parse_outputs(raw) == {"note": "line 1\nghadelimiter_\nline 3"}


def test_summary_escapes_table_cells() -> None:
    doc = {
        "depositions": [
            {"key": "a|b", "state": "draft", "actions": ["~ title: x | y"], "error": "bad\nthing"}
        ]
    }
    text = github.summary(doc, None, "t")
    row = text.splitlines()[4]
    assert row.startswith("| ✗ | a\\|b | draft |")
    assert "`~ title: x \\| y`<br>`error: bad`<br>`thing`" in row


# --- examples/ci-release/release-workflow.yml ----------------------------------------------------------

EXAMPLE = ROOT / "examples" / "ci-release"


def workflow() -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load((EXAMPLE / "release-workflow.yml").read_text("utf-8"))
    return data


def steps() -> list[dict[str, Any]]:
    return [step for job in workflow()["jobs"].values() for step in job["steps"]]


def test_workflow_validates_prs_applies_main_to_sandbox_and_publishes_tags() -> None:
    data = workflow()
    on = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` as true
    assert set(on) == {"pull_request", "push"}
    assert on["push"] == {"branches": ["main"], "tags": ["v*"]}
    jobs = data["jobs"]
    assert "if" not in jobs["validate"]
    assert "refs/heads/main" in jobs["sandbox"]["if"] and "refs/tags/v" in jobs["release"]["if"]
    ours = {
        name: next(s for s in job["steps"] if "zenodeploy/zenodeploy@" in s.get("uses", ""))
        for name, job in jobs.items()
        if name != "validate"
    }
    assert ours["sandbox"]["with"]["server"] == "sandbox" and "publish" not in ours["sandbox"]["with"]
    assert ours["release"]["with"] == {
        "manifest": "zenodeploy.yaml",
        "server": "zenodo",
        "publish": "true",
        "token": "${{ secrets.ZENODO_TOKEN }}",
    }
    assert ours["sandbox"]["with"]["token"] == "${{ secrets.ZENODO_SANDBOX_TOKEN }}"


def test_workflow_references_only_existing_files_commands_inputs_and_outputs() -> None:
    from zenodeploy.cli import cli
    from zenodeploy.manifest.load import load_manifest

    spec = action()
    keys = {d.key for d in load_manifest(EXAMPLE / "zenodeploy.yaml").depositions}
    text = (EXAMPLE / "release-workflow.yml").read_text("utf-8")
    for step in steps():
        assert "${{" not in step.get("run", ""), step  # expressions reach scripts through env: only
        for command in re.findall(r"\bzenodeploy (\w[\w-]*)", step.get("run", "")):
            assert command in cli.commands, command
        uses = step.get("uses", "")
        if uses.startswith("zenodeploy/zenodeploy@"):
            assert set(step["with"]) <= set(spec["inputs"])
            assert {n for n, i in spec["inputs"].items() if i.get("required")} <= set(step["with"])
            assert (EXAMPLE / step["with"]["manifest"]).is_file()
        elif uses:
            assert re.fullmatch(r"actions/[\w-]+@v\d+", uses), uses
        if uses.startswith("actions/upload-artifact"):
            assert step["with"]["path"] == "zenodeploy.yaml.lock"
    assert set(re.findall(r"steps\.zenodo\.outputs\.([\w-]+)", text)) <= set(spec["outputs"])
    assert set(re.findall(r"\)\['([\w-]+)'\]", text)) <= keys


def test_workflow_validate_step_passes_on_the_example(tmp_path: Path) -> None:
    (command,) = [
        s["run"] for s in workflow()["jobs"]["validate"]["steps"] if "zenodeploy validate" in s.get("run", "")
    ]
    done = subprocess.run(
        ["bash", "-e", "-c", command],
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"},
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_tag_step_sets_version_and_date_that_the_manifest_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zenodeploy.manifest.load import load_manifest
    from zenodeploy.reconcile.resolve import resolve

    (step,) = [s for s in workflow()["jobs"]["release"]["steps"] if "GITHUB_ENV" in s.get("run", "")]
    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    git = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_COMMITTER_DATE": "2024-05-06T12:00:00+00:00",
        "GIT_AUTHOR_DATE": "2024-05-06T12:00:00+00:00",
    }
    env = {**os.environ, **git, "GITHUB_ENV": str(tmp_path / "github_env"), "TAG": "v1.2.3"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "release"]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True)
    subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env=env, check=True, timeout=60)
    values = dict(line.split("=", 1) for line in (tmp_path / "github_env").read_text().splitlines())
    assert values == {"RELEASE_VERSION": "1.2.3", "RELEASE_DATE": "2024-05-06"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    (desired,) = resolve(load_manifest(repo / "zenodeploy.yaml")).depositions
    assert desired.record["metadata"]["version"] == "1.2.3"
    assert "Release 1.2.3 of 2024-05-06" in desired.record["metadata"]["description"]


def test_an_action_of_several_lines_is_one_code_span_per_line_in_the_summary() -> None:
    from zenodeploy.cli.github import summary

    doc = {
        "depositions": [
            {"key": "k", "state": "draft", "actions": ['~ title: "a" → "b"\n~ version: "1" → "2"']}
        ]
    }
    row = next(line for line in summary(doc, None, "t").splitlines() if "| k |" in line)
    assert row.endswith('| `~ title: "a" → "b"`<br>`~ version: "1" → "2"` |')
