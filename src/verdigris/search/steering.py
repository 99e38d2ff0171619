"""Which index SQLite starts a search from when filters of known size meet ranges.

SQLite keeps no histograms: it guesses that a range with both bounds holds 1/64 of the
rows, so it starts from a range's index even where the range holds half the account
and another filter a few percent. State + a created window over half of 1,000,000
people read 500,000 rows that way (370 ms to count) where the state's own index reads
its 20,000. The matches of an address value, a tag, or an id or choice filter are
known from their counters (for several tags, at most their sum); each range's are
counted from its index, up to WIDER times the fewest (index entries only). When every
range reaches that many, the search starts from the filter of fewest matches: the
ranges, and the other counted filters, are tested on its rows instead (`column + 0`,
`column || ''` keep SQLite off their indexes). Ranges on two columns read every
candidate's row whatever the start, so there a range's index is the start only when
it reaches far fewer rows than the anchor (OUT_OF_ORDER), and then it is the narrowest
range's. A state or country within a created or modified window is one range of the
index of both (Address.ranged): that index is the start wherever the address value is.
PostgreSQL's planner has the histograms to choose itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Column, Connection, Select, String, Table, intersect, select, union_all
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import replacement_traverse

from verdigris.domain.declarations import declaration
from verdigris.domain.declarations.declaration import FilterKind
from verdigris.parsing.search import Search
from verdigris.search.paging import count_up_to
from verdigris.search.scope import in_record_order
from verdigris.storage.dialect import AnyCase, RowTest, row_wise

Clause = ColumnElement[bool]
RANGES = frozenset({FilterKind.MINIMUM, FilterKind.MAXIMUM, FilterKind.AGE})
Counted = Callable[[str], int | None]
"""The matches of the search's filter of this key alone, from its counters (at most
that many), or None where no counters know them."""
WIDER = 5
"""How many times the address value's rows a range must reach to be passed over. A
row reached through a range's index costs less than one reached through the address
value's ids (records are stored in the order they were created, so a date range reads
them nearly in order): at 1,000,000 people the two plans took the same time where the
range reached 3-5 times the rows (a state of 94,000 and of 61,000 people, created over
30% of the span), and the address value's was 2-3.5x faster from 10 times."""
OUT_OF_ORDER = 2
"""Where the search reads each candidate's row anyway (ranges on two columns), a
range's index must reach fewer than 1/OUT_OF_ORDER of the anchor's rows to be the
start: it reaches rows out of their stored order, the anchor's ids in it. California
(227,000 people) + created over half the span + 2 or more interactions (212,000):
counted 409 ms from the interactions' index, 336 from the state's, 747 from the
created dates' (SQLite's guess)."""
MAX_PROBE = 200_000
"""Index entries a range's probe may count (about 30 ms on a slow 2-core machine): an
anchor held by more than MAX_PROBE / WIDER records leaves SQLite its choice (with one
range; with two, more than MAX_PROBE * OUT_OF_ORDER), since the probe would cost
about what steering could save (one range beside no address value indexed with it:
MAX_LONE_PROBE)."""
MAX_LONE_PROBE = 400_000
"""Index entries one range's probe may count (about 28 ms) where no address value is
indexed with the range (Address.ranged) to start from instead: SQLite's own start, the
range, tests each of its entries against the anchor's gathered ids, which cost far more
than the probe where the range is wide. Leads of a tag of 60,000 modified over most of
the span: 290 ms from the range (900,000 entries), 117 from the tag after the probe;
where the range is narrow (10,000 of the tag's) the probe costs 66 -> 77 ms."""
ROW_READ_COST = 16
"""A record read by id from the start's ids (its primary key's index, then its row)
costs SQLite about this many index entries of a run merged in order. Alone, 2.6-2.8 us
against 0.09 us; but the plans crossed about here (1,000,000 leads, half the modified
span: a tag of 20,500 in the United States, 231,000, counted in 54 ms reading the
tag's records and 35 merged; one of 11,700 there, 33 and 45; one of 24,000 in Mexico,
58,000, 63 and 18)."""


def steer(
    conn: Connection,
    table: Table,
    account_id: int,
    search: Search,
    clauses: Mapping[str, Clause],
    counted: Counted,
) -> dict[str, Clause]:
    """`clauses` (one per filter key), with the counted filter of fewest matches as the
    start where the others' indexes reach far more rows: a child-table filter's ids
    are looked up for each candidate instead of gathered, and where every range reaches
    WIDER times as many rows, the ranges and other counted filters are kept off their
    indexes. Ranges on two columns: the narrowest is the start where it reaches under
    1/OUT_OF_ORDER of the fewest matches, the other ranges and the counted filters
    tested on its rows (a child-table filter's ids still gathered), else the fewest.
    An address value indexed with a range's column (Address.ranged) starts from that
    index, the range on it; where every filter is too broad to probe, such a value is
    the start even when another filter counts fewer matches. An address value at the
    start is counted and gathered case by case (dialect.by_case). A start of one tag
    whose rows an address value is tested on is merged with that value's records where
    that reads fewer entries (_merged_start)."""
    if conn.dialect.name != "sqlite" or len(clauses) < 2:
        return dict(clauses)
    ranges = _ranges(search)
    ranged = {key for keys in ranges.values() for key in keys}
    # In the filters' order, so that a tie picks the same start every time.
    others = [key for key in clauses if key not in ranged]
    anchors = {key: n for key in others if (n := counted(key)) is not None}
    if not anchors:
        return dict(clauses)
    start = min(anchors, key=anchors.__getitem__)
    fewest = anchors[start]
    # From one range's index, the rows of another range's column are read one by one
    # (its index covers only itself and the id the anchors' lists are tested on).
    rows_read = len(ranges) > 1
    enough = -(-fewest // OUT_OF_ORDER) if rows_read else fewest * WIDER
    probed_up_to = MAX_PROBE
    if ranges and enough > MAX_PROBE:
        broad = _broad_start(search, anchors, ranges)
        start = broad or start
        if broad is None and not rows_read:
            probed_up_to = MAX_LONE_PROBE
    steered = {k: _looked_up(c, anchors.get(k), anchors[start]) if k != start else c
               for k, c in clauses.items()}  # fmt: skip
    if not ranges:
        return _started(steered, start)
    # An address value's index with a range's column (Address.ranged) reaches no more
    # entries than either filter's own. Probing the other ranges first cost more than
    # it found: leads of California created over half the span with 3+ interactions,
    # 118 ms started from the interactions' index, 56 from the state's and the dates'.
    if (within := _indexed_with(search, start, ranges)) is not None:
        tested = _others(ranged, set(ranges[within]), anchors, start)
        return _tested(_started(steered, start), tested, table)
    if enough > probed_up_to:
        return steered
    reached = {
        column: count_up_to(conn, table, account_id, [clauses[k] for k in keys], enough)
        for column, keys in ranges.items()
    }
    narrowest = min(reached, key=reached.__getitem__)
    if reached[narrowest] >= enough:
        tested = _others(ranged, set(), anchors, start)
        steered = _merged_start(_started(steered, start), start, anchors, table)
    elif rows_read:  # SQLite would guess a two-sided range the narrowest, however wide
        tested = (ranged - set(ranges[narrowest])) | (anchors.keys() - _gathered(steered))
    else:
        return steered  # the range's index is as cheap a start: SQLite's choice
    return _tested(steered, tested, table)


def _ranges(search: Search) -> dict[str, list[str]]:
    """The search's range filters by the column they bound."""
    decl = declaration(search.record_type)
    ranges: dict[str, list[str]] = {}
    for key in search.filters:
        spec = decl.filter_by_key[key]
        if spec.kind in RANGES:
            ranges.setdefault(spec.column or key, []).append(key)
    return ranges


def _others(
    ranged: set[str], on_start: set[str], anchors: Mapping[str, int], start: str
) -> set[str]:
    """The filters tested on the rows the start reaches: every range but those its index
    holds, and every other counted filter."""
    return (ranged - on_start) | (anchors.keys() - {start})


def _broad_start(
    search: Search, anchors: Mapping[str, int], ranges: Mapping[str, list[str]]
) -> str | None:
    """Where every filter is too broad to probe the ranges, the address value indexed
    with one of them (the fewest of such): it reaches no more than its own matches,
    where SQLite would start from a range and test its entries against every other
    filter's gathered ids. People of the most common tag (234,000) in the United States
    (242,000) modified over half the span: 540 ms from the modified dates' index."""
    indexed = [key for key in anchors if _indexed_with(search, key, ranges) is not None]
    return min(indexed, key=anchors.__getitem__, default=None)


def _indexed_with(search: Search, start: str, ranges: Mapping[str, list[str]]) -> str | None:
    """The column of a range indexed together with the address part at `start`
    (Address.ranged): its value within the range is one range of that index, fewer
    entries than either filter's own index reaches."""
    decl = declaration(search.record_type)
    spec = decl.filter_by_key[start]
    if spec.kind is not FilterKind.ADDRESS or decl.address is None:
        return None
    part = spec.column or start
    return next((c for p, c in decl.address.ranged if p == part and c in ranges), None)


def _tested(clauses: Mapping[str, Clause], tested: set[str], table: Table) -> dict[str, Clause]:
    """`clauses`, those in `tested` tested on each row the start reaches, off their index."""
    return {k: _off_index(row_wise(c), table) if k in tested else c for k, c in clauses.items()}


def _started(clauses: dict[str, Clause], start: str) -> dict[str, Clause]:
    """`clauses`, an address value at `start` marked as the search's start."""
    clause = clauses[start]
    return clauses | {start: clause.as_start()} if isinstance(clause, AnyCase) else clauses


def _merged_start(
    clauses: dict[str, Clause], start: str, anchors: Mapping[str, int], table: Table
) -> dict[str, Clause]:
    """`clauses`, a start whose ids are one run in record order (a tag's postings)
    intersected with the records of the address value of fewest (each case's run of its
    index, in record order too), where merging the two runs reads fewer entries than
    reading a record for each of the start's ids to test the value there: SQLite merges
    the runs as it reads them, and reads the records of the few ids both hold. Leads of
    a tag of 12,500 in Canada (57,000), modified over half the span: 27.7 -> 13.6 ms to
    count. The value is still tested on those records (the merge only narrows them)."""
    first = clauses[start]
    run = first.ids() if isinstance(first, RowTest) and first.ids is not None else None
    if not isinstance(run, Select):  # several runs: their ids are not in record order
        return clauses
    addresses = {k: c for k, c in clauses.items() if isinstance(c, AnyCase) and k in anchors}
    fewest = min(addresses, key=anchors.__getitem__, default=None)
    if fewest is None or anchors[start] + anchors[fewest] >= ROW_READ_COST * anchors[start]:
        return clauses
    merged = table.c.id.in_(in_record_order(intersect(_records_of(addresses[fewest]), run)))
    return clauses | {start: RowTest(merged, first.row, first.ids, first.seeks, first.gathers)}


def _records_of(value: AnyCase) -> Select[Any]:
    """The ids of an address value's records in record order: each case's run of its own
    index, merged (SQLite flattens the subquery into the compound it is part of)."""
    each = value.case_ids()
    if len(each) == 1:
        return each[0]
    cases = union_all(*each).subquery()
    return select(cases.c.id)


def _gathered(clauses: Mapping[str, Clause]) -> set[str]:
    """The filters that gather their ids from another table: a list tested by id."""
    return {k for k, c in clauses.items() if isinstance(c, RowTest)}


def _looked_up(clause: Clause, matches: int | None, fewest: int) -> Clause:
    """A child-table filter gathers its `matches` ids (one index entry each) where a
    lookup per candidate (`seeks` each) would do: the candidates are at most `fewest`.
    Leads of a common tag (222,000) in one country (57,000): 183 -> 125 ms to count."""
    if isinstance(clause, RowTest) and matches is not None and matches > fewest * clause.seeks:
        return row_wise(clause)
    return clause


def _off_index(clause: Clause, table: Table) -> Clause:
    """`clause` with each of the table's columns `c` read as `c + 0` (text: `c || ''`):
    the same values (NULL stays NULL), no index."""

    def swap(element: Any, **_: Any) -> Any:
        if isinstance(element, Column) and element.table is table:
            return element.concat("") if isinstance(element.type, String) else element + 0
        return None

    return replacement_traverse(clause, {}, swap)
