"""Page plans: when walking the sort index pays, SQLite is told to walk it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from sqlalchemy import CompoundSelect, Connection, Select, create_engine, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.elements import ColumnElement

from verdigris.domain.declarations import LEAD, PERSON, declaration
from verdigris.domain.types import RecordType
from verdigris.parsing.search import parse_search
from verdigris.parsing.terms import Bounds, CustomFieldFilter, Equals, Options
from verdigris.search import steering
from verdigris.search.execute import CounterKey, counter_key
from verdigris.search.filters import clause
from verdigris.search.paging import (
    MAX_REACHABLE,
    SMALL_MATCH_SET,
    Order,
    _filled,
    _gathered,
    _indexed_ids,
    _walk_pays,
)
from verdigris.search.scope import Scope
from verdigris.search.steering import steer
from verdigris.storage import schema
from verdigris.storage.dialect import SHORT_LIST, AnyCase, by_case, in_values, row_wise


def test_walk_names_the_sort_index_on_sqlite() -> None:
    people = schema.people
    where = [people.c.account_id == 1, people.c.date_created >= 5]
    statement = _filled(people, where, Order(people.c.first_name_key)).offset(99_980).limit(20)
    sql = str(statement.compile(dialect=sqlite.dialect()))
    assert "people INDEXED BY ix_people_first_name_key" in sql
    assert "UNION" not in sql  # the page steps the index; nothing is sorted again


def test_walk_pays_for_dense_matches_only() -> None:
    assert not _walk_pays(SMALL_MATCH_SET, 20, 1_000_000)
    assert _walk_pays(MAX_REACHABLE, 100_000, 1_000_000)  # capped: matches are dense
    assert _walk_pays(50_000, 20, 1_000_000)  # page 1: ~400 index steps
    assert not _walk_pays(6_000, 6_000, 1_000_000)  # last page of sparse matches: sort them


@pytest.fixture
def sqlite_conn() -> Iterator[Connection]:
    engine = create_engine("sqlite://")
    schema.metadata.create_all(engine)
    with engine.connect() as conn:
        yield conn
    engine.dispose()


def _plan(conn: Connection, where: ColumnElement[bool]) -> list[str]:
    people = schema.people
    statement = select(people.c.id).where(people.c.account_id == 1, where)
    sql = statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = tuple(sql.params[name] for name in sql.positiontup or ())
    return [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)]


def test_address_filter_looks_up_both_indexes(sqlite_conn: Connection) -> None:
    scope = Scope(sqlite_conn, 1, 1, 0, RecordType.PERSON)
    found = clause(scope, PERSON.filter_by_key["postal_code"], Equals("18503", allow_empty=False))
    plan = _plan(sqlite_conn, found)
    assert any("ix_people_zip_key" in step for step in plan), plan
    assert any("ix_people_postal_code_padded" in step for step in plan), plan
    # The people rows are reached by the ids the indexes gave, not by a walk over the
    # account testing each row (what `id IN (...) = 1` made of it).
    assert any("(account_id=? AND id=?)" in step for step in plan), plan


def test_long_id_lists_are_looked_up(sqlite_conn: Connection) -> None:
    people = schema.people
    clause = in_values(people.c.id, list(range(SHORT_LIST + 1)))
    plan = _plan(sqlite_conn, clause)
    assert any("json_each" in step for step in plan), plan
    assert any("(account_id=? AND id=?)" in step for step in plan), plan


def test_address_filter_is_one_or_on_postgresql() -> None:
    people = schema.people
    clause = AnyCase(people, people.c.account_id == 1, [people.c.city_key == "x"])
    sql = str(select(people.c.id).where(clause).compile(dialect=postgresql.dialect()))
    assert "UNION" not in sql
    assert "people.city_key = " in sql


def test_a_walk_tests_address_cases_row_by_row(sqlite_conn: Connection) -> None:
    people = schema.people
    scope = Scope(sqlite_conn, 1, 1, 0, RecordType.PERSON)
    found = clause(scope, PERSON.filter_by_key["country"], Equals("us", allow_empty=False))
    where = [people.c.account_id == 1, row_wise(found)]
    statement = _filled(people, where, Order(people.c.date_modified)).limit(20)
    sql = str(statement.compile(dialect=sqlite.dialect()))
    assert "UNION" not in sql  # a lookup gathers each case's ids; a walk must not
    assert "people INDEXED BY ix_people_date_modified" in sql
    assert "UNION" in str(select(people.c.id).where(found).compile(dialect=sqlite.dialect()))


def test_a_few_thousand_matches_walk_only_when_the_walk_is_shorter() -> None:
    assert _walk_pays(4_000, 20, 100_000)  # ~500 index steps against 4,000 to sort
    assert not _walk_pays(4_000, 20, 1_000_000)  # ~5,000 steps: sorting is cheaper


def test_more_matches_walk_up_to_a_few_steps_a_match() -> None:
    """A step of a walk costs about a third of a match gathered and sorted (WALK_SHARE)."""
    assert not _walk_pays(5_155, 200, 950_000)  # 7.2 steps a match: 71-100 ms walked, 36-52 sorted
    assert _walk_pays(8_733, 200, 950_000)  # 2.5 steps a match: 49 ms walked, 55 sorted
    assert _walk_pays(50_000, 2_000, 950_000)  # page 10 of 200: 0.76 steps a match
    assert not _walk_pays(20_000, 2_000, 950_000)  # 4.75 steps a match


def _counters(record_type: RecordType, body: dict[str, object]) -> CounterKey | None:
    search = parse_search(record_type, body, {}, dict)
    return counter_key(declaration(record_type), search.filters)


@pytest.mark.parametrize(
    ("record_type", "body", "expected"),
    [
        (RecordType.LEAD, {"status_ids": [7, 5, 7]}, ("status_id", ("5", "7"))),
        (RecordType.PERSON, {"assignee_ids": [3, -2]}, ("assignee_id", ("3", ""))),
        (RecordType.PERSON, {"state": {"value": "PA", "allow_empty": True}}, ("state", ("pa", ""))),
        (
            RecordType.PERSON,
            {"tags": {"value": ["vip"], "allow_empty": True}},
            ("tag", ("vip", "")),
        ),
        (
            RecordType.PERSON,
            {"tags": {"value": ["vip"], "option": "ALL", "allow_empty": True}},
            ("tag", ("vip", "")),
        ),
        (RecordType.OPPORTUNITY, {"priorities": ["High", "Low"]}, ("priority", ("High", "Low"))),
    ],
)
def test_a_total_over_one_single_valued_field_sums_its_counters(
    record_type: RecordType, body: dict[str, object], expected: CounterKey
) -> None:
    """A record holds one value of such a field: the counts of distinct values add up,
    so the total needs no count over the records."""
    assert _counters(record_type, body) == expected


@pytest.mark.parametrize(
    "body",
    [
        {"tags": {"value": ["vip", "new"], "option": "ANY"}},  # a record may hold both
        {"tags": {"value": ["vip", "new"], "option": "ALL"}},
        {"status_ids": [5], "state": "PA"},  # two filters
    ],
)
def test_overlapping_counters_are_not_summed(body: dict[str, object]) -> None:
    assert _counters(RecordType.LEAD, body) is None


def _steered(
    conn: Connection, body: dict[str, object], address_matches: int, **matches: int
) -> list[str]:
    """EXPLAIN of a search's filters after steering, the counters saying
    `address_matches` for the address value and `matches` for other filters."""
    search = parse_search(RecordType.PERSON, body, {}, dict)
    scope = Scope(conn, 1, 1, 0, RecordType.PERSON)
    clauses = {k: clause(scope, PERSON.filter_by_key[k], v) for k, v in search.filters.items()}
    counted = lambda key: matches.get(key, address_matches)  # noqa: E731
    steered = steer(conn, schema.people, 1, search, clauses, counted)
    # As the count gathers the matches: an address value at the start case by case.
    statement = _gathered(schema.people, 1, list(steered.values()), "sqlite", [literal(1)], None)
    return _explain(conn, statement)


def _explain(conn: Connection, statement: Select[Any] | CompoundSelect[Any]) -> list[str]:
    sql = statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = tuple(sql.params[name] for name in sql.positiontup or ())
    return [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)]


STATE_AND_RANGES = {"state": "OR", "minimum_interaction_date": 10,
                    "maximum_interaction_date": 20, "minimum_interaction_count": 2}  # fmt: skip
RANGE_STEPS = ("date_last_contacted>?", "interaction_count>?")
STATE_CREATED_AND_COUNT = {"state": "OR", "minimum_created_date": 10,
                           "maximum_created_date": 20, "minimum_interaction_count": 2}  # fmt: skip


def test_sqlite_starts_from_a_range_that_reaches_fewer_rows(sqlite_conn: Connection) -> None:
    plan = _steered(sqlite_conn, STATE_AND_RANGES, address_matches=50)  # the ranges: 0 rows
    assert any(range_step in step for step in plan for range_step in RANGE_STEPS), plan


def test_of_two_ranges_sqlite_starts_from_the_narrower_and_tests_the_rest_on_its_rows(
    sqlite_conn: Connection,
) -> None:
    """Each candidate's row is read for the other range: the state is tested there too,
    not gathered from its index, and the wider range off its own."""
    plan = _steered(sqlite_conn, STATE_AND_RANGES, address_matches=50)
    assert sum(range_step in step for step in plan for range_step in RANGE_STEPS) == 1, plan
    assert not any("state" in step for step in plan), plan


def test_sqlite_starts_from_the_address_value_when_no_range_is_narrower(
    sqlite_conn: Connection,
) -> None:
    """SQLite guesses any two-sided range narrow; the counters know the address value's
    matches, and a range reaching as many rows is tested on those instead. Each case of
    the value is read from its own index, not gathered into a list of ids first."""
    body = {"state": "OR", "minimum_interaction_count": 2, "maximum_interaction_count": 9}
    plan = _steered(sqlite_conn, body, address_matches=0)
    assert not any(range_step in step for step in plan for range_step in RANGE_STEPS), plan
    assert any("(account_id=? AND state_key=?)" in step for step in plan), plan
    assert any("ix_people_state_padded" in step for step in plan), plan
    assert not any("LIST SUBQUERY" in step for step in plan), plan


def test_an_address_value_within_a_date_range_is_one_range_of_their_index(
    sqlite_conn: Connection,
) -> None:
    """A state's records created in a window: one range of (state, date_created), the
    other range tested on its rows (California, 227,000 people, over 30% of the span:
    391 ms from the state's index, 5 ms from this one); the interaction count from the
    index's own entries, no row read (California's leads: 145 -> 26 ms)."""
    plan = _steered(sqlite_conn, STATE_CREATED_AND_COUNT, address_matches=50)
    ranged = "COVERING INDEX ix_people_state_date_created (account_id=? AND state_key=? AND date_"
    assert any(ranged in step for step in plan), plan
    assert not any("interaction_count>?" in step for step in plan), plan
    assert not any("LIST SUBQUERY" in step for step in plan), plan


def test_every_filter_broad_starts_from_the_address_value_indexed_with_a_range(
    sqlite_conn: Connection,
) -> None:
    """A common tag (fewer holders than the country has people), a country and half the
    modified span: too broad to probe, so SQLite would start from the modified dates
    and test each entry against the tag's and the country's gathered ids (540 ms at
    1,000,000 people); the country's index with the dates reaches fewer (99 ms)."""
    plan = _steered(sqlite_conn, TAG_COUNTRY_AND_RANGE, address_matches=240_000, tags=230_000)
    ranged = "ix_people_country_date_modified (account_id=? AND country_key=? AND date_mod"
    assert any(ranged in step for step in plan), plan
    assert any("record_tags" in s and "record_id=?" in s for s in plan), plan  # looked up
    assert not any("LIST SUBQUERY" in step for step in plan), plan


def test_only_an_address_value_at_the_start_is_split_into_its_cases() -> None:
    people = schema.people
    value = Equals("or", allow_empty=True)
    found = clause(Scope(None, 1, 1, 0, RecordType.PERSON), PERSON.filter_by_key["state"], value)  # type: ignore[arg-type]
    assert isinstance(found, AnyCase)
    where = [found, people.c.interaction_count >= 2]
    assert by_case("sqlite", where) == [(where, None)]  # tested against another filter's start
    started = [found.as_start(), where[1]]
    assert [w[0] for w, _ in by_case("sqlite", started)] == found.cases
    assert all(w[1] is where[1] and alone is None for w, alone in by_case("sqlite", started))
    # PostgreSQL: every case apart, started or not (test_postgres_plans.py); a value with
    # its empty records (three cases) gathers none of them alone.
    assert [(w[0], alone) for w, alone in by_case("postgresql", where)] == [
        (case, None) for case in found.cases
    ]


TAG_COUNTRY_AND_RANGE = {"tags": ["vip"], "country": "US", "minimum_modified_date": 10,
                         "maximum_modified_date": 20}  # fmt: skip


def test_sqlite_starts_from_a_tag_held_by_fewer_records_than_the_address_value(
    sqlite_conn: Connection,
) -> None:
    """The tag's postings are the start; the country and the range are tested on the
    rows they lead to (people of a rare tag in India, half the modified span: 196 -> 36
    ms to count)."""
    plan = _steered(sqlite_conn, TAG_COUNTRY_AND_RANGE, address_matches=1_000, tags=0)
    assert any("record_tags" in step and "tag_key=?" in step for step in plan), plan
    assert not any("country" in step or "date_modified" in step for step in plan), plan


TAG_AND_RANGE = {"tags": ["vip"], "minimum_modified_date": 10, "maximum_modified_date": 20}


@pytest.mark.parametrize(("tag_held", "from_the_tag"), [(60_000, True), (90_000, False)])
def test_a_wide_range_beside_a_tag_of_many_is_probed_further_without_an_address_value(
    sqlite_conn: Connection, tag_held: int, from_the_tag: bool
) -> None:
    """A tag of 60,000 and a modified window, no address value to start from: the range
    is probed up to five times the tag's holders (MAX_LONE_PROBE), and where it reaches
    that many the search starts from the tag (leads over most of the span: 290 -> 117
    ms); past the probe's bound SQLite keeps its start, the range."""
    reaches_its_limit = lambda *args: args[-1]  # noqa: E731
    with mock.patch.object(steering, "count_up_to", reaches_its_limit):
        plan = _steered(sqlite_conn, TAG_AND_RANGE, address_matches=0, tags=tag_held)
    assert any("record_tags" in s and "tag_key=?" in s for s in plan), plan
    from_the_range = any("date_modified>?" in step for step in plan)
    assert from_the_range is not from_the_tag, plan


@pytest.mark.parametrize("country", ["US", {"value": "US", "allow_empty": True}])
def test_a_tag_held_by_fewer_records_is_merged_with_the_address_values_records(
    sqlite_conn: Connection, country: object
) -> None:
    """A tag of 1,000 in a country of 5,000, the range too broad to start from: the
    tag's postings and each case's run of the country's records, all in record order,
    are merged, and only the records both hold are read for the country and the range
    (leads of a tag of 12,500 in Canada over half the modified span: 27.7 -> 13.6 ms)."""
    body = TAG_COUNTRY_AND_RANGE | {"country": country}
    with mock.patch.object(steering, "WIDER", 0):  # the range reaches too many
        plan = _steered(sqlite_conn, body, address_matches=5_000, tags=1_000)
    assert "MERGE (INTERSECT)" in plan, plan
    assert any("record_tags" in step and "tag_key=?" in step for step in plan), plan
    assert any("(account_id=? AND country_key=?)" in step for step in plan), plan
    assert any("ix_people_country_padded" in step for step in plan), plan
    assert not any("B-TREE" in step for step in plan), plan  # nothing sorted: merged runs


def test_a_tag_held_by_far_fewer_records_reads_them_not_the_address_values(
    sqlite_conn: Connection,
) -> None:
    """A country of 50,000 holds too many records to merge with a tag of 1,000: reading
    the tag's 1,000 records costs less (ROW_READ_COST)."""
    with mock.patch.object(steering, "WIDER", 0):
        plan = _steered(sqlite_conn, TAG_COUNTRY_AND_RANGE, address_matches=50_000, tags=1_000)
    assert "MERGE (INTERSECT)" not in plan, plan
    assert any("record_tags" in step and "tag_key=?" in step for step in plan), plan
    assert not any("country" in step for step in plan), plan


def test_a_tag_held_by_far_more_records_is_looked_up_not_gathered(
    sqlite_conn: Connection,
) -> None:
    """Gathering a common tag's ids costs one index entry each, however few rows the
    country leads to: each of those looks the tag up instead. The country's records
    come case by case from its indexes (one with its dates serves as well)."""
    body = {"tags": ["vip"], "country": "US"}
    plan = _steered(sqlite_conn, body, address_matches=1_000, tags=200_000)
    assert not any("LIST SUBQUERY" in step for step in plan), plan
    assert any("record_tags" in s and "record_id=?" in s for s in plan), plan
    assert any("(account_id=? AND country_key=?)" in step for step in plan), plan
    assert any("ix_people_country_padded" in step for step in plan), plan


def test_a_walk_gathers_a_child_filter_only_when_its_lookups_cost_more() -> None:
    """A walk passing 50 rows: one seek each (50) against gathering the filter's ids,
    as many as the counters say (100: look up), or as the search's matches (10: gather)."""
    tags = schema.record_tags
    test = Scope(None, 1, 1, 0, RecordType.PERSON).child_ids(tags, tags.c.tag_key == "vip")  # type: ignore[arg-type]
    sql = lambda c: str(c.compile(dialect=sqlite.dialect()))  # noqa: E731
    assert "EXISTS" in sql(row_wise(test.gathering(lambda: 100), rows_passed=50, matches=10))
    assert "EXISTS" not in sql(row_wise(test, rows_passed=50, matches=10))
    assert "EXISTS" in sql(row_wise(test, rows_passed=None, matches=10))


@pytest.mark.parametrize(
    "statement",
    [
        # a page walked along the name index, converted leads left out
        _filled(
            schema.leads,
            [schema.leads.c.account_id == 1, ~schema.leads.c.is_converted],
            Order(schema.leads.c.name_key),
        ),
        # a count over a created-date range
        select(schema.leads.c.id).where(
            schema.leads.c.account_id == 1,
            schema.leads.c.date_created >= 5,
            ~schema.leads.c.is_converted,
        ),
    ],
    ids=["walk", "range"],
)
def test_leads_read_their_converted_flag_from_the_index(
    sqlite_conn: Connection, statement: Select[Any]
) -> None:
    """Every lead search leaves converted leads out: the flag comes from the index the
    search steps, not from a row read per entry."""
    sql = statement.compile(dialect=sqlite_conn.dialect, compile_kwargs={"literal_binds": True})
    plan = [row[-1] for row in sqlite_conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
    assert len(plan) == 1 and "USING COVERING INDEX ix_leads_" in plan[0], plan


def test_every_index_of_leads_ends_with_the_converted_flag() -> None:
    """But the one of converted leads alone (record_tables.flag_set_index)."""
    for index in schema.leads.indexes:
        if index.name != "ix_leads_is_converted_set":
            assert [c.name for c in index.columns][-1] == "is_converted", index.name


def test_leads_gathered_by_a_child_filter_are_counted_from_the_index(
    sqlite_conn: Connection,
) -> None:
    """The ids a tag (or custom field, email, name) gathers are tested with the
    converted flag in one index, not by a row read each (57,000 leads: 155 -> 38 ms)."""
    leads, tags = schema.leads, schema.record_tags
    holders = select(tags.c.record_id).where(
        tags.c.account_id == 1, tags.c.record_type == 2, tags.c.tag_key == "vip"
    )
    statement = select(leads.c.id).where(
        leads.c.account_id == 1, leads.c.id.in_(holders), ~leads.c.is_converted
    )
    sql = statement.compile(dialect=sqlite_conn.dialect, compile_kwargs={"literal_binds": True})
    plan = [row[-1] for row in sqlite_conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}")]
    assert any("COVERING INDEX ix_leads_id_is_converted" in step for step in plan), plan


def test_all_of_two_tags_looks_the_first_tags_holders_up_for_the_second(
    sqlite_conn: Connection,
) -> None:
    """One list of ids is gathered, not two to intersect: the second tag is one seek per
    holder of the first (an empty table's plan names the primary key; at 1,000,000
    people SQLite seeks the value index, equally exact)."""
    scope = Scope(sqlite_conn, 1, 1, 0, RecordType.PERSON)
    spec = Options("ALL", ("rare", "common"), allow_empty=False)
    plan = _plan(sqlite_conn, clause(scope, PERSON.filter_by_key["tags"], spec))
    assert sum("LIST SUBQUERY" in step for step in plan) == 1, plan
    assert "CORRELATED SCALAR SUBQUERY" in " ".join(plan), plan
    assert [step for step in plan if "record_id=? AND tag_key=?" in step], plan


@pytest.mark.parametrize("holders", [{"hot": 31_350, "event": 37_422}, {}])
def test_all_of_two_tags_held_alike_gathers_their_merged_postings(
    sqlite_conn: Connection, holders: dict[str, int]
) -> None:
    """Where the counters show the second tag held by under SEEK_COST times the first's
    holders, the matches are the merge of both runs of postings, for a page to sort as
    for a count (1,186 people holding hot and event, page 1: 23 -> 11 ms; 2,492
    holding newsletter and vip: 35 -> 18 ms). Counters that do not say: the page seeks,
    the count merges."""
    scope = Scope(sqlite_conn, 1, 1, 0, RecordType.PERSON, holders)
    found = clause(scope, PERSON.filter_by_key["tags"], Options("ALL", ("hot", "event"), False))
    gathered = _plan(sqlite_conn, found)
    assert ("MERGE (INTERSECT)" in gathered) == bool(holders), gathered
    assert "MERGE (INTERSECT)" in _count_plan(sqlite_conn, schema.people, [found])


def test_all_of_a_rare_and_a_common_tag_seeks_the_common_one(sqlite_conn: Connection) -> None:
    """200 holders of the first tag are 200 seeks, where the merge would read every one
    of the second's 234,455 postings: the count seeks too."""
    holders = {"rare": 200, "customer": 234_455}
    scope = Scope(sqlite_conn, 1, 1, 0, RecordType.PERSON, holders)
    found = clause(scope, PERSON.filter_by_key["tags"], Options("ALL", ("rare", "customer"), False))
    for plan in (_plan(sqlite_conn, found), _count_plan(sqlite_conn, schema.people, [found])):
        assert "MERGE (INTERSECT)" not in plan, plan
        assert [step for step in plan if "record_id=? AND tag_key=?" in step], plan


def test_postgresql_never_merges_the_postings_of_all_tags() -> None:
    """PostgreSQL hashes an INTERSECT (132 ms for two common tags, seeks 58 ms)."""
    conn: Any = type("Conn", (), {"dialect": postgresql.dialect()})()
    scope = Scope(conn, 1, 1, 0, RecordType.PERSON, {"hot": 31_350, "event": 37_422})
    found = clause(scope, PERSON.filter_by_key["tags"], Options("ALL", ("hot", "event"), False))
    sql = str(select(schema.people.c.id).where(found).compile(dialect=postgresql.dialect()))
    assert "INTERSECT" not in sql and "EXISTS" in sql, sql


def _count_plan(conn: Connection, table: Any, where: list[ColumnElement[bool]]) -> list[str]:
    ids = _indexed_ids(table, 1, where)
    assert ids is not None, "counted through the matches' rows, not the value index"
    sql = select(func.count()).select_from(ids.limit(MAX_REACHABLE + 1).subquery())
    compiled = sql.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True})
    return [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}")]


def _custom(data_type: str, condition: Any) -> CustomFieldFilter:
    return CustomFieldFilter(7, data_type, condition)


@pytest.mark.parametrize(
    "entry",
    [
        _custom("Checkbox", True),
        _custom("Date", Bounds(5, 9)),
        _custom("Dropdown", Options("ANY", (3,), allow_empty=False)),
        _custom("MultiSelect", Options("ANY", (3, 4), allow_empty=False)),
    ],
    ids=["checkbox", "date", "dropdown", "multiselect"],
)
def test_a_lone_custom_field_is_counted_from_its_value_index(
    sqlite_conn: Connection, entry: CustomFieldFilter
) -> None:
    """No record is read to count a custom field alone (100,000 people holding a
    checkbox: 120 -> 13 ms); two MultiSelect options count the second's holders that
    lack the first, by a seek each (an empty table's plan names the value index; at
    1,000,000 people SQLite seeks the primary key, equally exact)."""
    scope = Scope(sqlite_conn, 1, 1, 0, RecordType.PERSON)
    where = clause(scope, PERSON.filter_by_key["custom_fields"], (entry,))
    plan = _count_plan(sqlite_conn, schema.people, [where])
    assert not any("people" in step for step in plan), plan
    assert any("ix_cfv_number" in step for step in plan), plan
    if entry.data_type == "MultiSelect":
        assert any("record_id=?" in step for step in plan), plan  # one seek per row


def test_a_lone_custom_field_of_leads_leaves_out_the_converted_read_once(
    sqlite_conn: Connection,
) -> None:
    """The converted leads' ids are read once from their own index, not each match's
    flag tested (100,000 leads holding a checkbox: 71 -> 35 ms; PostgreSQL 125 -> 30)."""
    scope = Scope(sqlite_conn, 1, 1, 0, RecordType.LEAD)
    entry = _custom("Checkbox", True)
    custom = clause(scope, LEAD.filter_by_key["custom_fields"], (entry,))
    where = [custom, ~schema.leads.c.is_converted]
    plan = _count_plan(sqlite_conn, schema.leads, where)
    assert any("LIST SUBQUERY" in step for step in plan), plan
    assert any("ix_leads_is_converted_set" in step for step in plan), plan
    assert not any("ix_leads_id_is_converted" in step for step in plan), plan
    # Any other filter of the lead's row: counted through the matches, as before.
    assert _indexed_ids(schema.leads, 1, [custom, schema.leads.c.date_created >= 5]) is None


def test_a_multiselect_counts_its_ids_once_only_when_each_is_one_row() -> None:
    """'Has a value' of a MultiSelect (a row per option) is not counted by its rows."""
    scope = Scope(None, 1, 1, 0, RecordType.PERSON)  # type: ignore[arg-type]
    has = clause(scope, PERSON.filter_by_key["custom_fields"], (_custom("MultiSelect", True),))
    assert _indexed_ids(schema.people, 1, [has]) is None


def test_all_of_two_tags_alone_is_counted_by_merging_their_postings(
    sqlite_conn: Connection,
) -> None:
    """Each tag's postings in record order, merged (people holding two common tags:
    146 -> 42 ms); no person is read to count them."""
    scope = Scope(sqlite_conn, 1, 1, 0, RecordType.PERSON)
    spec = Options("ALL", ("rare", "common"), allow_empty=False)
    plan = _count_plan(
        sqlite_conn, schema.people, [clause(scope, PERSON.filter_by_key["tags"], spec)]
    )
    assert "MERGE (INTERSECT)" in plan, plan
    assert not any("people" in step for step in plan), plan
