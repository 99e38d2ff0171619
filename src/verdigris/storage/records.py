"""Read records of any declared type in Copper's shape: one query for the rows (joined
with the names they show), one for the account's custom field definitions.

Search renders every result page through `load_records`, so it stays two queries
whatever the page size. Writes live in writes.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache, wraps
from typing import Any, Concatenate, ParamSpec, TypeVar

import orjson
from sqlalchemy import Connection, FromClause, Select, bindparam, select
from sqlalchemy.sql.elements import ColumnElement

from verdigris.domain.declarations import declaration
from verdigris.domain.definitions import Definition, Option
from verdigris.domain.numbers import fits_int64
from verdigris.domain.types import Record, RecordType
from verdigris.errors import NotFound
from verdigris.render.records import render_rows, renderer
from verdigris.storage import definition_stamps, schema
from verdigris.storage.columns import value_columns
from verdigris.storage.dialect import binds_as_array, bound_list, padded_list, plan_kept


def _definitions_query() -> Select[Any]:
    d, o = schema.custom_field_definitions, schema.custom_field_options
    on = (o.c.account_id == d.c.account_id) & (o.c.definition_id == d.c.id)
    columns = (d.c.id, d.c.name, d.c.data_type, d.c.available_on)
    options = (o.c.id.label("option_id"), o.c.name.label("option_name"), o.c.rank)
    return (
        select(*columns, *options)
        .select_from(d.outerjoin(o, on))
        .where(d.c.account_id == bindparam("account_id"))
        .order_by(d.c.id, o.c.rank, o.c.id)
    )


# Built once: a point read is dominated by statement construction otherwise.
_DEFINITIONS = _definitions_query()


_HELD = "verdigris_definitions_held"
P = ParamSpec("P")
T = TypeVar("T")


@contextmanager
def definitions_held(conn: Connection, account_id: int) -> Iterator[None]:
    """Within the block, the account's definitions are read once: a write reads them to
    apply a body, to index its values and to render each record it returns (a lead's
    conversion asked 11 times; 3 of its 12 ms). The block must not change them."""
    if _held(conn, account_id) is not None:
        yield
        return
    conn.info[_HELD] = (account_id, _read_definitions(conn, account_id))
    try:
        yield
    finally:
        conn.info.pop(_HELD, None)


def definitions_read_once(
    write: Callable[Concatenate[Connection, int, P], T],
) -> Callable[Concatenate[Connection, int, P], T]:
    """`write(conn, account_id, ...)` run with the account's definitions held."""

    @wraps(write)
    def held(conn: Connection, account_id: int, /, *args: P.args, **kwargs: P.kwargs) -> T:
        with definitions_held(conn, account_id):
            return write(conn, account_id, *args, **kwargs)

    return held


def _held(conn: Connection, account_id: int) -> list[Definition] | None:
    held = conn.info.get(_HELD)
    return list(held[1]) if held is not None and held[0] == account_id else None


def custom_field_definitions(conn: Connection, account_id: int) -> list[Definition]:
    """The account's definitions in id order, each with its options by (rank, id): held
    for a write's block, else kept across requests by the account's definitions stamp
    where the read knows it (definition_stamps.py)."""
    held = _held(conn, account_id)
    if held is not None:
        return held
    read = lambda: tuple(_read_definitions(conn, account_id))  # noqa: E731
    return list(definition_stamps.kept(conn, account_id, read))


def _read_definitions(conn: Connection, account_id: int) -> list[Definition]:
    heads: dict[int, Any] = {}
    options: dict[int, list[Option]] = {}
    for row in conn.execute(_DEFINITIONS, {"account_id": account_id}):
        heads.setdefault(row.id, row)
        if row.option_id is not None:
            options.setdefault(row.id, []).append(Option(row.option_id, row.option_name, row.rank))
    return [
        Definition(r.id, r.name, r.data_type, tuple(orjson.loads(r.available_on)),
                   tuple(options.get(r.id, ())))
        for r in heads.values()
    ]  # fmt: skip


@cache
def _rows_query(record_type: RecordType, as_array: bool) -> Select[Any]:
    """Rows by id: the columns rendering reads (each field's first, and the stored-only
    ones writes need), plus each Joined field's name through an outer join."""
    decl = declaration(record_type)
    table = schema.RECORD_TABLES[record_type]
    stored = (*decl.fields, *decl.stored)
    columns: list[ColumnElement[Any]] = [table.c[c] for f in stored for c in value_columns(f)]
    joined: FromClause = table
    for join in decl.joins:
        target = schema.metadata.tables[join.target].alias(f"joined_{join.name}")
        via = table.c[decl.by_name[join.via].column]
        joined = joined.outerjoin(
            target, (target.c.account_id == table.c.account_id) & (target.c.id == via)
        )
        columns.append(target.c[join.target_column].label(join.name))
    return (
        select(*columns)
        .select_from(joined)
        .where(table.c.account_id == bindparam("account_id"))
        .where(bound_list(table.c.id, "ids", as_array))
    )


def _rows(
    conn: Connection, account_id: int, record_type: RecordType, ids: Sequence[int]
) -> dict[int, Any]:
    # An id past BIGINT (a path or body can say anything) names no record; PostgreSQL
    # would reject it outright.
    valid = [i for i in ids if fits_int64(i)]
    dialect = conn.dialect.name
    query = _rows_query(record_type, binds_as_array(dialect, len(valid)))
    with plan_kept(conn):  # rows by primary key whatever the ids
        found = conn.execute(query, {"account_id": account_id, "ids": padded_list(dialect, valid)})
    # Fetched at once, not row by row: a page of 200 in 1.0 ms where it took 1.1-1.3.
    return {row.id: row._mapping for row in found.all()}


def load_records(
    conn: Connection, account_id: int, record_type: RecordType, ids: Sequence[int]
) -> list[Record]:
    """Rendered records in the order of `ids`; ids not in the account are skipped."""
    if not ids:
        return []
    rows = _rows(conn, account_id, record_type, ids)
    if not rows:
        return []
    definitions = custom_field_definitions(conn, account_id)
    return render_rows(record_type, (rows[i] for i in ids if i in rows), definitions)


def get_record(
    conn: Connection, account_id: int, record_type: RecordType, record_id: int
) -> Record:
    """One rendered record, or NotFound (also for another account's ids)."""
    found = load_records(conn, account_id, record_type, [record_id])
    if not found:
        raise NotFound(f"{record_type.api_name} {record_id} not found")
    return found[0]


def get_stored(
    conn: Connection, account_id: int, record_type: RecordType, record_id: int
) -> Record:
    """The rendered record plus its stored-only values (a lead's `date_status_changed`):
    what a write starts from."""
    rows = _rows(conn, account_id, record_type, [record_id])
    if record_id not in rows:
        raise NotFound(f"{record_type.api_name} {record_id} not found")
    row = rows[record_id]
    record = renderer(record_type)(row, custom_field_definitions(conn, account_id))
    return record | {f.name: row[f.column] for f in declaration(record_type).stored}
