"""Run a validated search: (page ids, X-PW-TOTAL), counted and paged inside the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from verdigris.domain.types import RecordType
from verdigris.search.compile import compile_search
from verdigris.search.paging import MAX_REACHABLE, count_capped, page_ids
from verdigris.search.request import Search
from verdigris.search.scope import Scope
from verdigris.search.terms import Equals, IdSet, Options
from verdigris.storage import schema

_COUNTED_IDS = {
    "assignee_ids": "assignee_id",
    "contact_type_ids": "contact_type_id",
    "company_ids": "company_id",
    "customer_source_ids": "customer_source_id",
    "status_ids": "status_id",
}
_COUNTED_PARTS = ("city", "state", "postal_code", "country")


def run_search(
    conn: Connection, account_id: int, user_id: int, now: int, search: Search
) -> tuple[list[int], int]:
    scope = Scope(conn, account_id, user_id, now, search.record_type)
    compiled = compile_search(scope, search)
    total = counted_total(scope, search)
    if total is None:
        total = count_capped(conn, compiled.table, account_id, compiled.where)
    population = _population(scope, search)
    ids = page_ids(
        conn, compiled.table, account_id, compiled.where, compiled.order, search.paging, total,
        population,
    )  # fmt: skip
    return ids, total


def _population(scope: Scope, search: Search) -> int:
    """How many records the search runs over (from the counters), for the plan choice."""
    return _counter(scope, search, ("*", ""))


def counted_total(scope: Scope, search: Search) -> int | None:
    """The total from `value_counts` when the counters cover the filters, else None."""
    key = counter_key(search.filters)
    if key is None:
        return None
    return min(max(_counter(scope, search, key), 0), MAX_REACHABLE)


def _counter(scope: Scope, search: Search, key: tuple[str, str]) -> int:
    field, value = key
    if search.record_type is RecordType.LEAD and search.include_converted:
        field = f"all:{field}"  # bare lead counters count non-converted leads only
    vc = schema.value_counts
    n = scope.conn.execute(
        select(vc.c.n).where(
            vc.c.account_id == scope.account_id,
            vc.c.record_type == int(search.record_type),
            vc.c.field == field,
            vc.c.value == value,
        )
    ).scalar()
    return int(n or 0)


def counter_key(filters: dict[str, Any] | Any) -> tuple[str, str] | None:
    """(field, value) of the one counter equal to the number of matches, if any."""
    if not filters:
        return ("*", "")
    if len(filters) != 1:
        return None
    ((key, value),) = filters.items()
    if key in _COUNTED_IDS:
        return _id_counter(_COUNTED_IDS[key], value)
    if key in _COUNTED_PARTS and isinstance(value, Equals):
        return _address_counter(key, value)
    if key == "tags" and isinstance(value, Options):
        return _tag_counter(value)
    return None


def _id_counter(field: str, value: IdSet | tuple[int, ...]) -> tuple[str, str] | None:
    ids = value.ids if isinstance(value, IdSet) else value
    empties = [""] if isinstance(value, IdSet) and value.none else []
    keys = [str(i) for i in ids] + empties
    return (field, keys[0]) if len(keys) == 1 else None


def _address_counter(part: str, value: Equals) -> tuple[str, str] | None:
    if value.key is None:
        return (part, "")
    return None if value.allow_empty else (part, value.key)


def _tag_counter(value: Options) -> tuple[str, str] | None:
    if not value.values:
        return ("tag", "")
    if value.option == "ANY" and len(value.values) == 1 and not value.allow_empty:
        return ("tag", str(value.values[0]))
    return None
