"""Which index SQLite starts a search from when an address value meets ranges.

SQLite keeps no histograms: it guesses that a range with both bounds holds 1/64 of the
rows, so it starts from a range's index even where the range holds half the account
and the address value a few percent. State + a created window over half of 1,000,000
people read 500,000 rows that way (370 ms to count) where the state's own index reads
its 20,000. The address value's matches are known from its counters; each range's are
counted from its index, up to WIDER times that many (index entries only). When every
range reaches that many, the ranges are tested on the address value's rows instead:
`column + 0` keeps SQLite off their indexes. PostgreSQL's planner has the histograms
to choose itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Column, Connection, Table
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import replacement_traverse

from verdigris.domain.declarations import declaration
from verdigris.domain.declarations.declaration import FilterKind
from verdigris.parsing.search import Search
from verdigris.parsing.terms import Equals
from verdigris.search.paging import count_up_to

Clause = ColumnElement[bool]
RANGES = frozenset({FilterKind.MINIMUM, FilterKind.MAXIMUM, FilterKind.AGE})
Counted = Callable[[str, Equals], int]
"""The matches of one address part's value, from its counters."""
WIDER = 5
"""How many times the address value's rows a range must reach to be passed over. A
row reached through a range's index costs less than one reached through the address
value's ids (records are stored in the order they were created, so a date range reads
them nearly in order): at 1,000,000 people the two plans took the same time where the
range reached 3-5 times the rows (a state of 94,000 and of 61,000 people, created over
30% of the span), and the address value's was 2-3.5x faster from 10 times."""
MAX_PROBE = 200_000
"""Index entries a range's probe may count (about 30 ms on a slow 2-core machine): an
address value held by more than MAX_PROBE / WIDER records leaves SQLite its choice,
since the probe would cost about what steering could save."""


def steer(
    conn: Connection,
    table: Table,
    account_id: int,
    search: Search,
    clauses: Mapping[str, Clause],
    counted: Counted,
) -> dict[str, Clause]:
    """`clauses` (one per filter key), with the ranges' columns kept off their indexes
    where an address value's index reaches far fewer rows."""
    if conn.dialect.name != "sqlite":
        return dict(clauses)
    decl = declaration(search.record_type)
    ranges: dict[str, list[str]] = {}
    addresses: list[tuple[str, Equals]] = []
    for key, value in search.filters.items():
        spec = decl.filter_by_key[key]
        if spec.kind in RANGES:
            ranges.setdefault(spec.column or key, []).append(key)
        elif spec.kind is FilterKind.ADDRESS and isinstance(value, Equals) and value.key:
            addresses.append((spec.column or key, value))
    if not ranges or not addresses:  # no counter read when there is nothing to steer
        return dict(clauses)
    enough = min(counted(part, value) for part, value in addresses) * WIDER
    if enough > MAX_PROBE:
        return dict(clauses)
    for keys in ranges.values():
        if count_up_to(conn, table, account_id, [clauses[k] for k in keys], enough) < enough:
            return dict(clauses)  # a range's index is as cheap a start: SQLite's choice
    steered = {k for keys in ranges.values() for k in keys}
    return {k: _off_index(c, table) if k in steered else c for k, c in clauses.items()}


def _off_index(clause: Clause, table: Table) -> Clause:
    """`clause` with each of the table's columns `c` read as `c + 0`: the same values
    (NULL stays NULL), no index."""

    def swap(element: Any, **_: Any) -> Any:
        if isinstance(element, Column) and element.table is table:
            return element + 0
        return None

    return replacement_traverse(clause, {}, swap)
