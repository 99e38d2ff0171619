"""Capped totals and page ids for any account-scoped search (SPEC.md 3, Paging).

Reusable by every /search route: give it a table with `account_id` and `id`, the filter
clauses and an `Order`; it never counts past 100,001 rows and never sorts a whole account.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, Table, func, literal, select, union_all
from sqlalchemy.sql.elements import ColumnElement

from verdigris.domain.paging import MAX_REACHABLE, Paging

SMALL_MATCH_SET = 5_000
"""At or below this many matches, fetch them through the filters' indexes and sort them;
above it, walk the sort column's index and stop after one page (see _walk_pays)."""
MAX_WALK = 200_000
"""Index entries a page may walk (about 20-50 ms) before sorting the matches is cheaper."""


@dataclass(frozen=True)
class Order:
    """Sort by `column` (NULL = empty, always last), ties by id ascending."""

    column: ColumnElement[Any]
    descending: bool = False
    nullable: bool = True


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
    population: int | None = None,
) -> list[int]:
    """Ids of one page, given the (capped) total of matches among `population` records."""
    window = paging.window()
    if window is None or window[0] >= total:
        return []
    scoped = [table.c.account_id == account_id, *where]
    end = window[0] + window[1]
    if _walk_pays(total, end, population):
        statement = _walk_sort_index(table, scoped, order, end)
    else:
        statement = _sort_matches(table, scoped, order)
    statement = statement.offset(window[0]).limit(window[1])
    return [int(i) for i in conn.execute(statement).scalars()]


def _walk_pays(total: int, end: int, population: int | None) -> bool:
    """Walk the sort index when the matches are many and dense enough that reaching the
    page's last match costs fewer index steps than fetching and sorting every match."""
    if total <= SMALL_MATCH_SET:
        return False
    if total >= MAX_REACHABLE or population is None:
        return True
    return end * population / total <= MAX_WALK


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
        _on_sort_index(select(table.c.id, column.label("k"), literal(0).label("segment")), order)
        .where(*where, column.is_not(None))
        .order_by(_direction(column, order.descending), table.c.id)
        .limit(n)
        .subquery()
    )
    parts = [select(filled.c.id, filled.c.k, filled.c.segment)]
    if order.nullable:
        empty = (
            _on_sort_index(
                select(table.c.id, column.label("k"), literal(1).label("segment")), order
            )
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


def _on_sort_index(statement: Select[Any], order: Order) -> Select[Any]:
    """Tell SQLite to walk the (account_id, key, id) index: with a selective-looking filter
    its planner would rather fetch every match and sort them, which is what we ruled out."""
    table = order.column.table
    for index in table.indexes:
        names = [c.name for c in index.columns]
        if names == ["account_id", order.column.name, "id"]:
            return statement.with_hint(table, f"INDEXED BY {index.name}", "sqlite")
    return statement
