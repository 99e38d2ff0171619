"""Page plans: when walking the sort index pays, SQLite is told to walk it."""

from __future__ import annotations

from sqlalchemy.dialects import sqlite

from verdigris.search.paging import (
    MAX_REACHABLE,
    SMALL_MATCH_SET,
    Order,
    _walk_pays,
    _walk_sort_index,
)
from verdigris.storage import schema


def test_walk_names_the_sort_index_on_sqlite() -> None:
    people = schema.people
    where = [people.c.account_id == 1, people.c.date_created >= 5]
    statement = _walk_sort_index(people, where, Order(people.c.first_name_key), 20)
    sql = str(statement.compile(dialect=sqlite.dialect()))
    assert "people INDEXED BY ix_people_first_name_key" in sql


def test_walk_pays_for_dense_matches_only() -> None:
    assert not _walk_pays(SMALL_MATCH_SET, 20, 1_000_000)
    assert _walk_pays(MAX_REACHABLE, 100_000, 1_000_000)  # capped: matches are dense
    assert _walk_pays(50_000, 20, 1_000_000)  # page 1: ~400 index steps
    assert not _walk_pays(6_000, 6_000, 1_000_000)  # last page of sparse matches: sort them
