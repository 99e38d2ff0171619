"""A validated search -> its filter clauses and its order, against one account's table."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from sqlalchemy import Table
from sqlalchemy.sql.elements import ColumnElement

from verdigris.domain.declarations import declaration
from verdigris.parsing.search import Search
from verdigris.search.filters import clause
from verdigris.search.paging import Order
from verdigris.search.scope import Scope
from verdigris.search.sorting import order_for
from verdigris.search.steering import Counted, steer
from verdigris.storage.dialect import RowTest


@dataclass(frozen=True)
class Compiled:
    table: Table
    where: list[ColumnElement[bool]]
    order: Order


def compile_search(scope: Scope, search: Search, counted: Counted) -> Compiled:
    """AND of every given filter; types with a converted flag (leads) leave converted
    records out unless asked. `counted` gives one filter's matches from the counters,
    where they are kept (steering.py)."""
    table = scope.table
    decl = declaration(search.record_type)
    clauses = {key: clause(scope, decl.filter_by_key[key], value)
               for key, value in search.filters.items()}  # fmt: skip
    steered = steer(scope.conn, table, scope.account_id, search, clauses, counted)
    where = [_weighed(c, key, counted) if len(steered) > 1 else c for key, c in steered.items()]
    if decl.converted_column is not None and not search.include_converted:
        where.append(~table.c[decl.converted_column])
    order = order_for(search.record_type, table, search.sort_by, search.descending)
    return Compiled(table, where, order)


def _weighed(clause: ColumnElement[bool], key: str, counted: Counted) -> ColumnElement[bool]:
    """A child-table filter among others gathers more ids than the search matches: as
    many as the counters give it, where they do (read only if a walk weighs them)."""
    return clause.gathering(partial(counted, key)) if isinstance(clause, RowTest) else clause
