"""sort_by -> the stored sort column and direction (SPEC.md 3, Sorting), from the record
type's declaration.

Text keys are the folded `*_key` columns (NULL when empty or blank), so ordering and
"empty last" are plain index walks; paging.py turns an Order into SQL.
"""

from __future__ import annotations

from sqlalchemy import Table

from verdigris.domain.declarations import declaration
from verdigris.domain.types import RecordType
from verdigris.search.paging import Order


def order_for(record_type: RecordType, table: Table, sort_by: str, descending: bool) -> Order:
    """The Order of a validated sort key."""
    sort = declaration(record_type).sort_by_key[sort_by]
    column = table.c[sort.column]
    return Order(column, descending != sort.reverse, bool(column.nullable))
