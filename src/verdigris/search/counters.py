"""Which rows of `value_counts` a search reads: the counters of its record type, and for
leads the ones matching whether converted leads are searched too."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, select
from sqlalchemy.sql.elements import ColumnElement

from verdigris.domain.declarations import declaration
from verdigris.parsing.search import Search
from verdigris.search.scope import Scope
from verdigris.storage import schema
from verdigris.storage.dialect import plan_kept

_vc = schema.value_counts


def counters_of(scope: Scope, search: Search, field: str) -> list[ColumnElement[bool]]:
    """The clauses of the counters of `field` the search reads."""
    return [
        _vc.c.account_id == scope.account_id,
        _vc.c.record_type == int(search.record_type),
        _vc.c.field == stored_field(search, field),
    ]


_CROSSED = select(_vc.c.field, _vc.c.value, _vc.c.n).where(
    _vc.c.account_id == bindparam("account"),
    _vc.c.record_type == bindparam("record_type"),
    _vc.c.field.in_(bindparam("fields", expanding=True)),
    _vc.c.value.in_(bindparam("values", expanding=True)),
)
"""Built once: most searches read counters, and building the statement cost more Python
than running it (0.1 ms a search)."""


def crossed_counters(
    scope: Scope, search: Search, fields: Iterable[str], values: Iterable[str]
) -> list[tuple[str, str, int]]:
    """(field, value, n) of the search's counters of each of `fields` for each of
    `values` that are kept: one range of the primary key."""
    named = {stored_field(search, field): field for field in fields}
    params = {
        "account": scope.account_id,
        "record_type": int(search.record_type),
        "fields": sorted(named),
        "values": sorted(set(values)),
    }
    with plan_kept(scope.conn):  # primary-key lookups whatever the values
        rows = scope.conn.execute(_CROSSED, params).all()
    return [(named[field], str(value), int(n)) for field, value, n in rows]


def stored_field(search: Search, field: str) -> str:
    """The name `field`'s counters are kept under for the search: bare lead counters
    count non-converted leads only, `all:<field>` every lead."""
    if declaration(search.record_type).converted_column and search.include_converted:
        return f"all:{field}"
    return field
