"""The GitHub Action's glue (action.yml): step outputs and the job summary from ``apply --format json``.

Run as ``python -m zenodeploy.cli.github``:

- ``report --apply FILE [--plan FILE] [--title TEXT]`` appends the outputs ``doi``,
  ``concept-doi`` and ``record-url`` (each a JSON object key → value, ``null`` where there is
  none yet, e.g. the DOI of an unpublished draft) to ``$GITHUB_OUTPUT`` and a Markdown table
  of what happened to ``$GITHUB_STEP_SUMMARY``;
- ``token-env SERVER`` prints the environment variable zenodeploy reads the token from for
  SERVER, so the action exports the secret under the right name (never the value).

Both files are optional: without the variables nothing is written there. An empty or
unreadable apply file (apply stopped before it printed its JSON) still gives a summary that
says so, and no outputs.
"""

from __future__ import annotations

import argparse
import json
import os
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from zenodeploy.zenodo.servers import OTHER_TOKEN_ENV, token_env_name

OUTPUTS = {"doi": "doi", "concept-doi": "concept_doi", "record-url": "url"}


def outputs(depositions: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, str | None]]:
    """The action's outputs: for each output name, key → value of every deposition."""
    return {
        name: {str(d["key"]): d.get(field) for d in depositions if "key" in d}
        for name, field in OUTPUTS.items()
    }


def output_lines(values: Mapping[str, Any]) -> str:
    """``$GITHUB_OUTPUT`` text in the multiline-safe ``name<<DELIMITER`` form.

    The delimiter is random per value (GitHub's own recommendation), so no value can end the
    block early, whatever it contains."""
    out = []
    for name, value in values.items():
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        delimiter = f"ghadelimiter_{uuid.uuid4().hex}"
        out.append(f"{name}<<{delimiter}\n{text}\n{delimiter}\n")
    return "".join(out)


def summary(
    apply_doc: Mapping[str, Any] | None, plan_doc: Sequence[Mapping[str, Any]] | None, title: str
) -> str:
    """A Markdown job summary: one table row per deposition (applied, else planned)."""
    lines = [f"### {_cell(title)}", ""]
    if apply_doc is not None:
        rows = apply_doc.get("depositions") or []
        lines += ["| | key | state | record | DOI | actions |", "|---|---|---|---|---|---|"]
        for d in rows:
            record = d.get("record_id") or ""
            link = f"[{record}]({d['url']})" if record and d.get("url") else str(record)
            actions = list(d.get("actions") or []) + ([f"error: {d['error']}"] if d.get("error") else [])
            lines.append(
                f"| {'✗' if d.get('error') else '✓'} | {_cell(d.get('key'))} | {_cell(d.get('state'))} "
                f"| {link} | {_cell(d.get('doi'))} | {_cell_list(actions) or 'no changes'} |"
            )
        if not rows:
            lines.append("| | *(no depositions selected)* | | | | |")
        requests = apply_doc.get("requests") or {}
        made = ", ".join(f"{method} {n}" for method, n in sorted(requests.items()))
        lines += ["", f"{sum(requests.values())} requests ({made or 'none'})."]
    elif plan_doc is None:
        lines.append("zenodeploy apply stopped before it reported anything; its error is in the step's log.")
    if plan_doc is not None:
        lines += ["", "| key | record | found by | plan |", "|---|---|---|---|"]
        for p in plan_doc:
            texts = [a.get("text", "") for a in p.get("actions") or []] + list(p.get("notes") or [])
            lines.append(
                f"| {_cell(p.get('key'))} | {_cell(p.get('record_id'))} | {_cell(p.get('found_by'))} "
                f"| {_cell_list(texts) or 'no changes'} |"
            )
    return "\n".join(lines) + "\n"


def _cell(value: Any) -> str:
    """A table cell: pipes escaped, line breaks as <br>, None as empty."""
    text = "" if value is None else str(value)
    return text.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _cell_list(items: Sequence[Any]) -> str:
    """One code span per line: a ``<br>`` inside a code span shows as text."""
    lines = [line for item in items for line in str(item).splitlines() if line.strip()]
    return "<br>".join("`" + _cell(line).replace("`", "'") + "`" for line in lines)


def _read_json(path: Path | None) -> Any:
    if path is None:
        return None
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def _append(variable: str, text: str, environ: Mapping[str, str]) -> None:
    target = environ.get(variable)
    if target:
        with Path(target).open("a", encoding="utf-8") as handle:
            handle.write(text)


def report(apply_file: Path, plan_file: Path | None, title: str, environ: Mapping[str, str]) -> None:
    """Write the outputs (when apply reported) and the job summary."""
    apply_doc = _read_json(apply_file)
    if not isinstance(apply_doc, dict):
        apply_doc = None
    plan_doc = _read_json(plan_file)
    if not isinstance(plan_doc, list):
        plan_doc = None
    if apply_doc is not None:
        _append("GITHUB_OUTPUT", output_lines(outputs(apply_doc.get("depositions") or [])), environ)
    _append("GITHUB_STEP_SUMMARY", summary(apply_doc, plan_doc, title), environ)


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m zenodeploy.cli.github", description=__doc__.splitlines()[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    rep = commands.add_parser("report", help="Write $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY.")
    rep.add_argument("--apply", type=Path, required=True, help="The output of apply --format json.")
    rep.add_argument("--plan", type=Path, help="The output of plan --format json (optional).")
    rep.add_argument("--title", default="zenodeploy", help="The summary's heading.")
    env = commands.add_parser("token-env", help="The token variable zenodeploy reads for SERVER.")
    env.add_argument("server")
    args = parser.parse_args(argv)
    if args.command == "token-env":
        print(token_env_name(args.server) or OTHER_TOKEN_ENV)  # the name, never the value
        return 0
    report(args.apply, args.plan, args.title, os.environ if environ is None else environ)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
