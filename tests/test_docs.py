"""The docs keep up with the code: every filter, sort key and CLI option is documented."""

from __future__ import annotations

from pathlib import Path

import pytest

from verdigris.cli.main import app
from verdigris.domain.declarations import LEAD, PERSON

DOCS = Path(__file__).resolve().parents[1] / "docs"
FILTERS = [
    "ids", "name", "phone_number", "emails", "assignee_ids", "contact_type_ids", "company_ids",
    "opportunity_ids", "customer_source_ids", "status_ids", "city", "state", "postal_code",
    "country", "tags", "socials", "followed", "age", "minimum_interaction_count",
    "maximum_interaction_count", "minimum_interaction_date", "maximum_interaction_date",
    "minimum_created_date", "maximum_created_date", "minimum_modified_date",
    "maximum_modified_date", "minimum_monetary_value", "maximum_monetary_value",
    "minimum_status_change_date", "maximum_status_change_date", "include_converted_leads",
    "custom_fields",
]  # fmt: skip


@pytest.mark.parametrize("key", FILTERS + sorted(set(PERSON.sort_keys + LEAD.sort_keys)))
def test_search_key_is_documented(key: str) -> None:
    assert f"`{key}`" in (DOCS / "search.md").read_text()


def test_cli_reference_is_current() -> None:
    from scripts.cli_docs import render

    assert (DOCS / "cli.md").read_text() == render(), "run: python scripts/cli_docs.py"


def test_every_command_is_in_the_readme_or_cli_docs() -> None:
    text = (DOCS / "cli.md").read_text()
    for command in app.registered_commands:
        assert f"## verdigris {command.name or command.callback.__name__}" in text  # type: ignore[union-attr]
