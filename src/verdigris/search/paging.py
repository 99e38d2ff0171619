"""Paging, capped totals and page ids for any account-scoped search (SPEC.md 3, Paging).

Reusable by every /search route: give it a table with `account_id` and `id`, the filter
clauses and an `Order`; it never counts past 100,001 rows and never sorts a whole account.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, Table, func, literal, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from verdigris.errors import BadRequest

MAX_REACHABLE = 100_000
"""Only the first 100,000 matches can be paged to; X-PW-TOTAL never exceeds it."""
SMALL_MATCH_SET = 5_000
"""At or below this many matches, fetch them through the filters' indexes and sort them;
above it, walk the sort column's index and stop after one page."""
MAX_PAGE_SIZE = 200
_QUERY_INT = re.compile(r"-?[0-9]{1,18}")


@dataclass(frozen=True)
class Paging:
    number: int = 1
    size: int = 20

    def window(self) -> tuple[int, int] | None:
        """(offset, limit) of this page within the reachable matches, None past them."""
        offset = (self.number - 1) * self.size
        if offset >= MAX_REACHABLE:
            return None
        return offset, min(self.size, MAX_REACHABLE - offset)


@dataclass(frozen=True)
class Order:
    """Sort by `column` (NULL = empty, always last), ties by id ascending."""

    column: ColumnElement[Any]
    descending: bool = False
    nullable: bool = True


def parse_paging(body: Mapping[str, Any], query: Mapping[str, str]) -> Paging:
    """`page_number` and `page_size` from the body, else the query string, else defaults."""
    number = _paging_int(body, query, "page_number", 1)
    size = _paging_int(body, query, "page_size", 20)
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise BadRequest(f"page_size: must be from 1 to {MAX_PAGE_SIZE}, got {size}")
    if number < 1:
        raise BadRequest(f"page_number: must be at least 1, got {number}")
    return Paging(number, size)


def _paging_int(body: Mapping[str, Any], query: Mapping[str, str], key: str, default: int) -> int:
    value = body.get(key)
    if value is None:
        raw = query.get(key)
        if raw is None or raw == "":
            return default
        if not _QUERY_INT.fullmatch(raw.strip()):
            raise BadRequest(f"{key}: must be an integer, got {raw[:40]!r}")
        return int(raw)
    if type(value) is not int:  # bool is an int to Python, not to a JSON client
        raise BadRequest(f"{key}: must be an integer")
    return value


def count_capped(
    conn: Connection, table: Table, account_id: int, where: Sequence[ColumnElement[bool]]
) -> int:
    """Matches of `where`, counting at most MAX_REACHABLE + 1 rows, capped at MAX_REACHABLE."""
    matches = select(literal(1)).select_from(table).where(table.c.account_id == account_id)
    inner = matches.where(*where).limit(MAX_REACHABLE + 1).subquery()
    counted = conn.execute(select(func.count()).select_from(inner)).scalar_one()
    return min(int(counted), MAX_REACHABLE)


def page_ids(
    conn: Connection,
    table: Table,
    account_id: int,
    where: Sequence[ColumnElement[bool]],
    order: Order,
    paging: Paging,
    total: int,
) -> list[int]:
    """Ids of one page, given the (capped) total of matches."""
    window = paging.window()
    if window is None or window[0] >= total:
        return []
    scoped = [table.c.account_id == account_id, *where]
    if total <= SMALL_MATCH_SET:
        statement = _sort_matches(table, scoped, order)
    else:
        statement = _walk_sort_index(table, scoped, order, window[0] + window[1])
    statement = statement.offset(window[0]).limit(window[1])
    return [int(i) for i in conn.execute(statement).scalars()]


def search_page(
    conn: Connection,
    table: Table,
    account_id: int,
    where: Sequence[ColumnElement[bool]],
    order: Order,
    paging: Paging,
) -> tuple[list[int], int]:
    """(page ids, X-PW-TOTAL) of a search: the one call other /search routes need."""
    total = count_capped(conn, table, account_id, where)
    return page_ids(conn, table, account_id, where, order, paging, total), total


def _direction(column: ColumnElement[Any], descending: bool) -> ColumnElement[Any]:
    return column.desc() if descending else column.asc()


def _sort_matches(table: Table, where: Sequence[ColumnElement[bool]], order: Order) -> Select[Any]:
    # MATERIALIZED keeps the planner from walking the sort index past every non-match:
    # the few matches come through the filters' indexes and are sorted afterwards.
    matches = (
        select(table.c.id, order.column.label("k"))
        .where(*where)
        .cte("matches")
        .prefix_with("MATERIALIZED")
    )
    key = matches.c.k
    return select(matches.c.id).order_by(
        key.is_(None), _direction(key, order.descending), matches.c.id
    )


def _walk_sort_index(
    table: Table, where: Sequence[ColumnElement[bool]], order: Order, n: int
) -> Select[Any]:
    """The first n matches in order: non-empty keys through the (account_id, key, id)
    index, then empty keys through the same index at NULL, each stopping after n rows."""
    column = order.column
    filled = (
        select(table.c.id, column.label("k"), literal(0).label("segment"))
        .where(*where, column.is_not(None))
        .order_by(_direction(column, order.descending), table.c.id)
        .limit(n)
        .subquery()
    )
    parts = [select(filled.c.id, filled.c.k, filled.c.segment)]
    if order.nullable:
        empty = (
            select(table.c.id, column.label("k"), literal(1).label("segment"))
            .where(*where, column.is_(None))
            .order_by(table.c.id)
            .limit(n)
            .subquery()
        )
        parts.append(select(empty.c.id, empty.c.k, empty.c.segment))
    both = union_all(*parts).subquery()
    return select(both.c.id).order_by(
        both.c.segment, _direction(both.c.k, order.descending), both.c.id
    )
