"""Regenerate docs/cli.md from `verdigris <command> --help`: python scripts/cli_docs.py"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from verdigris.cli.main import app

COMMANDS = [[], ["serve"], ["sandbox"], ["migrate"], ["load"], ["dump"], ["accounts", "create"],
            ["tokens", "create"]]  # fmt: skip
HEADER = "# Command line\n\nGenerated from `verdigris <command> --help` by `scripts/cli_docs.py`.\n"
DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def render() -> str:
    runner = CliRunner()
    parts = [
        "# Command line\n\nGenerated from `verdigris <command> --help` by `scripts/cli_docs.py`.\n"
    ]
    for command in COMMANDS:
        result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1"})
        title = " ".join(["verdigris", *command])
        parts.append(f"## {title}\n\n```\n{result.output.rstrip()}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    DOC.write_text(render())
