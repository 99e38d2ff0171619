"""The docs keep up with the code: every filter, sort key and CLI option is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from verdigris.cli.main import app
from verdigris.domain.declarations import LEAD, PERSON

DOCS = Path(__file__).resolve().parents[1] / "docs"
FILTERS = sorted({f.key for d in (PERSON, LEAD) for f in d.filters} | {"include_converted_leads"})
ROOT = DOCS.parent


@pytest.mark.parametrize("key", FILTERS + sorted(set(PERSON.sort_keys + LEAD.sort_keys)))
def test_search_key_is_documented(key: str) -> None:
    assert f"`{key}`" in (DOCS / "search.md").read_text()


def test_code_paths_named_in_docs_exist() -> None:
    pages = [*DOCS.glob("*.md"), *DOCS.glob("decisions/*.md"), ROOT / "README.md"]
    for page in pages:
        for path in re.findall(
            r"`((?:src/verdigris/)?[a-z_]+/[a-z_/]*[a-z_]+\.py)`", page.read_text()
        ):
            found = [ROOT / path, ROOT / "src/verdigris" / path, ROOT / "tests" / path]
            assert any(p.exists() for p in found), f"{page.name} names {path}"


def test_cli_reference_is_current() -> None:
    from scripts.cli_docs import render

    assert (DOCS / "cli.md").read_text() == render(), "run: python scripts/cli_docs.py"


def test_every_command_is_in_the_readme_or_cli_docs() -> None:
    text = (DOCS / "cli.md").read_text()
    for command in app.registered_commands:
        assert f"## verdigris {command.name or command.callback.__name__}" in text  # type: ignore[union-attr]
