"""The few statements that differ between SQLite and PostgreSQL; nothing else branches."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any, TypeVar

import orjson
from sqlalchemy import (
    Boolean,
    CompoundSelect,
    Connection,
    Select,
    Table,
    Text,
    and_,
    any_,
    bindparam,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal, replacement_traverse

T = TypeVar("T")

_OWN_THRESHOLD = "verdigris.prepare_threshold"
"""Where planned_for_values keeps the connection's own threshold for plan_kept."""


@contextmanager
def planned_for_values(conn: Connection) -> Iterator[None]:
    """Within: PostgreSQL plans each statement for its values. psycopg prepares a
    statement run five times on a connection, and PostgreSQL may then keep one plan
    made for no values in particular; a search's plan hangs on its values (how many
    match, how far the page is, which index to walk): a state of 27,000 leads within
    dates, page 1 by name, took 30 ms planned for its values and 1.9 s on the generic
    plan. So within the block psycopg prepares nothing (an unnamed statement is planned
    with the values it is bound to), which costs no round trip where `SET LOCAL
    plan_cache_mode` cost two. Rendering the page's records keeps its prepared plans
    (planning each of its statements again cost the selective mix a fifth of its
    searches a second)."""
    if conn.dialect.name != "postgresql":
        yield
        return
    conn.info[_OWN_THRESHOLD] = _driver(conn).prepare_threshold
    try:
        with _prepare_threshold(conn, None):
            yield
    finally:
        conn.info.pop(_OWN_THRESHOLD, None)


@contextmanager
def plan_kept(conn: Connection) -> Iterator[None]:
    """Within, also inside planned_for_values: statements whose plan cannot hang on
    their values (a primary-key lookup: the counters of a value, the rows of a page) are
    prepared at their first run, so that PostgreSQL keeps their plan after the five it
    makes for the values first. Planned each time, the counters' read of a search took
    0.27 ms and 0.16 prepared (psycopg alone, 300 runs each); a person by phone took
    2.9-4.1 ms in each of its first eleven searches on a connection, 2.2-2.3 after,
    where psycopg's own threshold (prepared at the sixth run) kept its page and rows
    planned anew for ten (decision 0219). A connection set to prepare nothing (a
    threshold of None, as behind a pooler that cannot keep them) prepares nothing here
    either."""
    if conn.dialect.name != "postgresql":
        yield
        return
    own = conn.info.get(_OWN_THRESHOLD, _driver(conn).prepare_threshold)
    with _prepare_threshold(conn, None if own is None else 0):
        yield


@contextmanager
def _prepare_threshold(conn: Connection, threshold: int | None) -> Iterator[None]:
    """psycopg's threshold set within the block; the setting is the pooled connection's
    own, not the transaction's, so it is put back whatever happens."""
    driver = _driver(conn)
    before = driver.prepare_threshold
    driver.prepare_threshold = threshold
    try:
        yield
    finally:
        driver.prepare_threshold = before


def _driver(conn: Connection) -> Any:
    """The psycopg connection under `conn`."""
    return conn.connection.dbapi_connection


def insert_ignore(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows, skipping those whose primary key is already there."""
    if not rows:
        return
    module = sqlite if conn.dialect.name == "sqlite" else postgresql
    conn.execute(module.insert(table).on_conflict_do_nothing(), list(rows))


def insert_tuples(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    ignore: bool = False,
) -> None:
    """Insert rows given as tuples in `columns` order, as the driver takes them (values as
    a projection makes them: no SQLAlchemy type processing), skipping rows whose key is
    there when `ignore`. On a write's hot path this is about half the cost of binding
    dicts through SQLAlchemy."""
    if not rows:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join([mark] * len(columns))
    tail = " ON CONFLICT DO NOTHING" if ignore else ""  # the same words on both
    statement = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks}){tail}'
    conn.exec_driver_sql(statement, list(rows))


def add_to_counter(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Upsert rows of `table` adding their `n` to the stored `n`."""
    if not rows:
        return
    conn.execute(_counter_upsert(conn.dialect.name, table), list(rows))


@cache
def _counter_upsert(dialect: str, table: Table) -> Any:
    """Built once per table: building it took a tenth of a conversion's time."""
    module = sqlite if dialect == "sqlite" else postgresql
    statement = module.insert(table)
    keys = [c.name for c in table.primary_key.columns]
    return statement.on_conflict_do_update(
        index_elements=keys, set_={"n": table.c.n + statement.excluded.n}
    )


ARRAY_FROM = 17
"""PostgreSQL binds a list of at least this many values as one array (bound_list)."""


def bound_list(column: ColumnElement[Any], name: str, as_array: bool) -> ColumnElement[bool]:
    """`column IN` a list bound at execution as `name`: an expanding IN, or (PostgreSQL,
    see `binds_as_array`) one array parameter."""
    if as_array:
        return column == any_(bindparam(name, type_=postgresql.ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


def binds_as_array(dialect: str, length: int) -> bool:
    """Whether a list of `length` values is bound as one array: on PostgreSQL from
    ARRAY_FROM values. The statement then reads the same whatever the length (psycopg
    prepares it once) and binds in one step: a page of 200 records read in 3.8 -> 2.2 ms,
    of 20 in 0.83 -> 0.73. A shorter list stays an expanding IN, a statement for each
    length whose generic plan PostgreSQL keeps: for `= ANY($2)` it estimates ten rows,
    prefers planning every execution anew, and one id took 0.22 -> 0.41 ms to read.
    SQLite: an expanding IN always (json_each cost the same)."""
    return dialect == "postgresql" and length >= ARRAY_FROM


def padded_list(dialect: str, values: Sequence[T]) -> Sequence[T]:
    """`values` as bound in an expanding IN (bound_list) on PostgreSQL: fewer than
    ARRAY_FROM repeat their last up to the next power of two, so that the statement is
    one of five whatever the length, not one of sixteen, each kept after its first runs
    on a connection (decision 0219). `IN` a value twice matches it once."""
    length = len(values)
    if dialect != "postgresql" or length < 2 or binds_as_array(dialect, length):
        return values
    return [*values, *[values[-1]] * ((1 << (length - 1).bit_length()) - length)]


class InValues(ColumnElement[bool]):
    """`column IN (values)` bound as ONE parameter, so a list of any length stays one
    variable (SQLite caps bound variables): json_each on SQLite, `= ANY(array)` on
    PostgreSQL. Both still use the column's index."""

    type = Boolean()
    _is_implicitly_boolean = True  # a predicate: not compared to 1 where booleans are ints
    inherit_cache = False  # values live outside bind parameters until compiled

    def __init__(self, column: ColumnElement[Any], values: Sequence[int | float | str]) -> None:
        self.column = column
        self.values = list(values)


SHORT_LIST = 10_000
"""Up to this many values use a plain IN list (SQLite allows 32,766 bound variables), so
the planner sees how many there are and keeps to the index; json_each hides the count."""


def in_values(
    column: ColumnElement[Any], values: Sequence[int | float | str]
) -> ColumnElement[bool]:
    """`column IN values` for a list of any length."""
    if len(values) <= SHORT_LIST:
        return column.in_(list(values))
    return InValues(column, values)


@compiles(InValues, "sqlite")
def _in_values_sqlite(element: InValues, compiler: SQLCompiler, **kw: Any) -> str:
    values = bindparam(None, orjson.dumps(element.values).decode(), type_=Text())
    column = compiler.process(element.column, **kw)
    return f"{column} IN (SELECT value FROM json_each({compiler.process(values, **kw)}))"


@compiles(InValues, "postgresql")
def _in_values_postgresql(element: InValues, compiler: SQLCompiler, **kw: Any) -> str:
    values = bindparam(None, element.values, type_=postgresql.ARRAY(element.column.type))
    column = compiler.process(element.column, **kw)
    return f"{column} = ANY({compiler.process(values, **kw)})"


class AnyCase(ColumnElement[bool]):
    """A record meets any of several disjoint cases, each served by an index of its own
    (one of them partial): a plain OR on PostgreSQL, whose planner ORs the indexes' bitmaps
    (or filters rows while walking a sort index, for broad values); on SQLite, which
    does not split an OR whose case needs a partial index, the ids of each case joined
    by UNION ALL. `start`: the search starts from it (see by_case)."""

    type = Boolean()
    _is_implicitly_boolean = True
    inherit_cache = True
    # Each form is built when a statement is compiled, which the statement cache spares
    # most requests.
    _traverse_internals = [
        ("table", InternalTraversal.dp_clauseelement),
        ("scope", InternalTraversal.dp_clauseelement),
        ("cases", InternalTraversal.dp_clauseelement_list),
        ("start", InternalTraversal.dp_boolean),
    ]

    def __init__(
        self, table: Table, scope: ColumnElement[bool], cases: Sequence[Any], start: bool = False
    ) -> None:
        self.table, self.scope, self.cases, self.start = table, scope, list(cases), start

    def as_start(self) -> AnyCase:
        """The same cases, marked as where the search starts."""
        return AnyCase(self.table, self.scope, self.cases, start=True)

    def case_ids(self) -> list[Select[Any]]:
        """Each case's record ids, read from its own index (in record order)."""
        return [select(self.table.c.id).where(self.scope, case) for case in self.cases]


class Uncommon(ColumnElement[bool]):
    """A condition few records meet, where PostgreSQL would guess many: its planner
    judges `key IS DISTINCT FROM match` from the two columns' statistics (nearly every
    row), but `(key IS DISTINCT FROM match) IS TRUE` from the statistics of the
    expression (record_tables.padded_statistics: next to none). PostgreSQL gets both,
    the plain form for the partial index whose condition it is; SQLite the plain one."""

    type = Boolean()
    _is_implicitly_boolean = True
    inherit_cache = True
    _traverse_internals = [("clause", InternalTraversal.dp_clauseelement)]

    def __init__(self, clause: ColumnElement[bool]) -> None:
        self.clause = clause


@compiles(Uncommon)
def _uncommon(element: Uncommon, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clause, **kw)


@compiles(Uncommon, "postgresql")
def _uncommon_postgresql(element: Uncommon, compiler: SQLCompiler, **kw: Any) -> str:
    clause = compiler.process(element.clause.self_group(), **kw)
    return f"({clause} IS TRUE AND {clause})"


Part = tuple[list[ColumnElement[bool]], ColumnElement[bool] | None]
"""The clauses of one part of a walk or of a gathering (by_case, walked_apart), and for
a part whose records are gathered first by one clause (rather than walked, or read
through another filter's index) that clause, which finds them through an index of its
own."""


def by_case(dialect: str, where: Sequence[ColumnElement[bool]]) -> list[Part]:
    """`where` as the conjunctions whose matches add up to its own (the cases of an
    AnyCase are disjoint, so their matches are counted and gathered side by side, by
    UNION ALL), each with the clause its records are gathered by first where one is
    (a Part). On SQLite, one per case of the AnyCase the search starts from, that
    case in its place: as `id IN` the gathered ids of every case, SQLite first stored
    them all and then looked each up by primary key (California's 227,000 people
    created over half the span with 2+ interactions counted in 660 ms that way, 228 ms
    from the state's index itself); where another index is the start, the stored ids
    are what it tests its entries against without reading their rows, and `where`
    stays whole. On PostgreSQL, one per combination of every AnyCase's cases: its
    planner reads an OR through a bitmap of each case's index, which then visits every
    row, where one case is a range of an index holding every column tested, read
    alone (New York's 27,000 leads created within a window: 251 -> 16 ms; 608 people
    of a tag and a country within dates, gathered with their dates: 205 -> 50 ms). A
    combination with a value's padded case is gathered by that case alone, as a walk
    gathers it (walked_apart): beside another filter's index, the planner judged the
    padded case's partial index by the value's share of the table and chose the other
    (California's leads created in a window with 3+ interactions: a bitmap of the
    109,660 with 3+, 61,000 pages read for no match; 291 ms of a 300 ms search)."""
    if dialect == "sqlite":
        for i, clause in enumerate(where):
            if isinstance(clause, AnyCase) and clause.start:
                return [(_in_place(where, i, case), None) for case in clause.cases]
        return [(list(where), None)]
    parts: list[Part] = [([], None)]
    for clause in where:
        cases = clause.cases if isinstance(clause, AnyCase) else [clause]
        parts = [([*part, case], alone if alone is not None else _padded_alone(clause, case))
                 for part, alone in parts for case in cases]  # fmt: skip
    return parts


def _padded_alone(
    clause: ColumnElement[bool], case: ColumnElement[bool]
) -> ColumnElement[bool] | None:
    """The clause that gathers `case` of `clause` alone where it is a value's padded case
    (the second of an AnyCase of two), else None."""
    if isinstance(clause, AnyCase) and len(clause.cases) == 2 and case is clause.cases[1]:
        return and_(clause.scope, case)
    return None


def walked_apart(dialect: str, where: Sequence[ColumnElement[bool]]) -> list[Part]:
    """`where` as the parts a walk of a sort index takes: on PostgreSQL, a value and its
    padded form (the first AnyCase of two cases) apart. As one OR it keeps PostgreSQL
    off the indexes that hold the value with the sort key (a tag, a country and a
    modified window of 1,000,000 people by date, descending: 98 ms along the dates'
    index, 7.5 ms along the country's and dates'). Its planner cannot tell how few
    records the padded case holds (it guessed 45,000 for none) and would walk a whole
    sort index looking for them (2.4 s); gathered through its partial index, they take
    1 ms. Gathered by that case alone: beside the walk's bound on the sort key, the
    planner judged the partial index by the value's share of the whole table (34,000
    rows to fetch) and walked the first names' index up to the bound instead (a common
    state's page of 200 people: 43 ms for no match). A value with its empty records
    (three cases) stays one OR."""
    if dialect == "postgresql":
        for i, clause in enumerate(where):
            if isinstance(clause, AnyCase) and len(clause.cases) == 2:
                value, padded = clause.cases
                return [(_in_place(where, i, value), None),
                        (_in_place(where, i, padded), _padded_alone(clause, padded))]  # fmt: skip
    return [(list(where), None)]


def _in_place(
    where: Sequence[ColumnElement[bool]], i: int, case: ColumnElement[bool]
) -> list[ColumnElement[bool]]:
    """`where` with `case` in place of its `i`th clause."""
    return [*where[:i], case, *where[i + 1 :]]


@compiles(AnyCase)
def _any_case(element: AnyCase, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(or_(*element.cases).self_group(), **kw)


@compiles(AnyCase, "sqlite")
def _any_case_sqlite(element: AnyCase, compiler: SQLCompiler, **kw: Any) -> str:
    ids = union_all(*element.case_ids())
    return compiler.process(element.table.c.id.in_(ids), **kw)


class RowTest(ColumnElement[bool]):
    """A clause in two forms: `gathered`, which finds the matches through an index (to
    count them, or to sort them), and `row`, which tests one row by its own columns, for
    a walk of a sort index (see row_wise). `ids`, when given, makes the statement that
    selects the matches' ids (each once) from the index alone: a search with no other
    filter counts them there (made only then: building one cost more than the clause).
    `seeks`: the index seeks the row form makes per row when it looks the row up in
    another table (a child table's rows; 0 when it reads the row's own columns): a walk
    may trade them for membership in the gathered ids, which cost about one index entry
    each: as many as `gathers()` says where the counters know (else as many as the
    matches). Asked only by a walk that weighs the two, so other plans read no counter."""

    type = Boolean()
    _is_implicitly_boolean = True
    inherit_cache = True
    _traverse_internals = [
        ("gathered", InternalTraversal.dp_clauseelement),
        ("row", InternalTraversal.dp_clauseelement),
    ]

    def __init__(
        self,
        gathered: ColumnElement[bool],
        row: ColumnElement[bool],
        ids: Callable[[], Select[Any] | CompoundSelect[Any]] | None = None,
        seeks: int = 0,
        gathers: Callable[[], int | None] | None = None,
    ) -> None:
        self.gathered, self.row, self.ids, self.seeks = gathered, row, ids, seeks
        self.gathers = gathers

    def gathering(self, gathers: Callable[[], int | None]) -> RowTest:
        """The same test, the number of its gathered ids told by `gathers()`."""
        return RowTest(self.gathered, self.row, self.ids, self.seeks, gathers)

    def gathered_ids(self, matches: int) -> int:
        """How many ids the gathered form reads: the counters' figure, else `matches`."""
        known = self.gathers() if self.gathers is not None else None
        return matches if known is None else known


@compiles(RowTest)
def _row_test(element: RowTest, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.gathered.self_group(), **kw)


def row_wise(
    clause: ColumnElement[bool], rows_passed: float | None = None, matches: int = 0
) -> ColumnElement[bool]:
    """`clause` as tested row by row, for a walk of a sort index, which tests each row it
    passes: every AnyCase in it as its plain OR (SQLite would first gather every id of
    each case, 60,000 of them for a common country, to test the walk's few rows
    against), every RowTest as its row form, except where its seeks on the walk's
    `rows_passed` (None: few) outnumber the ids it gathers (its `gathers`, else the
    search's `matches`): then it tests membership in its gathered ids."""

    def swap(element: Any, **_: Any) -> Any:
        if isinstance(element, RowTest):
            if rows_passed is None:  # few rows: look up, no counter read
                return element.row.self_group()
            gather = element.seeks * rows_passed > element.gathered_ids(matches)
            return (element.gathered if gather else element.row).self_group()
        return or_(*element.cases).self_group() if isinstance(element, AnyCase) else None

    return replacement_traverse(clause, {}, swap)


def _sqlite_from_hint(_compiler: SQLCompiler, _table: Any, text: str) -> str:
    return text


# SQLAlchemy drops `with_hint(table, ...)` on SQLite (its compiler has no from-hint text);
# SQLite's own syntax is exactly a hint after the table name: `people INDEXED BY ix_...`.
SQLiteCompiler.get_from_hint_text = _sqlite_from_hint  # type: ignore[method-assign,assignment]
