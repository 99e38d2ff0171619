"""A search by a created window alone (`minimum_created_date`, `maximum_created_date`,
`age`) is counted from the day counters and the records of its partial days
(search/created_window.py): the total and the page are those of counting every match,
at day edges, before 1970, for converted leads left out or in, and at the cap."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from tests.conftest import BACKENDS, empty_engine
from tests.copper import new_account
from tests.search.statements import statements_run
from verdigris.domain.types import RecordType
from verdigris.parsing.conversions import Conversion
from verdigris.parsing.records import Changes
from verdigris.parsing.search import parse_search
from verdigris.search import created_window
from verdigris.search.execute import run_search
from verdigris.storage import writes
from verdigris.storage.conversions import convert_lead
from verdigris.storage.engine import read, write

DAY = 86_400
BASE = 19_000 * DAY  # a midnight, UTC
DAYS = [-19_002, -19_001, *range(-3, 9)]  # days from BASE; the first two before 1970
SECONDS = [0, 1, 3_600, 43_200, DAY - 1]
"""Each record type gets a record at each of these seconds of each day."""
NOW = BASE + 10 * DAY
PERSON, LEAD = RecordType.PERSON, RecordType.LEAD
TIMES = [BASE + d * DAY + s for d in DAYS for s in SECONDS]
EDGES = [t + shift for t in TIMES for shift in (-1, 0, 1)]


class Created:
    """The records of one account, with the second each was created at."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.account = new_account(engine, "created@example.com").account_id
        self.people: dict[int, int] = {}
        self.leads: dict[int, int] = {}
        self.converted: set[int] = set()
        names = count()
        for when in TIMES:
            self.people[self._create(PERSON, when, next(names))] = when
            self.leads[self._create(LEAD, when, next(names))] = when
        for lead in list(self.leads)[::4]:
            self._convert(lead)

    def _create(self, kind: RecordType, when: int, n: int) -> int:
        with write(self.engine) as conn:
            made = writes.create_record(conn, self.account, kind, Changes({"name": f"R {n}"}), when)
        return int(made["id"])

    def _convert(self, lead: int) -> None:
        """The lead is converted at NOW, into a person created then."""
        with write(self.engine) as conn:
            made = convert_lead(
                conn, self.account, lead, Conversion(Changes({}), None, None, None), NOW
            )
        self.converted.add(lead)
        self.people[made["person"]["id"]] = NOW

    def expected_total(self, kind: RecordType, body: dict[str, Any]) -> int:
        low = max(body.get("minimum_created_date", -(2**63)), NOW - body.get("age", 2**63))
        high = body.get("maximum_created_date", 2**63)
        created = self.people if kind is PERSON else self.leads
        leads_in = kind is PERSON or body.get("include_converted_leads", False)
        return sum(
            1
            for record, when in created.items()
            if low <= when <= high and (leads_in or record not in self.converted)
        )

    def search(self, kind: RecordType, body: dict[str, Any]) -> tuple[list[int], int]:
        with read(self.engine) as conn:
            search = parse_search(kind, body, {}, list)
            return run_search(conn, self.account, 1, NOW, search)


@pytest.fixture(scope="module", params=BACKENDS)
def created(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Created]:
    engine = empty_engine(request, tmp_path_factory, "created")
    yield Created(engine)
    engine.dispose()


BOUND = st.sampled_from(EDGES) | st.integers(TIMES[0] - DAY, TIMES[-1] + DAY)
WINDOWS = st.one_of(
    st.fixed_dictionaries({"minimum_created_date": BOUND}),
    st.fixed_dictionaries({"maximum_created_date": BOUND}),
    st.fixed_dictionaries({"minimum_created_date": BOUND, "maximum_created_date": BOUND}),
    st.fixed_dictionaries({"age": st.integers(0, NOW - TIMES[0] + DAY)}),
    st.fixed_dictionaries({"age": st.integers(0, 12 * DAY), "maximum_created_date": BOUND}),
)
PAGING = st.fixed_dictionaries(
    {},
    optional={
        "page_size": st.sampled_from([1, 3, 20, 200]),
        "page_number": st.integers(1, 3),
        "sort_by": st.sampled_from(["date_created", "name", "date_modified"]),
        "sort_direction": st.sampled_from(["asc", "desc"]),
        "include_converted_leads": st.booleans(),
    },
)
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _counted_through_the_index(created: Created, kind: RecordType, body: dict[str, Any]) -> Any:
    with mock.patch.object(created_window, "_whole_days", lambda *_: None):
        return created.search(kind, body)


@SETTINGS
@given(window=WINDOWS, paging=PAGING, kind=st.sampled_from([PERSON, LEAD]))
def test_a_window_gives_the_total_and_page_of_counting_every_match(
    created: Created, window: dict[str, Any], paging: dict[str, Any], kind: RecordType
) -> None:
    body = window | paging
    ids, total = created.search(kind, body)
    assert total == created.expected_total(kind, body), body
    assert (ids, total) == _counted_through_the_index(created, kind, body), body


LOW, HIGH = BASE - 3_600, BASE + 6 * DAY + 3_600
"""Days 0..5 whole, and a part of day -1 and of day 6 (their last and first hours)."""


@pytest.mark.parametrize("kind", [PERSON, LEAD])
@pytest.mark.parametrize(
    ("body", "edges"),
    [
        ({"minimum_created_date": LOW, "maximum_created_date": HIGH},
         [(LOW, BASE - 1), (BASE + 6 * DAY, HIGH)]),
        ({"minimum_created_date": LOW}, [(LOW, BASE - 1)]),
        ({"maximum_created_date": HIGH}, [(BASE + 6 * DAY, HIGH)]),
        ({"age": NOW - LOW}, [(LOW, BASE - 1)]),
    ],
)  # fmt: skip
def test_only_the_partial_days_are_counted_through_the_index(
    created: Created, kind: RecordType, body: dict[str, int], edges: list[tuple[int, int]]
) -> None:
    """An open end holds its whole days: nothing is counted there."""
    spans: list[tuple[int, int]] = []
    counted = created_window.count_up_to

    def count_up_to(conn: Any, table: Any, account: int, where: list[Any], limit: int) -> int:
        spans.append((where[0].right.value, where[1].right.value))
        return counted(conn, table, account, where, limit)

    with mock.patch.object(created_window, "count_up_to", count_up_to):
        _, total = created.search(kind, body)
    assert spans == edges
    assert total == created.expected_total(kind, body)


@pytest.mark.parametrize("cap", [1, 5, 6, 7, 40])
def test_the_total_stops_at_the_cap(
    created: Created, cap: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Capped by the whole days (5 records a day), or on the way through an edge."""
    monkeypatch.setattr(created_window, "MAX_REACHABLE", cap)
    for low in (BASE - 1, BASE + 1, BASE - DAY // 2):
        body = {"minimum_created_date": low, "maximum_created_date": BASE + 5 * DAY - 2}
        _, total = created.search(PERSON, body)
        assert total == min(cap, created.expected_total(PERSON, body)), body


def _plans(created: Created, body: dict[str, Any]) -> list[tuple[str, str]]:
    """Each statement the search ran that reads the counters or counts, and its plan."""
    plans = []
    with read(created.engine) as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:  # a few dozen rows: ask whether the index serves, not what is cheapest
            conn.exec_driver_sql("ANALYZE people")
            conn.exec_driver_sql("SET enable_seqscan = off")
        try:
            search = parse_search(PERSON, body, {}, list)
            with statements_run(conn) as ran:
                run_search(conn, created.account, 1, NOW, search)
            explain = "EXPLAIN" if postgres else "EXPLAIN QUERY PLAN"
            for statement, params in ran:
                if "value_counts" in statement or "count(*)" in statement:
                    rows = conn.exec_driver_sql(f"{explain} {statement}", params).all()
                    plans.append((statement, "\n".join(str(row[-1]) for row in rows)))
        finally:
            if postgres:  # the pooled connection serves the module's other tests
                conn.exec_driver_sql("RESET enable_seqscan")
    return plans


def test_the_days_are_a_range_of_the_counters_and_an_edge_of_the_index(
    created: Created,
) -> None:
    plans = _plans(created, {"minimum_created_date": LOW, "maximum_created_date": HIGH})
    days = [p for s, p in plans if "sum(value_counts.n)" in s]
    edges = [p for s, p in plans if "count(*)" in s]
    assert len(days) == 1 and len(edges) == 2, plans
    assert "value_counts_pkey" in days[0] or "PRIMARY KEY" in days[0], days
    for plan in edges:
        assert "ix_people_date_created" in plan, plan
        sqlite_range = "date_created>? AND date_created<?"
        postgres_range = "(date_created >= " in plan and "(date_created <= " in plan
        assert sqlite_range in plan or postgres_range, plan
