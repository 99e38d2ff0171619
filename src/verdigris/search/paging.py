"""Capped totals and page ids for any account-scoped search (SPEC.md 3, Paging).

Reusable by every /search route: give it a table with `account_id` and `id`, the filter
clauses and an `Order`; it never counts past 100,001 rows and never sorts a whole account.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import (
    CTE,
    Column,
    CompoundSelect,
    Connection,
    Select,
    Subquery,
    Table,
    func,
    literal,
    select,
    union_all,
)
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import AsBoolean, ColumnElement
from sqlalchemy.sql.visitors import iterate

from verdigris.domain.paging import MAX_REACHABLE, Paging
from verdigris.storage.dialect import Part, RowTest, by_case, plan_kept, row_wise, walked_apart
from verdigris.storage.record_tables import flag_set_name

SMALL_MATCH_SET = 1_000
"""At or below this many matches, fetch them through the filters' indexes and sort them;
above it, walk the sort column's index and stop after one page (see _walk_pays)."""
FEW_MATCHES = 5_000
"""Up to this many matches, walk only when the walk's expected steps are fewer than the
matches (at 100,000 records, 4,000 matches: ~500 steps; at 1,000,000: ~5,000, no walk)."""
WALK_SHARE = 3
"""Above FEW_MATCHES, walk while the walk's expected steps are at most this many times
the matches: a step (an entry of the sort index whose row is tested) costs about a
third of what gathering a match and reading its sort key does. Leads of a state
created in a window with 3+ interactions, a page of 200 among 950,000 (SQLite, in
process): 5,155 matches, 7.2 steps a match, walked in 71-100 ms, sorted in 36-52;
8,733 matches, 2.5 steps a match, walked in 49 ms, sorted in 55 (decision 0232)."""
WALK_SLACK = 3
MIN_WALK_BUDGET = 1_000
SORT_SHARE = 4
"""A walk may take WALK_SLACK times the index entries it needs on evenly spread
matches, and at least MIN_WALK_BUDGET; then, if the matches are at most 1/SORT_SHARE of
the records, the page is made by sorting them (cheaper than the rest of a walk that
may cross the whole index); else the walk goes on."""
CARRIED_SORT_SHARE = 4
"""Where the gathered matches carry their sort keys, a step of a walk (a row tested
against the filters: 1.5 us) costs SQLite about this many times what sorting one match
does (0.26 us): leads of a tag and a country modified in a window, 9,387 matches, 20,000
steps to walk for a page of 200 (sorted_carried_up_to)."""
GROUPED_REACH = 5_000
"""A descending page ending within this many entries reads its run of tied keys in the
index's order (see _filled_page); deeper, the extra reads of that plan would cost more
than sorting the few runs a deep page crosses."""


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
    return min(count_up_to(conn, table, account_id, where, MAX_REACHABLE + 1), MAX_REACHABLE)


def count_up_to(
    conn: Connection,
    table: Table,
    account_id: int,
    where: Sequence[ColumnElement[bool]],
    limit: int,
) -> int:
    """Matches of `where`, counting no more than `limit` of them."""
    ids = _indexed_ids(table, account_id, where)
    if ids is not None:
        inner = ids.limit(limit).subquery()
    else:
        matches = _gathered(table, account_id, where, conn.dialect.name, [literal(1)], limit)
        inner = matches.subquery()
    return int(conn.execute(select(func.count()).select_from(inner)).scalar_one())


def _indexed_ids(
    table: Table, account_id: int, where: Sequence[ColumnElement[bool]]
) -> Select[Any] | CompoundSelect[Any] | None:
    """The matches' ids, each once, read from the value index of a child filter that
    has them (RowTest.ids), where nothing else filters, or only a flag left unset (a
    lead's converted flag): then the ids of the few records with the flag set are read
    once from their own index (record_tables.flag_set_index) and left out."""
    first = where[0] if where else None
    if not isinstance(first, RowTest) or first.ids is None:
        return None
    if len(where) == 1:
        return first.ids()
    flag = _unset_flag(table, where[1]) if len(where) == 2 else None
    if flag is None:
        return None
    flagged = select(table.c.id).where(table.c.account_id == account_id, flag)
    # Named for SQLite: every other index of the table ends with the flag.
    index = f"INDEXED BY {flag_set_name(table.name, flag.name)}"
    flagged = flagged.with_hint(table, index, "sqlite")
    found = first.ids().subquery()
    return select(found.c.record_id).where(found.c.record_id.not_in(flagged))


def _unset_flag(table: Table, clause: ColumnElement[bool]) -> Column[Any] | None:
    """The flag of `NOT flag`, where the records with the flag set have their own index."""
    if not isinstance(clause, AsBoolean) or clause.operator is not operators.is_false:
        return None
    flag = clause.element
    if not isinstance(flag, Column) or flag.table is not table:
        return None
    name = flag_set_name(table.name, flag.name)
    return flag if any(index.name == name for index in table.indexes) else None


def _gathered(
    table: Table,
    account_id: int,
    where: Sequence[ColumnElement[bool]],
    dialect: str,
    columns: Sequence[ColumnElement[Any]],
    limit: int | None,
) -> Select[Any] | CompoundSelect[Any]:
    """`columns` of the matches of `where`, up to `limit` of them, the cases of an address
    value apart where that reads fewer rows, a part's records gathered first by the
    clause by_case names for it (`case_<n>_ids`: a padded case on PostgreSQL)."""
    scoped = [table.c.account_id == account_id]
    parts = []
    for n, (part, alone) in enumerate(by_case(dialect, where), start=1):
        found = select(*columns).where(*scoped, *part)
        if alone is not None:
            found = found.where(_among_gathered(table, alone, f"case_{n}_ids"))
        parts.append(found)
    statement = parts[0] if len(parts) == 1 else union_all(*parts)
    return statement if limit is None else statement.limit(limit)


def page_ids(
    conn: Connection,
    table: Table,
    account_id: int,
    where: Sequence[ColumnElement[bool]],
    order: Order,
    paging: Paging,
    total: int,
    population: int | None = None,
    one_index_gathers: bool = False,
) -> list[int]:
    """Ids of one page, given the (capped) total of matches among `population` records.
    `one_index_gathers`: the filters test one column, whose index gathers the few matches of
    a sorted page whatever the values (execute._one_index_gathers): that page's plan is
    kept (dialect.plan_kept, decision 0222)."""
    window = paging.window()
    if window is None or window[0] >= total:
        return []
    scoped = [table.c.account_id == account_id, *where]
    offset, size = window
    if _walk_pays(total, offset + size, population):
        budget = _walk_budget(total, offset + size, population)
        passed = _rows_passed(total, offset + size, population)
        walk = partial(_walk_sort_index, conn, table, scoped, order, offset, size, total)
        walked = walk(budget, passed)
        if walked is None and total * SORT_SHARE > (population or 0):
            # Too many matches to sort cheaply: walk on, whatever it takes.
            walked = walk(None, passed)
        if walked is not None:
            return walked
    return _sorted_page(conn, table, account_id, where, order, offset, size, kept=one_index_gathers)


def total_and_sorted_page(
    conn: Connection,
    table: Table,
    account_id: int,
    where: Sequence[ColumnElement[bool]],
    order: Order,
    paging: Paging,
    most: int,
    key_read: bool = False,
) -> tuple[int, list[int] | None] | None:
    """The capped total and, when there are at most `most` matches (sorted_up_to: where
    page_ids would sort them), that page (else None: page_ids walks), from one gathering
    of the matches; None when the paging asks for no page. Counting and sorting gathered
    them twice: people of one state created over half the span with 2+ interactions,
    4,300 of 1,000,000, took 240 ms to count and 265 ms to page; 265 together. SQLite
    keeps the ids it counts (19 ms for 100,001), and their sort keys where the filters
    read them anyway (`key_read`: a filter on the sort column; sorted_carried_up_to).
    PostgreSQL's matches carry their sort keys off the table, where its count reads the
    index alone: the caller weighs that."""
    window = paging.window()
    if window is None:
        return None
    offset, size = window
    dialect = conn.dialect.name
    carried = key_read or dialect == "postgresql"
    matches = _matches(table, account_id, where, order, dialect, carried, MAX_REACHABLE + 1)
    total = select(func.count().label("n")).select_from(matches).cte("total")
    # The sort runs only when the matches turn out few: both databases test a condition
    # on no table once, before reading a row.
    at = func.row_number().over(order_by=_page_order(matches, order, carried))
    page = (
        _sorted(table, account_id, matches, order, carried)
        .add_columns(at.label("at"))
        .where(select(total.c.n).scalar_subquery() <= most)
        .offset(offset)
        .limit(size)
        .subquery()
    )
    both = union_all(
        select(total.c.n.label("value"), literal(0).label("at")), select(page.c.id, page.c.at)
    ).subquery()
    first, *rest = conn.execute(select(both.c.value).order_by(both.c.at)).scalars()
    n = min(int(first), MAX_REACHABLE)
    return n, ([int(i) for i in rest] if n <= most else None)


def page_of_few(
    conn: Connection,
    table: Table,
    account_id: int,
    where: Sequence[ColumnElement[bool]],
    order: Order,
    window: tuple[int, int],
) -> tuple[int, list[int]] | None:
    """The total and the page (`window`: offset, size) where the matches end within the
    page: gathered (at most one past the page's end), sorted, and paged with one row
    more than the page holds. A page not filled ends the matches, so its end is their
    number and no count is run; None where the page is filled, or empty past the first
    (the caller counts). For filters few records match (an email, a phone), where
    counting them cost as much as their page (decision 0216)."""
    offset, size = window
    end = offset + size
    ids = _sorted_page(conn, table, account_id, where, order, offset, size + 1, end + 1)
    if len(ids) > size or (not ids and offset):
        return None
    return offset + len(ids), ids


def _sorted_page(
    conn: Connection,
    table: Table,
    account_id: int,
    where: Sequence[ColumnElement[bool]],
    order: Order,
    offset: int,
    size: int,
    gathered: int | None = None,
    kept: bool = False,
) -> list[int]:
    """`size` ids of the matches from `offset`, in the page order: the matches (at most
    `gathered` of them) gathered through the filters' indexes, then sorted; with `kept`,
    by a statement whose plan is kept (page_ids)."""
    dialect = conn.dialect.name
    carried = dialect == "postgresql"
    matches = _matches(table, account_id, where, order, dialect, carried, gathered)
    page = _sorted(table, account_id, matches, order, carried).offset(offset).limit(size)
    with plan_kept(conn) if kept else nullcontext():
        return _ids(conn, page)


def sorted_up_to(end: int, population: int | None) -> int:
    """The most matches page_ids sorts (rather than walks) for a page ending at `end`
    among `population` records (None: not known, SMALL_MATCH_SET): _walk_pays is false
    below a bound and true above."""
    low, high = 0, MAX_REACHABLE
    while low < high:
        middle = (low + high + 1) // 2
        if _walk_pays(middle, end, population):
            high = middle - 1
        else:
            low = middle
    return low


def sorted_carried_up_to(end: int, population: int | None) -> int:
    """The most matches worth sorting for a page ending at `end` among `population`
    records, where gathering them carries their sort keys (no read of a record to sort
    it): n carried keys sort in about n steps of a walk's cost over CARRIED_SORT_SHARE,
    against end * population / n steps to walk, so sorting pays below the square root
    of CARRIED_SORT_SHARE * end * population; never fewer than sorted_up_to sorts."""
    least = sorted_up_to(end, population)
    if population is None:
        return least
    return max(least, min(math.isqrt(CARRIED_SORT_SHARE * end * population), MAX_REACHABLE))


def population_decides(total: int) -> bool:
    """Whether a page of `total` matches is planned from the number of records searched:
    a few matches are always sorted, capped ones always walk the sort index."""
    return SMALL_MATCH_SET < total < MAX_REACHABLE


def _walk_budget(total: int, end: int, population: int | None) -> int | None:
    """Index entries the walk may take before giving way to sorting the matches: a
    few times what it takes when the matches are spread evenly along the sort order.
    They need not be: companies created in one late month sit late in the order of
    modification too, and the walk would read nearly the whole index to find them."""
    if population is None or total >= MAX_REACHABLE:
        return None
    budget = max(WALK_SLACK * end * population // total, MIN_WALK_BUDGET)
    return budget if budget < population else None


def _rows_passed(total: int, end: int, population: int | None) -> float | None:
    """The rows a walk is expected to pass to reach the page's end (None: capped, dense
    matches, few): on each it may look a child-table filter up (a seek per value the
    filter names) or test membership in the filter's ids, gathered first at about one
    index entry each (row_wise weighs the two). A rare tag's 11,500 people by page 10 of
    200: 17,000 rows to pass, 95 ms in lookups, 40 ms gathered; "john" (5,098 people, 8
    tokens a lookup) on page 1: 74 ms in lookups, 56 gathered; a common tag's page 1:
    250 rows, 1 ms. Leads of a common tag (222,000) in one country, 9,681 matches: 20,000
    rows to pass, 367 ms with the tag's ids gathered."""
    if population is None:
        return None
    return end * population / total


def _walk_pays(total: int, end: int, population: int | None) -> bool:
    """Walk the sort index when the matches are many and dense enough that reaching the
    page's last match costs fewer index steps than fetching and sorting every match."""
    if total <= SMALL_MATCH_SET:
        return False
    if total >= MAX_REACHABLE or population is None:
        return True
    steps = end * population / total
    if total <= FEW_MATCHES:  # a few thousand sort in a few ms: walk only if shorter
        return steps <= total
    return steps <= WALK_SHARE * total


def _direction(column: ColumnElement[Any], descending: bool) -> ColumnElement[Any]:
    return column.desc() if descending else column.asc()


def _matches(
    table: Table,
    account_id: int,
    where: Sequence[ColumnElement[bool]],
    order: Order,
    dialect: str,
    carried: bool,
    limit: int | None = None,
) -> CTE:
    # MATERIALIZED keeps the planner from walking the sort index past every non-match:
    # the few matches come through the filters' indexes and are sorted afterwards.
    # SQLite gathers ids only (an index on the filtered column covers them) and reads
    # their sort keys by primary key, unless `carried`; PostgreSQL hashed the whole sort
    # index for that join (23 ms for 5,000 matches), so there the matches carry their
    # keys (3 ms).
    columns = [table.c.id.label("id")] + ([order.column.label("key")] if carried else [])
    statement = _gathered(table, account_id, where, dialect, columns, limit)
    return statement.cte("matches").prefix_with("MATERIALIZED")


def _sorted(
    table: Table, account_id: int, matches: CTE, order: Order, carried: bool
) -> Select[Any]:
    """The gathered matches' ids in the page order (their sort keys `carried`, or read)."""
    statement = select(matches.c.id)
    if not carried:
        statement = statement.join(
            table, (table.c.account_id == account_id) & (table.c.id == matches.c.id)
        )
    return statement.order_by(*_page_order(matches, order, carried))


def _page_order(matches: CTE, order: Order, carried: bool) -> list[ColumnElement[Any]]:
    key = matches.c.key if carried else order.column
    return [key.is_(None), _direction(key, order.descending), matches.c.id]


def _walk_sort_index(
    conn: Connection,
    table: Table,
    where: Sequence[ColumnElement[bool]],
    order: Order,
    offset: int,
    size: int,
    total: int,
    budget: int | None = None,
    passed: float | None = None,
) -> list[int] | None:
    """The page's matches in order, stepping the (account_id, key, id) index: those with a
    key first, then (for a nullable key) those without, by id. A page past the matches
    with a key needs their number, counted up to its offset. None when the first
    `budget` keys of the index do not hold the page (the caller sorts the matches)."""
    column = order.column
    parts = walked_apart(conn.dialect.name, where)
    where = [row_wise(c, passed, total) for c in where]
    bound = _bound(conn, where, order, budget)
    within = [] if bound is None else [column <= bound if not order.descending else column >= bound]
    whole = [*where, *within]
    walked: list[Part] = [(whole, None)]
    if len(parts) > 1:  # else the one part is `where`, already tested row by row
        walked = [([*(row_wise(c, passed, total) for c in w), *within], g) for w, g in parts]
    ids = _filled_page(conn, table, walked, whole, order, offset, size)
    if len(ids) == size:
        return ids
    if bound is not None:
        return None
    if not order.nullable:
        return ids
    with_key = offset + len(ids) if ids else _count_up_to(conn, table, where, order, offset)
    empty = (
        _on_sort_index(select(table.c.id), order)
        .where(*where, column.is_(None))
        .order_by(table.c.id)
        .offset(max(0, offset - with_key))
        .limit(size - len(ids))
    )
    return ids + _ids(conn, empty)


def _filled_page(
    conn: Connection,
    table: Table,
    parts: Sequence[Part],
    where: Sequence[ColumnElement[bool]],
    order: Order,
    offset: int,
    size: int,
) -> list[int]:
    """The page of a walk over the matches with a key, made of `parts` (`where` whole).
    Descending, ties still go by id ascending, against the index's order: both
    databases then read and sort each run of equal keys whole (the first page of
    1,000,000 people by title descending sorted the 20,000 of one title: 84 ms). A page
    within GROUPED_REACH entries is made of two parts instead, in one statement: the
    walk's first entries above the lowest key they reach (fewer than its reach),
    sorted, and those at that key in the index's own order of ids (0.1 ms). Walking
    again for the first part doubled the time of a page whose filters read every row
    it passes (a tag, a country and a modified window of 1,000,000 people, PostgreSQL:
    95 + 100 ms)."""
    reach = offset + size
    column, id_ = order.column, table.c.id
    if not order.descending or reach > GROUPED_REACH:
        if len(parts) == 1:
            return _ids(conn, _filled(table, parts[0][0], order).offset(offset).limit(size))
        first = _first_entries(table, parts, order, reach, ids_descending=False)
        direction = _direction(first.c.key, order.descending)
        page = select(first.c.id).order_by(direction, first.c.id).offset(offset).limit(size)
        return _ids(conn, page)
    # The keys of the first `reach` entries are the same whatever order their ties take.
    # The first `reach` of the parts' entries together: the lowest key of every part's
    # own first `reach` could sit below entries of another part left out of its first.
    reached = _first_entries(table, parts, order, reach, ids_descending=True)
    together = select(reached.c.id, reached.c.key)
    together = together.order_by(reached.c.key.desc(), reached.c.id.desc()).limit(reach)
    reached_cte = together.cte("reached").prefix_with("MATERIALIZED")
    lowest = select(func.min(reached_cte.c.key)).scalar_subquery()
    above = select(reached_cte.c.id, reached_cte.c.key).where(reached_cte.c.key > lowest)
    # Not from a walk: beside its `key IS NOT NULL`, SQLite would step from the first key
    # of the index rather than look `lowest` up.
    keyed = _on_sort_index(select(id_, column.label("key")), order).where(*where)
    at = keyed.where(column == lowest).order_by(id_).limit(reach).subquery()
    both = union_all(above, select(at.c.id, at.c.key)).subquery()
    page = select(both.c.id).order_by(both.c.key.desc(), both.c.id).offset(offset).limit(size)
    return _ids(conn, page)


def _first_entries(
    table: Table, parts: Sequence[Part], order: Order, reach: int, ids_descending: bool
) -> Subquery:
    """(id, key) of the first `reach` entries of the walk with a key, ties by id in the
    given direction: each part's first `reach` (a gathered part's matches found by its
    own clause, read whole, then sorted), together; the caller orders them."""
    column, id_ = order.column, table.c.id
    firsts = []
    for n, (where, gathered) in enumerate(parts):
        entries = select(id_.label("id"), column.label("key")).where(*where, column.is_not(None))
        key: ColumnElement[Any] = column
        ids: ColumnElement[Any] = id_
        if gathered is not None:  # CTEs: the planner reads them without the LIMIT around
            entries = entries.where(_among_gathered(table, gathered, f"gathered_{n}_ids"))
            found = entries.cte(f"gathered_{n}").prefix_with("MATERIALIZED")
            entries, key, ids = select(found.c.id, found.c.key), found.c.key, found.c.id
        else:
            entries = _on_sort_index(entries, order)
        by = [_direction(key, order.descending), ids.desc() if ids_descending else ids]
        firsts.append(entries.order_by(*by).limit(reach).subquery())
    if len(firsts) == 1:
        return firsts[0]
    return union_all(*(select(f.c.id, f.c.key) for f in firsts)).subquery()


def _among_gathered(table: Table, clause: ColumnElement[bool], name: str) -> ColumnElement[bool]:
    """`id IN` the ids `clause` finds through its own index, gathered first (a
    MATERIALIZED CTE `name`: the planner estimates them apart, from the clause alone)."""
    alone = select(table.c.id).where(clause).cte(name).prefix_with("MATERIALIZED")
    return table.c.id.in_(select(alone.c.id))


def _bound(
    conn: Connection, where: Sequence[ColumnElement[bool]], order: Order, budget: int | None
) -> Any:
    """The sort key `budget` entries along the index from where the walk starts (None:
    the walk is unbounded, or the index is shorter). Read from the index alone, with the
    filters on the sort key itself (a range of due dates sorted by due date): cheap next
    to the walk it bounds."""
    if budget is None:
        return None
    column = order.column
    keyed = {column, column.table.c.account_id}
    on_key = [c for c in where if _columns(c) <= keyed]
    statement = (
        _on_sort_index(select(column), order)
        .where(*on_key, column.is_not(None))
        .order_by(_direction(column, order.descending))
        .offset(budget)
        .limit(1)
    )
    return conn.execute(statement).scalar()


def _columns(clause: ColumnElement[Any]) -> set[Any]:
    """Every column a clause reads, in subqueries too."""
    return {e for e in iterate(clause) if isinstance(e, Column)}


def _filled(table: Table, where: Sequence[ColumnElement[bool]], order: Order) -> Select[Any]:
    column = order.column
    return (
        _on_sort_index(select(table.c.id), order)
        .where(*where, column.is_not(None))
        .order_by(_direction(column, order.descending), table.c.id)
    )


def _count_up_to(
    conn: Connection,
    table: Table,
    where: Sequence[ColumnElement[bool]],
    order: Order,
    limit: int,
) -> int:
    """How many matches have a key, counting at most `limit`."""
    capped = _filled(table, where, order).order_by(None).limit(limit).subquery()
    return int(conn.execute(select(func.count()).select_from(capped)).scalar_one())


def _ids(conn: Connection, statement: Select[Any]) -> list[int]:
    return [int(i) for i in conn.execute(statement).scalars()]


def _on_sort_index(statement: Select[Any], order: Order) -> Select[Any]:
    """Tell SQLite to walk the (account_id, key, id) index: with a selective-looking filter
    its planner would rather fetch every match and sort them, which is what we ruled out."""
    table = order.column.table
    for index in table.indexes:
        names = [c.name for c in index.columns]
        if names[:3] == ["account_id", order.column.name, "id"]:  # a flag may follow
            return statement.with_hint(table, f"INDEXED BY {index.name}", "sqlite")
    return statement
