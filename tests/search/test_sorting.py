"""search/sorting.py + paging.py: empty values last both ways, ties by id ascending,
on both plans (sort the matches, walk the sort index)."""

from __future__ import annotations

from unittest import mock

import pytest
from sqlalchemy import Engine

from verdigris.domain.paging import Paging
from verdigris.domain.types import RecordType
from verdigris.parsing.search import parse_search
from verdigris.search import paging
from verdigris.search.execute import run_search
from verdigris.storage import schema
from verdigris.storage.engine import read, write
from verdigris.storage.search_rows import insert_records


def _lead(i: int, title: str | None, value: float | None, contacted: int | None) -> dict:  # type: ignore[type-arg]
    return {"id": i, "name": f"n{i}", "title": title, "monetary_value": value,
            "date_last_contacted": contacted, "date_created": 1, "date_modified": 1,
            "status_id": 1}  # fmt: skip


@pytest.fixture
def leads(engine: Engine) -> Engine:
    rows = [_lead(1, "b", 5, 10), _lead(2, "  ", None, None), _lead(3, "A", 5, 30),
            _lead(4, None, 1, 20), _lead(5, "a", None, 10), _lead(6, "É", 7, None)]  # fmt: skip
    with write(engine) as conn:
        conn.execute(schema.accounts.insert(), {"id": 1, "name": "a"})
        insert_records(conn, 1, RecordType.LEAD, rows, {})
    return engine


@pytest.mark.parametrize("small", [paging.SMALL_MATCH_SET, 0])
@pytest.mark.parametrize(
    ("sort_by", "direction", "expected"),
    [
        ("title", "asc", [3, 5, 1, 6, 2, 4]),  # folded "a" ties by id; blank and null last
        ("title", "desc", [6, 1, 3, 5, 2, 4]),
        ("value", "asc", [4, 1, 3, 6, 2, 5]),
        ("value", "desc", [6, 1, 3, 4, 2, 5]),
        ("inactive_days", "asc", [3, 4, 1, 5, 2, 6]),  # most recently contacted first
        ("inactive_days", "desc", [1, 5, 4, 3, 2, 6]),
    ],
)
def test_order(
    leads: Engine, small: int, sort_by: str, direction: str, expected: list[int]
) -> None:
    search = parse_search(
        RecordType.LEAD, {"sort_by": sort_by, "sort_direction": direction}, {}, list
    )
    with read(leads) as conn, mock.patch.object(paging, "SMALL_MATCH_SET", small):
        assert run_search(conn, 1, 1, 0, search) == (expected, 6)


def test_pages_never_overlap(leads: Engine) -> None:
    seen: list[int] = []
    for number in (1, 2, 3, 4):
        search = parse_search(
            RecordType.LEAD, {"sort_by": "title", "page_size": 2, "page_number": number}, {}, list
        )
        with read(leads) as conn:
            seen += run_search(conn, 1, 1, 0, search)[0]
    assert seen == [3, 5, 1, 6, 2, 4]


def test_window_stops_at_the_cap() -> None:
    assert Paging(500, 200).window() == (99_800, 200)
    assert Paging(501, 200).window() is None
    assert Paging(3, 40_000).window() == (80_000, 20_000)
