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


def _documented_paths() -> set[str]:
    """Every path the route table of docs/api.md names: `{a,b}` alternatives and `[...]`
    optional parts expanded, each `{parameter}` written as `{}`."""
    found: set[str] = set()
    for span in re.findall(r"`([^`]*/[^`]*)`", (DOCS / "api.md").read_text()):
        for text in re.sub(r"^[A-Z/]+ ", "", span).split(", "):
            found |= _expand(text)
    return found


def _expand(text: str) -> set[str]:
    optional = re.search(r"\[([^\]]*)\]", text)
    if optional:
        before, after = text[: optional.start()], text[optional.end() :]
        return _expand(before + after) | _expand(before + optional.group(1) + after)
    choice = re.search(r"\{([^{}]*,[^{}]*)\}", text)
    if choice:
        head, tail = text[: choice.start()], text[choice.end() :]
        return set().union(*(_expand(head + alt + tail) for alt in choice.group(1).split(",")))
    return {re.sub(r"\{[^{}]*\}", "{}", text.strip())}


def test_every_route_is_in_the_api_docs() -> None:
    from verdigris.api.app import BASE_PATH, create_app
    from verdigris.config import Settings

    paths = create_app(Settings(database_url="sqlite://")).openapi()["paths"]
    routes = {re.sub(r"\{[^{}]*\}", "{}", p.removeprefix(BASE_PATH)) for p in paths}
    routes.discard("/openapi.json")
    assert sorted(routes - _documented_paths()) == []
