"""PostgreSQL's plans of an address value: its cases apart, so that each is a range of
the index that holds it with the other filters' columns (dialect.by_case,
dialect.walked_apart). Planned on 40,000 analyzed people, as the planner would at scale."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, and_, func, literal, select, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import new_postgres_database
from tests.search.statements import statements_run
from verdigris.domain.declarations import PERSON
from verdigris.domain.paging import Paging
from verdigris.domain.types import RecordType
from verdigris.parsing.search import parse_search
from verdigris.parsing.terms import Equals
from verdigris.search.execute import run_search
from verdigris.search.filters import clause
from verdigris.search.paging import Order, _gathered, page_ids
from verdigris.search.scope import Scope
from verdigris.storage import schema
from verdigris.storage.dialect import AnyCase, by_case, planned_for_values, walked_apart
from verdigris.storage.engine import create_db_engine
from verdigris.storage.records import load_records

pytestmark = pytest.mark.postgresql

PEOPLE = 40_000
COUNTRIES = 4
SPAN = 1_000_000
MATCHES = PEOPLE // COUNTRIES // 4
"""About as many people of one country within the window: dense enough to walk."""
PREPARED = "SELECT statement FROM pg_prepared_statements"
"""The statements psycopg has prepared on the connection."""


@pytest.fixture(scope="module")
def conn() -> Iterator[Connection]:
    with new_postgres_database() as url:
        engine = create_db_engine(url)
        schema.metadata.create_all(engine)
        _people(engine)
        with engine.connect() as connection:
            yield connection
        engine.dispose()


def _people(engine: Engine) -> None:
    """People spread over COUNTRIES countries and SPAN seconds of modification; a few
    with their country written padded (`' c0 '`, found by its match key)."""
    with engine.begin() as connection:
        connection.execute(schema.accounts.insert(), {"id": 1, "name": "a"})
        connection.execute(
            text(
                "INSERT INTO people (account_id, id, phone_numbers, socials, tags, websites,"
                " custom_fields, emails, leads_converted_from, date_created, date_modified,"
                " interaction_count, country_key, country_match)"
                " SELECT 1, n, '[]', '[]', '[]', '[]', '{}', '[]', '[]', n, (n * 7919) % :span,"
                " n % 5, CASE WHEN n % 1000 = 0 THEN ' c' || (n % :countries) || ' '"
                " ELSE 'c' || (n % :countries) END, 'c' || (n % :countries)"
                " FROM generate_series(1, :people) AS n"
            ),
            {"people": PEOPLE, "countries": COUNTRIES, "span": SPAN},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE people"))


def _where(conn: Connection, country: str) -> list[Any]:
    people = schema.people
    scope = Scope(conn, 1, 1, 0, RecordType.PERSON)
    found = clause(scope, PERSON.filter_by_key["country"], Equals(country, allow_empty=False))
    assert isinstance(found, AnyCase)
    window = [people.c.date_modified >= SPAN // 4, people.c.date_modified <= SPAN // 2]
    return [found, *window]


def _explain(conn: Connection, statement: Any) -> str:
    sql = statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    rows = conn.exec_driver_sql(f"EXPLAIN {sql}", sql.params)
    return "\n".join(row[0] for row in rows)


def test_each_case_of_an_address_value_is_counted_apart() -> None:
    """Every combination of the cases of every address value, the other filters kept;
    a combination with a padded case (the second of two) gathered by that case alone."""
    people = schema.people
    state = AnyCase(people, people.c.account_id == 1, [people.c.state_key == "a", people.c.id < 0])
    country = AnyCase(people, people.c.account_id == 1, [people.c.country_key == "b"])
    window = people.c.date_created > 5
    parts = by_case("postgresql", [state, window, country])
    assert [w for w, _ in parts] == [[state.cases[0], window, country.cases[0]],
                                     [state.cases[1], window, country.cases[0]]]  # fmt: skip
    alone = [None if a is None else str(a) for _, a in parts]
    assert alone == [None, str(and_(state.scope, state.cases[1]))]


def test_the_padded_case_is_counted_through_its_own_index_beside_another_filters(
    conn: Connection,
) -> None:
    """People of a country created among the first tenth: the padded case's part reads
    the padded case's partial index (its records gathered alone), not the creation
    dates' index, which the planner preferred, judging the partial index by the
    value's share of the table (California's leads created in a window with 3+
    interactions at 1,000,000: the interaction counts' index, 291 ms reading 61,000
    pages for no match)."""
    people = schema.people
    where = [_where(conn, "c0")[0], people.c.date_created <= PEOPLE // 10]
    count = _gathered(people, 1, where, "postgresql", [literal(1)], None)
    plan = _explain(conn, count)
    assert "ix_people_country_padded" in plan, plan
    assert "Bitmap Index Scan on ix_people_date_created" not in plan, plan
    found = conn.execute(select(func.count()).select_from(count.subquery())).scalar_one()
    expected = select(func.count()).where(
        people.c.account_id == 1,
        people.c.country_match == "c0",
        people.c.date_created <= PEOPLE // 10,
    )
    assert found == conn.execute(expected).scalar_one() > 0


def test_a_country_within_a_window_is_counted_from_the_index_of_both(conn: Connection) -> None:
    """Not a bitmap of the country's two cases, which then reads every row (New York's
    27,000 leads created within a window: 251 -> 16 ms at 1,000,000)."""
    where = _where(conn, "c0")
    count = _gathered(schema.people, 1, where, "postgresql", [literal(1)], None)
    plan = _explain(conn, count)
    assert "Index Only Scan using ix_people_country_date_modified" in plan, plan
    assert "ix_people_country_padded" in plan, plan  # the padded case, through its own


def test_a_walk_takes_the_value_and_its_padded_form_apart(conn: Connection) -> None:
    found, *window = _where(conn, "c0")
    parts = walked_apart("postgresql", [found, *window])
    assert [clauses for clauses, _ in parts] == [
        [found.cases[0], *window],
        [found.cases[1], *window],
    ]
    value, padded = parts
    assert value[1] is None
    assert str(padded[1]) == str(and_(found.scope, found.cases[1]))  # gathered by it alone
    assert walked_apart("sqlite", [found, *window]) == [([found, *window], None)]
    with_empty = clause(
        Scope(conn, 1, 1, 0, RecordType.PERSON),
        PERSON.filter_by_key["country"],
        Equals("c0", allow_empty=True),
    )
    assert walked_apart("postgresql", [with_empty]) == [([with_empty], None)]


@pytest.mark.parametrize("descending", [True, False])
def test_a_page_by_date_walks_the_index_of_the_country_and_dates(
    conn: Connection, descending: bool
) -> None:
    """The value's part along the index of the country and the dates, read alone; the
    padded part gathered whole (a CTE: the planner sees no LIMIT that would have it
    look for its few records along a whole sort index)."""
    people = schema.people
    where = [people.c.account_id == 1, *_where(conn, "c0")]
    order = Order(people.c.date_modified, descending=descending, nullable=False)
    ids, (page, plan) = _paged(conn, where, order, MATCHES)
    assert ids == _expected(conn, descending)
    assert "Index Only Scan Backward using ix_people_country_date_modified" in plan or (
        not descending and "Index Only Scan using ix_people_country_date_modified" in plan
    ), plan
    assert "CTE gathered_1" in plan, plan
    assert "Gather" not in plan, plan  # no parallel workers (below)


def test_the_padded_case_is_gathered_through_its_own_index_beside_a_bound(
    conn: Connection,
) -> None:
    """A walk bounded along the sort index (its budget): the padded case's records are
    gathered by that case alone, through its partial index. With the bound beside it,
    the planner judged that index by the value's share of the whole table and walked
    the sort index up to the bound instead (a common state's page of 200 people at
    1,000,000: 43 ms for no match)."""
    people = schema.people
    found = _where(conn, "c0")[0]
    order = Order(people.c.date_created, descending=False, nullable=False)
    ids, (page, plan) = _paged(conn, [found], order, PEOPLE // COUNTRIES)
    country = people.c.country_match == "c0"
    expected = select(people.c.id).where(country).order_by(people.c.date_created, people.c.id)
    assert ids == [int(i) for i in conn.execute(expected.limit(20)).scalars()]
    assert "<=" in page  # the walk is bounded
    assert "ix_people_country_padded" in plan, plan


def _paged(
    conn: Connection, where: list[Any], order: Order, total: int
) -> tuple[list[int], tuple[str, str]]:
    """Page 1 of 20 of the people of `where` (of `total` matches among PEOPLE), and its
    last statement with that statement's plan."""
    with statements_run(conn) as ran:
        ids = page_ids(conn, schema.people, 1, where, order, Paging(1, 20), total, PEOPLE)
    page, params = ran[-1]
    plan = "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {page}", params))
    return ids, (page, plan)


def test_no_statement_starts_parallel_workers(conn: Connection) -> None:
    """Starting two workers took 4.4 ms of a 6.8 ms page at 1,000,000 people: the
    padded case's gather, judged from its index's whole range, found no row. The
    server's own workers already share the cores (the 32-client selective mix: 335-342
    -> 420-426 searches/s)."""
    assert conn.exec_driver_sql("SHOW max_parallel_workers_per_gather").scalar() == "0"
    assert conn.exec_driver_sql("SHOW jit").scalar() == "off"


def _expected(conn: Connection, descending: bool) -> list[int]:
    people = schema.people
    key = people.c.date_modified
    statement = (
        select(people.c.id)
        .where(
            people.c.account_id == 1,
            people.c.country_match == "c0",
            key >= SPAN // 4,
            key <= SPAN // 2,
        )
        .order_by(key.desc() if descending else key, people.c.id)
        .limit(20)
    )
    return [int(i) for i in conn.execute(statement).scalars()]


def test_a_prepared_search_is_still_planned_for_its_values(conn: Connection) -> None:
    """psycopg prepares a statement run five times on a connection; PostgreSQL would then
    keep a plan made for no values (a state's leads within dates, page 1: 1.9 s where
    the plan for the values took 30 ms). A search prepares none of its statements, each
    is planned for the values bound to it; the rest of the transaction (rendering the
    page) keeps psycopg's preparing, also after a search that failed."""
    searched = "SELECT count(*) FROM people WHERE account_id = %s AND interaction_count = %s"
    rendered = "SELECT count(*) FROM people WHERE account_id = %s AND date_created = %s"
    conn.rollback()
    with conn.begin():
        with planned_for_values(conn):
            for n in range(8):
                conn.exec_driver_sql(searched, (1, n % 5))
        for n in range(8):
            conn.exec_driver_sql(rendered, (1, n))
        statements = set(conn.exec_driver_sql(PREPARED).scalars())
    assert _numbered(searched) not in statements
    assert _numbered(rendered) in statements
    with pytest.raises(DBAPIError), conn.begin(), planned_for_values(conn):
        conn.exec_driver_sql("SELECT 1 / 0")
    assert conn.connection.dbapi_connection.prepare_threshold == 5  # type: ignore[union-attr]
    conn.rollback()


def _numbered(statement: str) -> str:
    """A statement as PostgreSQL shows it prepared: its placeholders numbered."""
    return statement.replace("%s", "$1", 1).replace("%s", "$2", 1)


def test_a_search_prepares_its_counters_read_alone(conn: Connection) -> None:
    """The counters' read is a primary-key lookup whatever its values (dialect.plan_kept):
    psycopg prepares it after five runs, as outside a search; the search's own
    statements stay planned for their values, and psycopg's threshold is back after."""
    search = parse_search(RecordType.PERSON, {"sort_by": "last_name"}, {}, list)
    conn.rollback()
    with conn.begin() as transaction:
        conn.execute(
            schema.value_counts.insert(),
            {"account_id": 1, "record_type": 1, "field": "*", "value": "", "n": PEOPLE},
        )
        before = set(conn.exec_driver_sql(PREPARED).scalars())
        for _ in range(8):
            ids, total = run_search(conn, 1, 1, 0, search)
            assert (len(ids), total) == (20, PEOPLE)
        prepared = set(conn.exec_driver_sql(PREPARED).scalars()) - before
        transaction.rollback()
    assert len(prepared) == 1
    assert "FROM value_counts" in prepared.pop()
    assert conn.connection.dbapi_connection.prepare_threshold == 5  # type: ignore[union-attr]
    assert "verdigris.prepare_threshold" not in conn.info


def test_a_page_of_few_keeps_its_plan(conn: Connection) -> None:
    """A lone filter few records match is gathered through its index up to the page's end
    whatever its values, so psycopg prepares its page at the first run (execute.
    _paged_first, dialect.plan_kept); more ids than the page holds are counted first,
    each statement planned for its values as before."""
    few = parse_search(RecordType.PERSON, {"ids": [5, 6, 7], "page_size": 5}, {}, list)
    many = parse_search(RecordType.PERSON, {"ids": list(range(1, 31))}, {}, list)
    conn.rollback()
    with conn.begin():
        before = set(conn.exec_driver_sql(PREPARED).scalars())
        for _ in range(8):
            assert run_search(conn, 1, 1, 0, few) == ([5, 6, 7], 3)
        kept = set(conn.exec_driver_sql(PREPARED).scalars()) - before
        for _ in range(8):
            ids, total = run_search(conn, 1, 1, 0, many)
            assert (len(ids), total) == (20, 30)
        kept_after = set(conn.exec_driver_sql(PREPARED).scalars()) - before - kept
    assert len(kept) == 1
    assert "MATERIALIZED" in kept.pop()
    assert kept_after == set()
    assert conn.connection.dbapi_connection.prepare_threshold == 5  # type: ignore[union-attr]


def test_the_sorted_page_of_a_lone_filter_keeps_its_plan(conn: Connection) -> None:
    """A lone filter's matches, counted few, are gathered through its index and sorted
    whatever its values, so psycopg prepares that page at its first run (decision
    0222); beside a second filter, which index gathers them hangs on the values, and
    each statement is planned for them as before."""
    window = {"minimum_modified_date": 0, "maximum_modified_date": 400, "page_size": 5}
    lone = parse_search(RecordType.PERSON, window, {}, list)
    two = parse_search(RecordType.PERSON, {**window, "minimum_interaction_count": 2}, {}, list)
    expected = (
        conn.execute(
            select(schema.people.c.id).where(
                schema.people.c.account_id == 1, schema.people.c.date_modified.between(0, 400)
            )
        )
        .scalars()
        .all()
    )
    conn.rollback()
    with conn.begin():
        before = set(conn.exec_driver_sql(PREPARED).scalars())
        for _ in range(3):
            ids, total = run_search(conn, 1, 1, 0, two)
            assert total < len(expected)
        assert set(conn.exec_driver_sql(PREPARED).scalars()) == before
        for _ in range(3):
            ids, total = run_search(conn, 1, 1, 0, lone)
            assert (set(ids) <= set(expected), len(ids), total) == (True, 5, len(expected))
        kept = set(conn.exec_driver_sql(PREPARED).scalars()) - before
    assert 5 < len(expected) < 1_000
    assert len(kept) == 1
    assert "MATERIALIZED" in kept.pop()
    assert conn.connection.dbapi_connection.prepare_threshold == 5  # type: ignore[union-attr]


def test_rows_by_id_are_prepared_at_their_first_read(conn: Connection) -> None:
    """A page's rows are read by primary key whatever the ids (dialect.plan_kept): psycopg
    prepares the read at once, so that PostgreSQL keeps its plan after the five it makes
    for the values first, rather than after ten; its own threshold is back after, in a
    search or not."""
    conn.rollback()
    with conn.begin():
        before = set(conn.exec_driver_sql(PREPARED).scalars())
        assert [r["id"] for r in load_records(conn, 1, RecordType.PERSON, [7, 3])] == [7, 3]
        prepared = set(conn.exec_driver_sql(PREPARED).scalars()) - before
        with planned_for_values(conn):
            load_records(conn, 1, RecordType.PERSON, [7])
            assert conn.connection.dbapi_connection.prepare_threshold is None  # type: ignore[union-attr]
    assert len(prepared) == 1
    assert "FROM people" in prepared.pop()
    assert conn.connection.dbapi_connection.prepare_threshold == 5  # type: ignore[union-attr]


def test_a_connection_that_prepares_nothing_keeps_no_plan(conn: Connection) -> None:
    """A connection set to prepare nothing (behind a pooler that cannot keep prepared
    statements) prepares nothing where plans are kept either."""
    driver = conn.connection.dbapi_connection
    conn.rollback()
    driver.prepare_threshold = None  # type: ignore[union-attr]
    try:
        with conn.begin():
            before = set(conn.exec_driver_sql(PREPARED).scalars())
            load_records(conn, 1, RecordType.PERSON, [11, 12, 13])
            search = parse_search(RecordType.PERSON, {"ids": [14, 15]}, {}, list)
            assert run_search(conn, 1, 1, 0, search) == ([14, 15], 2)
            assert set(conn.exec_driver_sql(PREPARED).scalars()) == before
            assert driver.prepare_threshold is None  # type: ignore[union-attr]
    finally:
        driver.prepare_threshold = 5  # type: ignore[union-attr]
