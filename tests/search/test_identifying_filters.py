"""A lone filter that names records by what identifies them (ids, a phone, an email, a
social URL): PostgreSQL counts and pages its matches in one statement
(execute._sorted_in_one_pass); the total and the page are the same however many
records share the value, past the matches one pass sorts too."""

from __future__ import annotations

from unittest import mock

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.copper import API, new_account
from tests.search.statements import statements_run
from verdigris.search import paging

SHARED = "+1 (415) 555-0100"
FIRST_NAMES = ["Wren", "Ada", "Nell", "Cy", "Bo", "Ida"]


@pytest.fixture
def auth(engine: Engine) -> dict[str, str]:
    return new_account(engine, "owner@example.com").headers


@pytest.fixture
def phones(client: TestClient, auth: dict[str, str]) -> dict[str, int]:
    """Six people sharing a phone, one with another; ids by first name."""
    ids = {}
    for name in FIRST_NAMES:
        made = client.post(
            f"{API}/people",
            json={
                "name": f"{name} Shared",
                "phone_numbers": [{"number": SHARED, "category": "work"}],
            },
            headers=auth,
        )
        ids[name] = made.json()["id"]
    client.post(
        f"{API}/people",
        json={"name": "Al Other", "phone_numbers": [{"number": "+1 415 555 0199"}]},
        headers=auth,
    )
    return ids


def _page(client: TestClient, auth: dict[str, str], number: int) -> tuple[list[int], str]:
    body = {"phone_number": SHARED, "page_size": 2, "page_number": number}
    found = client.post(f"{API}/people/search", json=body, headers=auth)
    assert found.status_code == 200
    return [p["id"] for p in found.json()], found.headers["X-PW-TOTAL"]


@pytest.mark.parametrize("sorted_at_most", [paging.SMALL_MATCH_SET, 2])
def test_a_shared_phone_is_counted_and_paged_by_first_name(
    client: TestClient, auth: dict[str, str], phones: dict[str, int], sorted_at_most: int
) -> None:
    in_order = [phones[name] for name in sorted(FIRST_NAMES)]
    with mock.patch.object(paging, "SMALL_MATCH_SET", sorted_at_most):
        pages = [_page(client, auth, n) for n in (1, 2, 3, 4)]
    assert pages == [
        (in_order[0:2], "6"), (in_order[2:4], "6"), (in_order[4:6], "6"), ([], "6")
    ]  # fmt: skip


def test_postgresql_counts_and_pages_an_identifying_value_at_once(
    client: TestClient, auth: dict[str, str], phones: dict[str, int]
) -> None:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    with statements_run(engine) as seen:
        assert _page(client, auth, 1)[1] == "6"
    reading_phones = [s for s, _ in seen if "record_phones" in s]
    assert len(reading_phones) == (1 if engine.dialect.name == "postgresql" else 2)
