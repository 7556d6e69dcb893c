"""The preview page as a person sees it: rendered by headless Chromium, screenshot kept.

The screenshot lands in ``test-artifacts/preview-nmr-study.png`` (gitignored). In CI
(``CI=true``) a missing Chromium fails the test; elsewhere it is skipped with the reason.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from test_preview import MD5, nmr_example
from zenodeploy.describe.page import preview_page

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is not installed; .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium); CI=true makes this a failure")
    return found


def run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_preview_page_renders_in_headless_chromium(tmp_path: Path) -> None:
    binary = chromium()
    metadata, files, description = nmr_example(tmp_path)
    page = tmp_path / "nmr-study.html"
    page.write_text(
        preview_page(title=str(metadata["title"]), description=description, metadata=metadata, files=files),
        encoding="utf-8",
    )
    url = page.as_uri()

    dom = run_chromium(binary, tmp_path / "profile-dom", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert "<h4>Compound information</h4>" in html
    assert "<td>Molecular formula</td>" in html and "<td>C9H8O4</td>" in html and "<td>C8H10N4O2</td>" in html
    assert 'id="files"' in html and "aspirin.zip" in html and f"md5:{MD5}" in html and "113.5 kB" in html

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "preview-nmr-study.png"
    shot.unlink(missing_ok=True)
    done = run_chromium(
        binary, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,2000", url
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk
    assert (width, height) == (1280, 2000)
    assert len(data) > 50_000, "the screenshot is nearly empty: the page did not render"


def test_missing_chromium_fails_in_ci_and_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="chromium is not installed"):
        chromium()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="CI=true makes this a failure"):
        chromium()


def test_render_command_html_of_the_nmr_example_shows_both_tables(tmp_path: Path) -> None:
    """The issue's own check: `zenodeploy render examples/nmr-study/... --format html --output out/`."""
    from click.testing import CliRunner

    from zenodeploy.cli import cli

    binary = chromium()
    manifest = Path(__file__).resolve().parent.parent / "examples/nmr-study/zenodeploy.yaml"
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["render", str(manifest), "--format", "html", "--output", str(out)])
    assert result.exit_code == 0, result.output
    page = out / "analgesics-nmr.html"
    dom = run_chromium(binary, tmp_path / "profile", "--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<h4>Compound information</h4>" in dom.stdout and "<td>C9H8O4</td>" in dom.stdout
    assert "aspirin.zip" in dom.stdout and "caffeine.zip" in dom.stdout and "paracetamol.zip" in dom.stdout
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "render-nmr-study.png"
    shot.unlink(missing_ok=True)
    done = run_chromium(
        binary, tmp_path / "shot", f"--screenshot={shot}", "--window-size=1280,2400", page.as_uri()
    )
    assert done.returncode == 0 and shot.stat().st_size > 50_000
