"""A validated search -> its filter clauses and its order, against one account's table."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table
from sqlalchemy.sql.elements import ColumnElement

from verdigris.domain.types import RecordType
from verdigris.search.filters import FILTERS
from verdigris.search.paging import Order
from verdigris.search.request import Search
from verdigris.search.scope import Scope
from verdigris.search.sorting import order_for


@dataclass(frozen=True)
class Compiled:
    table: Table
    where: list[ColumnElement[bool]]
    order: Order


def compile_search(scope: Scope, search: Search) -> Compiled:
    """AND of every given filter; leads leave converted ones out unless asked."""
    table = scope.table
    where = [FILTERS[key](scope, value) for key, value in search.filters.items()]
    if search.record_type is RecordType.LEAD and not search.include_converted:
        where.append(~table.c.is_converted)
    return Compiled(table, where, order_for(table, search.sort_by, search.descending))
