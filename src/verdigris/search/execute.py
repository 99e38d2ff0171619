"""Run a validated search: (page ids, X-PW-TOTAL), counted and paged inside the database."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

from sqlalchemy import Connection

from verdigris.domain.declarations import Declaration, declaration
from verdigris.domain.declarations.declaration import Filter, FilterKind
from verdigris.domain.paging import MAX_REACHABLE
from verdigris.parsing.search import Search
from verdigris.parsing.terms import Equals, IdSet, Options
from verdigris.search.compile import Compiled, compile_search
from verdigris.search.counters import crossed_counters
from verdigris.search.created_window import created_window_total
from verdigris.search.paging import (
    count_capped,
    page_ids,
    page_of_few,
    population_decides,
    sorted_carried_up_to,
    sorted_up_to,
    total_and_sorted_page,
)
from verdigris.search.scope import Scope
from verdigris.search.tag_union import holders_of_any
from verdigris.search.token_pages import total_and_page as by_name_tokens
from verdigris.storage.dialect import plan_kept, planned_for_values

IDENTIFYING = frozenset(
    {FilterKind.IDS, FilterKind.PHONE, FilterKind.EMAILS, FilterKind.SOCIALS, FilterKind.TEXTS}
)
"""Filters naming records by what identifies them: few records match any one value."""
FEW_PER_VALUE = IDENTIFYING | {FilterKind.OPPORTUNITIES, FilterKind.RELATED_IDS}
"""Filters few records match: those identifying them, and those naming the records they
hang on (an opportunity's people, a record's related tasks)."""
MAX_UNION_TAGS = 8
"""ANY of more tags is counted through the records: each tag's postings are tested
against every tag before it, a cost that grows with the square of their number."""


def run_search(
    conn: Connection, account_id: int, user_id: int, now: int, search: Search
) -> tuple[list[int], int]:
    """(ids of the page, capped total), each statement planned for its values."""
    with planned_for_values(conn):
        return _run(conn, account_id, user_id, now, search)


def _run(
    conn: Connection, account_id: int, user_id: int, now: int, search: Search
) -> tuple[list[int], int]:
    scope = Scope(conn, account_id, user_id, now, search.record_type)
    if (by_name := by_name_tokens(scope, search)) is not None:
        return by_name
    search, holders = _least_held_tag_first(scope, search)
    scope = replace(scope, tag_holders=holders)
    # Steering reads the matches too, and the one pass the population: the counters
    # behind both are read once a search (Scope.counted).
    matches = partial(_filter_matches, scope, search)
    searched = partial(_population, scope, search)
    compiled = compile_search(scope, search, matches)
    if (paged := _paged_first(scope, search, compiled)) is not None:
        return paged
    total = counted_total(scope, search)
    if total is None:
        total = created_window_total(scope, search, compiled)
    if total is None:
        total, page = _counted_with_page(scope, search, compiled, matches, searched)
        if page is not None:
            return page, total
    population = None
    if population_decides(total):  # no filter: the total is the population
        population = searched() if search.filters else total
    ids = page_ids(
        conn, compiled.table, account_id, compiled.where, compiled.order, search.paging, total,
        population, one_index_gathers=_one_index_gathers(search),
    )  # fmt: skip
    return ids, total


def _paged_first(scope: Scope, search: Search, compiled: Compiled) -> tuple[list[int], int] | None:
    """(page ids, total) of a lone filter few records match, where they end within the
    page (paging.page_of_few); else None."""
    if len(search.filters) != 1:
        return None
    ((key, value),) = search.filters.items()
    if declaration(search.record_type).filter_by_key[key].kind not in FEW_PER_VALUE:
        return None
    window = search.paging.window()
    # More values than the page holds most often fill it, and a filled page pays for the
    # page first and the count after (100 ids, a page of 20, PostgreSQL: 7.1 -> 10.2 ms).
    if window is None or _values_named(value) > sum(window):
        return None
    table, where, order = compiled.table, compiled.where, compiled.order
    # Gathered through the filter's index and bounded by the page's end, whatever its
    # values: a plan kept saves planning it anew (a person by email, PostgreSQL, in
    # process: 2.50 -> 2.09 ms).
    with plan_kept(scope.conn):
        few = page_of_few(scope.conn, table, scope.account_id, where, order, window)
    if few is None:
        return None
    total, ids = few
    return ids, total


def _values_named(value: object) -> float:
    """How many values a filter of FEW_PER_VALUE names (a phone: one), about as many as
    the records it matches (ids: at most); with -2 (no related record), any number."""
    if isinstance(value, IdSet):
        return math.inf if value.none else len(value.ids)
    return len(value) if isinstance(value, tuple) else 1


def _counted_with_page(
    scope: Scope,
    search: Search,
    compiled: Compiled,
    matches: Callable[[str], int | None],
    population: Callable[[], int],
) -> tuple[int, list[int] | None]:
    """The capped total, counted through the filters, and the page where the same
    gathering of the matches could make it (paging.total_and_sorted_page)."""
    table, where = compiled.table, compiled.where
    key_read = _sort_column_filtered(search)
    most = _sorted_in_one_pass(scope, search, matches, population, key_read)
    gathered = None
    if most is not None:
        gathered = total_and_sorted_page(
            scope.conn, table, scope.account_id, where, compiled.order, search.paging, most,
            key_read=key_read,
        )  # fmt: skip
    if gathered is None:
        return count_capped(scope.conn, table, scope.account_id, where), None
    return gathered


def _sorted_in_one_pass(
    scope: Scope,
    search: Search,
    matches: Callable[[str], int | None],
    population: Callable[[], int],
    key_read: bool,
) -> int | None:
    """The most matches one pass that counts them should also sort into the page, or
    None: count them alone. Filters on several fields; on PostgreSQL also a lone filter
    naming records by what identifies them (ids, a phone, an email) whose page came
    back filled, or was not read first (_paged_first), which saves a statement that
    PostgreSQL would plan (0.2-0.3 ms), where SQLite spends more building the longer
    statement than running the shorter two. Another lone filter is counted from its
    index alone (or from the row of each match it finds there), where keeping the ids
    costs more than counting them (100,000 leads created in a window: 17 -> 33 ms).
    `key_read`: a filter reads the sort keys, which are then sorted up to
    paging.sorted_carried_up_to of them (on PostgreSQL, where the counters bound the
    matches within that, or expect them within it, _expected_matches: carried to each
    of a capped window's 100,001 matches, they cost more than the count alone, 26 -> 43
    ms)."""
    window = search.paging.window()
    if window is None:
        return None
    end = sum(window)
    specs = list(_specs(search).values())
    postgres = scope.conn.dialect.name == "postgresql"
    if len(specs) == 1:
        return sorted_up_to(end, None) if postgres and specs[0].kind in IDENTIFYING else None
    if len(_columns_filtered(specs)) < 2:
        return None
    up_to = sorted_carried_up_to if key_read else sorted_up_to
    if not postgres:
        return up_to(end, population())
    # Its matches would carry their sort keys off the table: only when the counters bound
    # them within the sorted pages' reach, or expect them within it (the records searched
    # are read only then).
    counted = _counted_matches(search, matches)
    if not counted:
        return None
    searched = population()
    most = up_to(end, searched)
    if min(counted) <= most or _expected_matches(counted, searched) <= most:
        return most
    return None


def _specs(search: Search) -> dict[str, Filter]:
    """The declared filter of each key the search gives."""
    by_key = declaration(search.record_type).filter_by_key
    return {key: by_key[key] for key in search.filters}


def _sort_column_filtered(search: Search) -> bool:
    """Whether a filter tests the sort column: gathering the matches reads their sort
    keys then, through whichever index or record it finds them (SQLite keeps them to sort
    the page: paging.sorted_carried_up_to)."""
    column = declaration(search.record_type).sort_by_key[search.sort_by].column
    return any(spec.column == column for spec in _specs(search).values())


def _columns_filtered(specs: Iterable[Filter]) -> set[str]:
    """The columns (or child-table filters) the filters test: the two bounds of a range
    are one."""
    return {spec.column or spec.key for spec in specs}


def _one_index_gathers(search: Search) -> bool:
    """Whether one index gathers the matches whatever the values: the filters test one
    column (or one child table), and are not several custom fields (whose entries' own
    matches decide which gathers)."""
    specs = _specs(search)
    if len(_columns_filtered(specs.values())) != 1:
        return False
    return not any(
        spec.kind is FilterKind.CUSTOM_FIELDS and len(search.filters[key]) > 1
        for key, spec in specs.items()
    )


def _counted_matches(search: Search, matches: Callable[[str], int | None]) -> list[int]:
    """The records meeting each filter the counters know (the fewest of them bound the
    search's matches)."""
    return [n for n in map(matches, search.filters) if n is not None]


def _expected_matches(counted: list[int], population: int) -> float:
    """The records expected to meet every filter of `counted`, were the filters
    independent: the population times each filter's share of it. A rare tag in a
    country (leads of "segment 4" in Spain: 16,982 holders, 6% of leads in Spain) is
    expected to hold about 1,000 (447 within the search's window), where the tag's
    holders alone exceed the bound of one pass at a page of 20 (8,715)."""
    expected = float(population)
    for n in counted:
        expected *= n / max(population, 1)
    return expected


def _least_held_tag_first(scope: Scope, search: Search) -> tuple[Search, dict[str, int]]:
    """ALL of several tags starts from the first tag's holders (Scope.options): the
    least held, from the counters, so that fewest are looked up for the others. Also
    each tag's holders, for Scope to weigh reading them all (Scope.tag_holders)."""
    decl = declaration(search.record_type)
    for key, value in search.filters.items():
        if decl.filter_by_key[key].kind is not FilterKind.TAGS:
            continue
        if not isinstance(value, Options) or value.option != "ALL" or len(value.values) < 2:
            return search, {}
        counts = _each_counted(scope, search, _tag_key(value.values))
        ordered = tuple(sorted((str(tag) for tag in value.values), key=counts.__getitem__))
        ordered_value = replace(value, values=ordered)
        return replace(search, filters={**search.filters, key: ordered_value}), counts
    return search, {}


def _filter_matches(scope: Scope, search: Search, key: str) -> int | None:
    """The records meeting the search's filter `key` alone, from the counters (for ANY
    or ALL of several tags, at most that many), or None where they are not kept."""
    decl = declaration(search.record_type)
    filters = {key: search.filters[key]}
    if decl.filter_by_key[key].kind is not FilterKind.TAGS:
        exact = counter_key(decl, filters)
        return None if exact is None else _counted(scope, search, exact)
    tags = _lone_tags(decl, filters)
    if tags is None or tags.option == "NONE" or tags.allow_empty:
        return None  # records without a tag are found through no index
    # ALL of several tags: read already, to start from the least held (Scope.counted).
    counts = _each_counted(scope, search, _tag_key(tags.values)).values()
    return sum(counts) if tags.option == "ANY" else min(counts)


def _population(scope: Scope, search: Search) -> int:
    """How many records the search runs over (from the counters), for the plan choice."""
    return _counted(scope, search, POPULATION)


def counted_total(scope: Scope, search: Search) -> int | None:
    """The total from `value_counts` when the counters cover the filters, else None."""
    decl = declaration(search.record_type)
    key = counter_key(decl, search.filters)
    if key is not None:
        n = _counted(scope, search, key)
    elif (tags := _lone_tags(decl, search.filters)) is None:
        return None
    elif tags.option == "NONE" and len(tags.values) == 1:
        # Every record holds the tag or not; a record with no tags does not.
        n = _population(scope, search) - _counted(scope, search, _tag_key(tags.values))
    elif tags.option == "ANY" and len(tags.values) <= MAX_UNION_TAGS:
        n = _holders_of_any(scope, search, decl, tags)
    else:
        return None
    return min(max(n, 0), MAX_REACHABLE)


def _lone_tags(decl: Declaration, filters: Mapping[str, Any]) -> Options | None:
    """The search's one filter when it is `tags` naming at least one tag."""
    if len(filters) != 1:
        return None
    ((key, value),) = filters.items()
    is_tags = decl.filter_by_key[key].kind is FilterKind.TAGS
    return value if is_tags and isinstance(value, Options) and value.values else None


def _holders_of_any(scope: Scope, search: Search, decl: Declaration, tags: Options) -> int:
    """ANY of several tags: their counters overlap (tag_union.py); `allow_empty` adds
    the untagged records, which never do."""
    counts = _each_counted(scope, search, _tag_key(tags.values))
    unconverted = None if search.include_converted else decl.converted_column
    n = holders_of_any(scope, counts, unconverted, MAX_REACHABLE)
    return n + (_counted(scope, search, _tag_key((), untagged=True)) if tags.allow_empty else 0)


CounterKey = tuple[str, tuple[str, ...]]
"""A counted field and the values whose counts add up to the matches: a record holds
one value of a single-valued field, so the counts of distinct values never overlap."""


def _counted(scope: Scope, search: Search, key: CounterKey) -> int:
    return sum(_each_counted(scope, search, key).values())


ALL_RECORDS = ("*", "")
"""The counter (field, value) of every record searched."""
POPULATION: CounterKey = (ALL_RECORDS[0], (ALL_RECORDS[1],))


def _each_counted(scope: Scope, search: Search, key: CounterKey) -> dict[str, int]:
    """Each value of the key and its counter (0 where none is kept), read once a search."""
    field, values = key
    missing = {(field, value) for value in values} - scope.counted.keys()
    if missing:
        _read_counters(scope, search, missing)
    return {value: scope.counted[(field, value)] for value in values}


def _read_counters(scope: Scope, search: Search, pairs: set[tuple[str, str]]) -> None:
    """Read the counters of `pairs` (field, value) into `scope.counted`, and the
    population's with them where not read yet: many searches that read a filter's
    counters plan their page from the population too (paging.population_decides), and
    on PostgreSQL a statement is a round trip (people by assignee, in process: 4.17 ->
    3.82 ms). All are read by one range of the primary key, fields and values crossed:
    the few pairs not asked for cost less than a second statement, or a union, to plan
    (leads of two statuses, whose capped total needs no population: 3.07 -> 3.11)."""
    if ALL_RECORDS not in scope.counted:
        pairs = pairs | {ALL_RECORDS}
    rows = crossed_counters(scope, search, {f for f, _ in pairs}, {v for _, v in pairs})
    counted = dict.fromkeys(pairs, 0)
    counted.update(((field, value), n) for field, value, n in rows if (field, value) in counted)
    scope.counted.update(counted)


def counter_key(decl: Declaration, filters: Mapping[str, Any]) -> CounterKey | None:
    """The counters whose sum is the number of matches, if there are such."""
    if not filters:
        return POPULATION
    if len(filters) != 1:
        return None
    ((key, value),) = filters.items()
    spec = decl.filter_by_key[key]
    counted = {ref.column for ref in decl.counted}
    if spec.kind is FilterKind.REF_IDS and spec.column in counted and isinstance(value, IdSet):
        return _id_counter(spec.column, value)
    choices = (FilterKind.CHOICES, FilterKind.CHOICE_IDS)
    if spec.kind in choices and spec.column in counted and value:
        return _of(str(spec.column), [str(v) for v in value])
    if spec.kind is FilterKind.ADDRESS and isinstance(value, Equals):
        return _address_counter(spec.column or key, value)
    if spec.kind is FilterKind.TAGS and isinstance(value, Options):
        return _tag_counter(value)
    return None


def _of(field: str, values: list[str]) -> CounterKey | None:
    distinct = tuple(dict.fromkeys(values))
    return (field, distinct) if distinct else None


def _id_counter(field: str, value: IdSet) -> CounterKey | None:
    return _of(field, [str(i) for i in value.ids] + ([""] if value.none else []))


def _address_counter(part: str, value: Equals) -> CounterKey:
    if value.key is None:
        return (part, ("",))
    return (part, (value.key, "") if value.allow_empty else (value.key,))


def _tag_counter(value: Options) -> CounterKey | None:
    """No tags, or ANY or ALL of one tag (and maybe none): a record may hold several
    tags, so the counts of two tags overlap, but a tag's never overlaps the untagged
    count."""
    if not value.values:
        return _tag_key((), untagged=True)
    if value.option != "NONE" and len(set(value.values)) == 1:
        return _tag_key(value.values, untagged=value.allow_empty)
    return None


def _tag_key(tags: Sequence[str | int], untagged: bool = False) -> CounterKey:
    """The counters of `tags`, and with `untagged` that of records with no tags."""
    return ("tag", (*(str(t) for t in tags), *([""] if untagged else [])))
