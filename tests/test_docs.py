"""The docs keep up with the code: every filter, sort key and CLI option is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from verdigris.cli.main import app
from verdigris.domain.declarations import COMPANY, LEAD, OPPORTUNITY, PERSON

DOCS = Path(__file__).resolve().parents[1] / "docs"
FILTERS = sorted({f.key for d in (PERSON, LEAD) for f in d.filters} | {"include_converted_leads"})
ROOT = DOCS.parent


@pytest.mark.parametrize("key", FILTERS + sorted(set(PERSON.sort_keys + LEAD.sort_keys)))
def test_search_key_is_documented(key: str) -> None:
    assert f"`{key}`" in (DOCS / "search.md").read_text()


def _deal_keys() -> list[str]:
    keys = {f.key for d in (COMPANY, OPPORTUNITY) for f in d.filters}
    return sorted(keys | set(COMPANY.sort_keys) | set(OPPORTUNITY.sort_keys))


@pytest.mark.parametrize("key", _deal_keys())
def test_company_and_opportunity_key_is_documented(key: str) -> None:
    """In the companies and opportunities section, by name or as a bound's suffix."""
    text = (DOCS / "search.md").read_text().split("## Companies and opportunities")[1]
    bound = key.split("_", 1)[1] if key.startswith(("minimum_", "maximum_")) else None
    assert f"`{key}`" in text or (bound and f"_{bound}`" in text), key


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
