"""The total of a search by a created window alone, from the day counters.

`minimum_created_date`, `maximum_created_date` and `age` bound `date_created`; a window
of ~10% of a million people matches 100,000 of them, which a count reads entry by entry
from the index (PostgreSQL: 37 ms of a 45 ms search). The whole days of the window are
summed from their counters (storage/created_days.py: one range of a primary key), and
only the records of the partial day at each end are counted through the index, both
together never past the cap of the total.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import iterate

from verdigris.domain.declarations import declaration
from verdigris.domain.declarations.declaration import FilterKind
from verdigris.domain.numbers import INT64_MAX, INT64_MIN
from verdigris.domain.paging import MAX_REACHABLE
from verdigris.parsing.search import Search
from verdigris.search.compile import Compiled
from verdigris.search.counters import counters_of
from verdigris.search.paging import count_up_to
from verdigris.search.scope import Scope
from verdigris.storage import schema
from verdigris.storage.created_days import CREATED_DAY, DAY, day_key, day_of
from verdigris.storage.dialect import plan_kept

COLUMN = "date_created"
Window = tuple[int, int]
"""First and last second of a window, both within it."""


def created_window_total(scope: Scope, search: Search, compiled: Compiled) -> int | None:
    """The capped total of a search filtering on the created date alone, else None (a
    window within two days is counted through the index as any other)."""
    window = _window(scope, search)
    if window is None:
        return None
    low, high = window
    whole_days = _whole_days(low, high)
    if whole_days is None:
        return None
    first, last = whole_days
    total = _days_counted(scope, search, first, last)
    edges = [(low, first * DAY - 1), ((last + 1) * DAY, high)]
    column = compiled.table.c[COLUMN]
    # In place of the window's bounds: SQLite ranges an index by the first bounds given.
    others = [c for c in compiled.where if not _reads(c, column)]
    for start, end in edges:
        if start > end or total > MAX_REACHABLE:
            continue
        where = [column >= start, column <= end, *others]
        room = MAX_REACHABLE + 1 - total
        total += count_up_to(scope.conn, compiled.table, scope.account_id, where, room)
    return min(total, MAX_REACHABLE)


def _reads(clause: ColumnElement[Any], column: Column[Any]) -> bool:
    return any(element is column for element in iterate(clause))


def _window(scope: Scope, search: Search) -> Window | None:
    """The window every filter of the search bounds the created date to, or None where
    a filter is on something else (or there is none)."""
    if not search.filters:
        return None
    low, high = INT64_MIN, INT64_MAX
    specs = declaration(search.record_type).filter_by_key
    for key, value in search.filters.items():
        spec = specs[key]
        if spec.column != COLUMN or not isinstance(value, int):
            return None
        if spec.kind is FilterKind.MINIMUM:
            low = max(low, value)
        elif spec.kind is FilterKind.MAXIMUM:
            high = min(high, value)
        elif spec.kind is FilterKind.AGE:
            low = max(low, scope.now - value)  # filters._age, unclamped: max() bounds it
        else:
            return None
    return low, high


def _whole_days(low: int, high: int) -> tuple[int, int] | None:
    """The first and last day wholly within [low, high], or None where there is none.
    An open end (a 64-bit bound) holds its whole day: no record is created past it."""
    first = day_of(low) if low % DAY == 0 or low == INT64_MIN else day_of(low) + 1
    last = day_of(high) if (high + 1) % DAY == 0 or high == INT64_MAX else day_of(high) - 1
    return (first, last) if first <= last else None


def _days_counted(scope: Scope, search: Search, first: int, last: int) -> int:
    """Records created on the days first..last, summed from their counters."""
    vc = schema.value_counts
    statement = select(func.coalesce(func.sum(vc.c.n), 0)).where(
        *counters_of(scope, search, CREATED_DAY), vc.c.value.between(day_key(first), day_key(last))
    )
    with plan_kept(scope.conn):  # one range of the primary key whatever the days
        return int(scope.conn.execute(statement).scalar_one())
