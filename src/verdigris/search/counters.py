"""Which rows of `value_counts` a search reads: the counters of its record type, and for
leads the ones matching whether converted leads are searched too."""

from __future__ import annotations

from sqlalchemy.sql.elements import ColumnElement

from verdigris.domain.declarations import declaration
from verdigris.parsing.search import Search
from verdigris.search.scope import Scope
from verdigris.storage import schema


def counters_of(scope: Scope, search: Search, *fields: str) -> list[ColumnElement[bool]]:
    """The clauses of the counters of `fields` the search reads."""
    vc = schema.value_counts
    stored = [stored_field(search, field) for field in fields]
    return [
        vc.c.account_id == scope.account_id,
        vc.c.record_type == int(search.record_type),
        vc.c.field == stored[0] if len(stored) == 1 else vc.c.field.in_(stored),
    ]


def stored_field(search: Search, field: str) -> str:
    """The name `field`'s counters are kept under for the search: bare lead counters
    count non-converted leads only, `all:<field>` every lead."""
    if declaration(search.record_type).converted_column and search.include_converted:
        return f"all:{field}"
    return field
