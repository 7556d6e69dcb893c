"""docs/tutorial.md works literally: its runnable blocks run top to bottom against --server local.

A runnable block is a ```console block right after a ``<!-- tutorial: run -->`` line. In it,
``$ `` lines are shell commands (run in a temporary folder; ``cd DIR`` moves on), and the other
lines are output the command before them must print: each, stripped, is a whole line of its
stdout or stderr, with ``…`` matching anything. No network and no token: commands that need an
account (``login``, ``--server sandbox``) stay outside the runnable blocks.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TUTORIAL = Path(__file__).resolve().parent.parent / "docs" / "tutorial.md"
MARK = "<!-- tutorial: run -->"


@dataclass
class Step:
    command: str
    expected: list[str] = field(default_factory=list)


def runnable_steps(text: str) -> list[Step]:
    """The commands of the marked blocks, in order, each with the output lines under it."""
    steps: list[Step] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() != MARK:
            continue
        assert lines[i + 1].strip() == "```console", f"line {i + 2}: {MARK} must precede a ```console block"
        for body in lines[i + 2 :]:
            if body.strip() == "```":
                break
            if body.startswith("$ "):
                steps.append(Step(body[2:]))
            elif body.strip():
                assert steps, f"output before any command: {body!r}"
                steps[-1].expected.append(body.strip())
    return steps


def _pattern(expected: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in expected.split("…")))


def printed(expected: str, output: str) -> bool:
    pattern = _pattern(expected)
    return any(pattern.fullmatch(line.strip()) for line in output.splitlines())


def _environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZENODO", "ZENODEPLOY"))}
    bin_dir = str(Path(sys.executable).parent)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        ZENODEPLOY_CONFIG_DIR=str(home / "config"),
        ZENODEPLOY_CACHE_DIR=str(home / "cache"),
        PATH=bin_dir + os.pathsep + env.get("PATH", ""),
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        NO_COLOR="1",
        COLUMNS="200",
    )
    return env


def test_the_runnable_blocks_are_found_and_need_no_account() -> None:
    steps = runnable_steps(TUTORIAL.read_text("utf-8"))
    commands = [s.command for s in steps]
    assert any(c.startswith("zenodeploy init") for c in commands)
    for verb in ("plan", "apply", "status", "emulator requests", "emulator accept"):
        assert any(c.startswith(f"zenodeploy {verb}") for c in commands), verb
    for command in commands:
        assert "login" not in command and "sandbox" not in command, command
        if command.split()[:2] in (["zenodeploy", v] for v in ("plan", "apply", "status")):
            assert "--server local" in command, command


def test_the_output_patterns() -> None:
    assert printed(
        "✓ my-dataset: draft http://127.0.0.1:…/uploads/…",
        "x\n✓ my-dataset: draft http://127.0.0.1:5/uploads/2\n",
    )
    assert not printed("✓ my-dataset: draft", "✓ my-dataset: draft http://x")
    assert printed("+ upload a (…)", "   + upload a (3 Bytes)  ")


@pytest.mark.slow
def test_the_tutorial_runs_top_to_bottom(tmp_path: Path) -> None:
    env = _environment(tmp_path / "home")
    cwd = tmp_path / "work"
    cwd.mkdir()
    for step in runnable_steps(TUTORIAL.read_text("utf-8")):
        words = shlex.split(step.command, comments=True)
        if words[:1] == ["cd"]:
            cwd = (cwd / words[1]).resolve()
            assert cwd.is_dir(), step.command
            continue
        done = subprocess.run(
            step.command,
            shell=True,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"$ {step.command}\nexit {done.returncode}\n{output}"
        for line in step.expected:
            assert printed(line, output), f"$ {step.command}\ndid not print {line!r}; it printed:\n{output}"
