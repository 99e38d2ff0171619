"""Run a validated search: (page ids, X-PW-TOTAL), counted and paged inside the database."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, func, select

from verdigris.domain.declarations import Declaration, declaration
from verdigris.domain.declarations.declaration import FilterKind
from verdigris.domain.paging import MAX_REACHABLE
from verdigris.parsing.search import Search
from verdigris.parsing.terms import Equals, IdSet, Options
from verdigris.search.compile import compile_search
from verdigris.search.paging import count_capped, page_ids
from verdigris.search.scope import Scope
from verdigris.storage import schema


def run_search(
    conn: Connection, account_id: int, user_id: int, now: int, search: Search
) -> tuple[list[int], int]:
    scope = Scope(conn, account_id, user_id, now, search.record_type)
    compiled = compile_search(
        scope, search, lambda part, value: _address_matches(scope, search, part, value)
    )
    total = counted_total(scope, search)
    if total is None:
        total = count_capped(conn, compiled.table, account_id, compiled.where)
    population = _population(scope, search)
    ids = page_ids(
        conn, compiled.table, account_id, compiled.where, compiled.order, search.paging, total,
        population,
    )  # fmt: skip
    return ids, total


def _address_matches(scope: Scope, search: Search, part: str, value: Equals) -> int:
    return _counted(scope, search, _address_counter(part, value))


def _population(scope: Scope, search: Search) -> int:
    """How many records the search runs over (from the counters), for the plan choice."""
    return _counted(scope, search, ("*", ("",)))


def counted_total(scope: Scope, search: Search) -> int | None:
    """The total from `value_counts` when the counters cover the filters, else None."""
    key = counter_key(declaration(search.record_type), search.filters)
    if key is None:
        return None
    return min(max(_counted(scope, search, key), 0), MAX_REACHABLE)


CounterKey = tuple[str, tuple[str, ...]]
"""A counted field and the values whose counts add up to the matches: a record holds
one value of a single-valued field, so the counts of distinct values never overlap."""


def _counted(scope: Scope, search: Search, key: CounterKey) -> int:
    field, values = key
    if declaration(search.record_type).converted_column and search.include_converted:
        field = f"all:{field}"  # bare lead counters count non-converted leads only
    vc = schema.value_counts
    n = scope.conn.execute(
        select(func.sum(vc.c.n)).where(
            vc.c.account_id == scope.account_id,
            vc.c.record_type == int(search.record_type),
            vc.c.field == field,
            vc.c.value.in_(values),
        )
    ).scalar()
    return int(n or 0)


def counter_key(decl: Declaration, filters: Mapping[str, Any]) -> CounterKey | None:
    """The counters whose sum is the number of matches, if there are such."""
    if not filters:
        return ("*", ("",))
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
    """No tags, or ANY of one tag (and maybe none): a record may hold several tags, so
    the counts of two tags overlap, but a tag's never overlaps the untagged count."""
    if not value.values:
        return ("tag", ("",))
    if value.option == "ANY" and len(value.values) == 1:
        return ("tag", (str(value.values[0]), "") if value.allow_empty else (str(value.values[0]),))
    return None
