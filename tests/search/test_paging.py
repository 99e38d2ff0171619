"""Counting and paging: few matches are counted and sorted from one gathering of them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from tests.conftest import BACKENDS, empty_engine
from tests.search import dataset, reference
from tests.search.statements import Ran, statements_run
from verdigris.domain.paging import MAX_REACHABLE
from verdigris.domain.types import RecordType
from verdigris.parsing.search import parse_search
from verdigris.search import execute
from verdigris.search.execute import run_search
from verdigris.search.paging import (
    CARRIED_SORT_SHARE,
    _walk_pays,
    sorted_carried_up_to,
    sorted_up_to,
)
from verdigris.storage.engine import read

PEOPLE, LEADS = dataset.build(seed=7, count=120)


@given(end=st.integers(1, MAX_REACHABLE), population=st.integers(1, 5_000_000))
def test_sorted_up_to_is_where_the_walk_stops_paying(end: int, population: int) -> None:
    most = sorted_up_to(end, population)
    if most > 0:
        assert not _walk_pays(most, end, population)
    if most < MAX_REACHABLE:
        assert _walk_pays(most + 1, end, population)


@given(
    end=st.integers(1, MAX_REACHABLE),
    population=st.one_of(st.none(), st.integers(1, 5_000_000)),
)
def test_carried_keys_are_sorted_while_sorting_costs_less_than_the_walk(
    end: int, population: int | None
) -> None:
    most = sorted_carried_up_to(end, population)
    least = sorted_up_to(end, population)
    assert most >= least
    if population is None:
        assert most == least
    elif least < most < MAX_REACHABLE:
        # n keys sort at 1/CARRIED_SORT_SHARE of a step each, against end * population / n
        # steps: sorting pays up to `most` matches, not one more.
        assert most**2 <= CARRIED_SORT_SHARE * end * population < (most + 1) ** 2


RARE_TAG_IN_A_WINDOW = {"tags": ["segment 4"], "country": "ES", "minimum_modified_date": 1,
                       "sort_by": "date_modified", "page_size": 20}  # fmt: skip


@pytest.mark.parametrize(
    ("tag_held", "country_held", "key_read", "sorted_in_one_pass"),
    [
        (8_000, 1_000_000, True, True),
        (9_000, 1_000_000, True, False),
        (20_000, 57_000, True, True),
        (20_000, 500_000, True, False),
        (8_000, 1_000_000, False, False),
        (20_000, 57_000, False, True),
    ],
)
def test_postgresql_sorts_keys_where_the_counters_bound_or_expect_the_matches_within_reach(
    tag_held: int, country_held: int, key_read: bool, sorted_in_one_pass: bool
) -> None:
    """A modified window sorted by `date_modified`, with a tag and a country: PostgreSQL
    counts and sorts in one pass where the tag's holders (the fewest the counters know),
    or the records expected in both (tag_held x country_held / 1,000,000, were they
    independent), are within what sorting carried keys pays for, sqrt(4 x 20 x
    1,000,000) = 8,944; without keys read, within what sorting pays for otherwise
    (4,471)."""
    search = parse_search(RecordType.LEAD, RARE_TAG_IN_A_WINDOW, {}, dict)
    scope = SimpleNamespace(conn=SimpleNamespace(dialect=SimpleNamespace(name="postgresql")))
    held = {"tags": tag_held, "country": country_held}
    population = 1_000_000
    most = execute._sorted_in_one_pass(
        scope,  # type: ignore[arg-type]
        search, held.get, lambda: population, key_read,
    )  # fmt: skip
    bound = (sorted_carried_up_to if key_read else sorted_up_to)(20, population)
    assert most == (bound if sorted_in_one_pass else None)


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    engine = empty_engine(request, tmp_path_factory, "paging")
    dataset.load(engine, PEOPLE, LEADS)
    yield engine
    engine.dispose()


def _searched(engine: Engine, body: dict[str, Any]) -> tuple[tuple[list[int], int], list[str]]:
    """run_search's answer and the statements it ran over the people table."""
    found, ran = _searched_with_parameters(engine, body)
    return found, [statement for statement, _ in ran]


def _searched_with_parameters(engine: Engine, body: dict[str, Any]) -> tuple[Any, Ran]:
    """run_search's answer and the statements it ran over the people table, with their
    parameters."""
    found, ran = _run(engine, RecordType.PERSON, body)
    return found, [(statement, params) for statement, params in ran if "FROM people" in statement]


def _run(engine: Engine, record_type: RecordType, body: dict[str, Any]) -> tuple[Any, Ran]:
    """run_search's answer for `body` on `record_type`, and every statement it ran."""
    search = parse_search(record_type, body, {}, dict)
    with statements_run(engine) as ran, read(engine) as conn:
        found = run_search(conn, dataset.ACCOUNT, 2, dataset.NOW, search)
    return found, ran


def _counted_with_the_page(statements: list[str]) -> bool:
    """Whether the one statement that orders matches also counted them."""
    ordering = [s for s in statements if "ORDER BY" in s]
    assert len(ordering) == 1
    return "count(" in ordering[0]


def _created_window(share: float) -> dict[str, int]:
    created = sorted(p["date_created"] for p in PEOPLE.records)
    return {
        "minimum_created_date": created[0],
        "maximum_created_date": created[int(len(created) * share)],
    }


def test_few_matches_are_counted_and_sorted_in_one_statement(loaded: Engine) -> None:
    body = {**_created_window(0.3), "minimum_modified_date": 0, "page_size": 5, "page_number": 2}
    found, statements = _searched(loaded, body)
    assert found == reference.search(PEOPLE, body, 2, dataset.NOW)
    # PostgreSQL: no counter bounds a range's matches; counted apart, from the index alone.
    assert _counted_with_the_page(statements) == (loaded.dialect.name == "sqlite")


def test_matches_filtered_on_the_sort_column_carry_their_keys_to_the_page(
    loaded: Engine,
) -> None:
    body = {
        **_created_window(0.6), "minimum_modified_date": 0, "sort_by": "date_modified",
        "sort_direction": "desc", "page_size": 5, "page_number": 2,
    }  # fmt: skip
    found, ran = _searched_with_parameters(loaded, body)
    assert found == reference.search(PEOPLE, body, 2, dataset.NOW)
    statements = [statement for statement, _ in ran]
    # PostgreSQL: no counter bounds a range's matches; counted apart, from the index alone.
    assert _counted_with_the_page(statements) == (loaded.dialect.name == "sqlite")
    ((ordering, params),) = [(s, p) for s, p in ran if "ORDER BY" in s]
    # The keys come with the ids gathered: no record is read again to sort it.
    assert re.search(r'people\.date_modified AS "?key"?', ordering)
    assert "JOIN people" not in ordering
    if loaded.dialect.name == "sqlite":
        with loaded.connect() as conn:
            explained = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {ordering}", params)
            plan = [row[-1] for row in explained]
        people_read = [step for step in plan if "people" in step]
        assert len(people_read) == 1, plan  # the gathering, by one index: no read by id after


def test_postgresql_counts_and_sorts_together_when_the_counters_bound_the_matches(
    loaded: Engine,
) -> None:
    state = next(p["address"]["state"] for p in PEOPLE.records if (p["address"] or {}).get("state"))
    body = {"state": state, **_created_window(0.9), "sort_by": "name"}
    found, statements = _searched(loaded, body)
    assert found == reference.search(PEOPLE, body, 2, dataset.NOW)
    assert found[1] > 0
    assert _counted_with_the_page(statements)


def test_one_filter_is_counted_apart_from_its_index(loaded: Engine) -> None:
    body = {**_created_window(0.3), "page_size": 5, "page_number": 2}
    found, statements = _searched(loaded, body)
    assert found == reference.search(PEOPLE, body, 2, dataset.NOW)
    assert not _counted_with_the_page(statements)


def test_a_page_past_the_matches_still_has_their_total(loaded: Engine) -> None:
    body = {**_created_window(0.2), "minimum_modified_date": 0, "page_size": 200, "page_number": 3}
    found, _ = _searched(loaded, body)
    assert found == ([], reference.search(PEOPLE, body, 2, dataset.NOW)[1])
    assert found[1] > 0


@pytest.mark.parametrize(
    ("record_type", "world", "table", "records_read"),
    [(RecordType.PERSON, PEOPLE, "people", False), (RecordType.LEAD, LEADS, "leads", True)],
)
def test_records_followed_are_counted_from_the_followers_rows(
    loaded: Engine, record_type: RecordType, world: reference.World, table: str, records_read: bool
) -> None:
    """People followed are the user's followers rows, counted from their primary key
    alone; leads followed still read each lead, to leave the converted ones out."""
    body = {"followed": 1, "page_size": 5}
    found, ran = _run(loaded, record_type, body)
    assert found == reference.search(world, body, 2, dataset.NOW)
    assert found[1] > 5
    (count,) = [statement for statement, _ in ran if "count(" in statement]
    assert "FROM followers" in count
    assert (f"FROM {table}" in count) is records_read
