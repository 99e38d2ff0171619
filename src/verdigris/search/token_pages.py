"""A name search sorted the default way, counted and paged from the name token index.

Each `name_tokens` row carries its record's converted flag and its key under the
type's default sort (schema.name_tokens), so a search whose one filter is `name`, in
that order, needs no record row: the matched tokens' postings give the matches and
their keys, as one range of the covering index per token. Reading each match's row
for its key and flag instead took 26,903 leads of a misspelt common name 100 ms on
SQLite and 300 ms on PostgreSQL (decision 0213).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Subquery, case, func, literal, select, true
from sqlalchemy.sql.elements import ColumnElement

from verdigris.domain.declarations import Declaration, declaration
from verdigris.domain.declarations.declaration import FilterKind
from verdigris.domain.paging import MAX_REACHABLE
from verdigris.parsing.search import Search
from verdigris.search.name_match import tokens_of
from verdigris.search.paging import Order
from verdigris.search.scope import Scope
from verdigris.search.sorting import order_for
from verdigris.storage import schema
from verdigris.storage.dialect import in_values

MOST_POSTINGS = 60_000
"""Token rows read before giving way to the general plan, which walks the sort index
past the matches of very common names instead of sorting them all."""


def total_and_page(scope: Scope, search: Search) -> tuple[list[int], int] | None:
    """(page ids, capped total) of a search by name alone in the default sort order,
    or None where this does not serve it (another filter, another order, a page past
    the reachable ones, more than MOST_POSTINGS token rows)."""
    decl = declaration(search.record_type)
    window = search.paging.window()
    if window is None or not _served(decl, search):
        return None
    query = next(iter(search.filters.values()))
    tokens = tokens_of(scope, query)
    if not tokens:
        return [], 0
    order = order_for(search.record_type, scope.table, search.sort_by, search.descending)
    unconverted = decl.converted_column is not None and not search.include_converted
    found = _postings_total_and_page(scope, search, tokens, order, window, unconverted)
    if found is None:
        return None
    total, ids = found
    return ids, min(total, MAX_REACHABLE)


def _served(decl: Declaration, search: Search) -> bool:
    if not decl.name_tokens or len(search.filters) != 1:
        return False
    (key,) = search.filters
    if decl.filter_by_key[key].kind is not FilterKind.FUZZY_NAME:
        return False
    default = decl.sort_by_key[decl.default_sort]
    chosen = decl.sort_by_key[search.sort_by]
    return chosen.column == default.column


def _postings_total_and_page(
    scope: Scope,
    search: Search,
    tokens: list[str],
    order: Order,
    window: tuple[int, int],
    unconverted: bool,
) -> tuple[int, list[int]] | None:
    """One statement: the number of token rows (read up to MOST_POSTINGS + 1), and
    where they are within MOST_POSTINGS, the number of distinct records among them and
    the page's ids (a top-N sort); None past MOST_POSTINGS. The page is joined to the
    counts so that a page past the matches still answers the counts."""
    nt = schema.name_tokens
    conditions = [
        nt.c.account_id == scope.account_id,
        nt.c.record_type == int(search.record_type),
        in_values(nt.c.token, tokens),
    ]
    if unconverted:
        conditions.append(nt.c.converted.is_(False))

    def postings(*columns: ColumnElement[Any]) -> Subquery:
        read = select(*columns).where(*conditions).limit(MOST_POSTINGS + 1)
        # Told the covering index: SQLite would rather read the type's rows in key order.
        return read.with_hint(nt, "INDEXED BY ix_name_tokens_token", "sqlite").subquery()

    read = postings(nt.c.record_id, nt.c.default_key)
    records = select(read.c.record_id.label("id"), read.c.default_key.label("key")).distinct()
    matches = records.cte("matches").prefix_with("MATERIALIZED")
    counted = select(func.count().label("n")).select_from(postings(literal(1)))
    rows = select(counted.cte("counted").prefix_with("MATERIALIZED").c.n).scalar_subquery()
    within = rows <= MOST_POSTINGS
    # CASE: past MOST_POSTINGS both databases leave the matches ungathered.
    total = case((within, select(func.count()).select_from(matches).scalar_subquery()))
    counts = select(rows.label("rows"), total.label("total")).subquery()
    offset, size = window
    by = _order(matches.c, order)
    page = select(matches.c.id, matches.c.key).where(within).order_by(*by)
    page_rows = page.offset(offset).limit(size).subquery()
    statement = (
        select(counts.c.rows, counts.c.total, page_rows.c.id)
        .select_from(counts.outerjoin(page_rows, true()))
        .order_by(*_order(page_rows.c, order))
    )
    found = scope.conn.execute(statement).all()
    if found[0].rows > MOST_POSTINGS:
        return None
    return int(found[0].total), [int(row.id) for row in found if row.id is not None]


def _order(columns: Any, order: Order) -> list[ColumnElement[Any]]:
    """The page order (paging.Order): empty keys last in both directions, ties by id."""
    key = columns.key
    return [key.is_(None), key.desc() if order.descending else key.asc(), columns.id]
