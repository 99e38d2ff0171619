"""A lone filter that names records by what identifies them (ids, a phone, an email, a
social URL): where its matches end within the page, one statement pages them and their
number is the page's end (paging.page_of_few); a filled page is counted apart, on
PostgreSQL with the page in one statement (execute._sorted_in_one_pass). The total and
the page are the same however many records share the value, past the matches one pass
sorts too."""

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


def _page(
    client: TestClient, auth: dict[str, str], number: int, size: int = 2
) -> tuple[list[int], str]:
    body = {"phone_number": SHARED, "page_size": size, "page_number": number}
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


@pytest.mark.parametrize(
    ("size", "number", "shown"), [(10, 1, slice(0, 6)), (6, 1, slice(0, 6)), (4, 2, slice(4, 6))]
)
def test_matches_ending_within_the_page_are_counted_by_the_page(
    client: TestClient,
    auth: dict[str, str],
    phones: dict[str, int],
    size: int,
    number: int,
    shown: slice,
) -> None:
    in_order = [phones[name] for name in sorted(FIRST_NAMES)]
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    with statements_run(engine) as seen:
        assert _page(client, auth, number, size) == (in_order[shown], "6")
    reading_phones = [s for s, _ in seen if "record_phones" in s]
    assert len(reading_phones) == 1
    assert not any("count(" in s for s in reading_phones)


@pytest.mark.parametrize(("size", "number"), [(2, 1), (2, 2), (4, 1), (3, 3), (6, 2)])
def test_a_filled_page_or_one_past_the_matches_is_counted(
    client: TestClient, auth: dict[str, str], phones: dict[str, int], size: int, number: int
) -> None:
    in_order = [phones[name] for name in sorted(FIRST_NAMES)]
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    with statements_run(engine) as seen:
        found = _page(client, auth, number, size)
    assert found == (in_order[(number - 1) * size : number * size], "6")
    assert any("count(" in s for s, _ in seen if "record_phones" in s)


def test_postgresql_counts_a_filled_page_with_the_page(
    client: TestClient, auth: dict[str, str], phones: dict[str, int]
) -> None:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    with statements_run(engine) as seen:
        assert _page(client, auth, 1)[1] == "6"
    reading_phones = [s for s, _ in seen if "record_phones" in s]
    # The page of few first, then (it is filled) the count and page, at once or apart.
    assert len(reading_phones) == (2 if engine.dialect.name == "postgresql" else 3)


def test_an_opportunitys_people_are_counted_by_their_page(
    client: TestClient, auth: dict[str, str], phones: dict[str, int]
) -> None:
    """Not identifying, but few per value all the same (execute.FEW_PER_VALUE)."""
    body = {"name": "Chairs", "primary_contact_id": phones["Wren"],
            "related_people": [phones["Ada"], phones["Nell"]]}  # fmt: skip
    opportunity = client.post(f"{API}/opportunities", json=body, headers=auth).json()["id"]
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    search = {"opportunity_ids": [opportunity], "page_size": 5}
    with statements_run(engine) as seen:
        found = client.post(f"{API}/people/search", json=search, headers=auth)
    assert [p["id"] for p in found.json()] == [phones[n] for n in ("Ada", "Nell", "Wren")]
    assert found.headers["X-PW-TOTAL"] == "3"
    assert not any("count(" in s for s, _ in seen)


def test_more_ids_than_the_page_holds_are_counted_without_a_page_first(
    client: TestClient, auth: dict[str, str], phones: dict[str, int]
) -> None:
    in_order = [phones[name] for name in sorted(FIRST_NAMES)]
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    search = {"ids": in_order[:3], "page_size": 2, "sort_by": "first_name"}
    with statements_run(engine) as seen:
        found = client.post(f"{API}/people/search", json=search, headers=auth)
    assert [p["id"] for p in found.json()] == in_order[:2]
    assert found.headers["X-PW-TOTAL"] == "3"
    assert len([s for s, _ in seen if "WITH matches" in s]) == 1
