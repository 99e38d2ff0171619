"""`custom_fields` search entries: validated against the account's definitions, then
turned into clauses on `custom_field_values` (SPEC.md 3, custom field filters)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, select
from sqlalchemy.sql.elements import ColumnElement

from verdigris.domain import custom_fields as cf
from verdigris.domain.types import RecordType
from verdigris.errors import BadRequest
from verdigris.search import values as v
from verdigris.search.scope import Scope
from verdigris.search.terms import Bounds, CustomFieldFilter, Options
from verdigris.storage import schema

_KEYS_OF = {
    **dict.fromkeys(("Date", "Percentage", "Currency"), ("minimum_value", "maximum_value")),
    "Float": ("minimum_value", "maximum_value", "value"),
    "Dropdown": ("value", "allow_empty"),
    "MultiSelect": ("value", "option", "allow_empty"),
    "Checkbox": ("value",),
    **dict.fromkeys(cf.TEXT_TYPES, ("value",)),
}
OPTION_CHOICES = ("ANY", "ALL", "NONE")
_FILTER_KEYS = ("value", "option", "allow_empty", "minimum_value", "maximum_value")


@dataclass(frozen=True)
class Definition:
    id: int
    data_type: str
    available_on: frozenset[str]
    options: frozenset[int]


def load_definitions(conn: Connection, account_id: int) -> dict[int, Definition]:
    d, o = schema.custom_field_definitions, schema.custom_field_options
    options: dict[int, set[int]] = {}
    for row in conn.execute(select(o.c.definition_id, o.c.id).where(o.c.account_id == account_id)):
        options.setdefault(row.definition_id, set()).add(row.id)
    columns = select(d.c.id, d.c.data_type, d.c.available_on)
    rows = conn.execute(columns.where(d.c.account_id == account_id))
    return {
        row.id: Definition(
            row.id,
            row.data_type,
            frozenset(json.loads(row.available_on)),
            frozenset(options.get(row.id, ())),
        )  # fmt: skip
        for row in rows
    }


def parse_custom_fields(
    record_type: RecordType, entries: Any, definitions: Mapping[int, Definition]
) -> tuple[CustomFieldFilter, ...]:
    """Validated entries; entries whose values are all null filter nothing."""
    parsed = (
        _entry(record_type, f, v.mapping(f, item), definitions)
        for f, item in v.elements("custom_fields", entries)
    )
    return tuple(p for p in parsed if p is not None)


def _entry(
    record_type: RecordType,
    field: str,
    entry: dict[str, Any],
    definitions: Mapping[int, Definition],
) -> CustomFieldFilter | None:
    key = f"{field}.custom_field_definition_id"
    definition = definitions.get(v.integer(key, entry.get("custom_field_definition_id")))
    if definition is None:
        raise BadRequest(f"{key}: no such custom field definition")
    if record_type.api_name not in definition.available_on:
        name = record_type.api_name
        raise BadRequest(f"{key}: definition {definition.id} is not available on {name}")
    allowed = _KEYS_OF.get(definition.data_type, ())
    for name in _FILTER_KEYS:
        if entry.get(name) is not None and name not in allowed:
            raise BadRequest(f"{field}.{name}: not a filter of {definition.data_type} fields")
    condition = _condition(field, definition, entry)
    if condition is None:
        return None
    return CustomFieldFilter(definition.id, definition.data_type, condition)


def _condition(
    field: str, definition: Definition, entry: dict[str, Any]
) -> Options | Bounds | bool | str | None:
    data_type = definition.data_type
    if data_type in cf.OPTION_TYPES:
        return _options(field, definition, entry)
    if data_type in cf.NUMBER_TYPES:
        return _bounds(field, entry)
    value = entry.get("value")
    if value is None:
        return None
    if data_type == "Checkbox":
        return v.boolean(f"{field}.value", value)
    return v.string(f"{field}.value", value).casefold() or None


def _options(field: str, definition: Definition, entry: dict[str, Any]) -> Options | None:
    ids = {v.integer(f, item) for f, item in v.elements(f"{field}.value", entry.get("value"))}
    unknown = sorted(ids - definition.options)
    if unknown:
        raise BadRequest(f"{field}.value: {unknown[0]} is not an option of {definition.id}")
    option = entry.get("option")
    chosen = "ANY" if option is None else v.choice(f"{field}.option", option, OPTION_CHOICES)
    allow = entry.get("allow_empty")
    allow_empty = allow is not None and v.boolean(f"{field}.allow_empty", allow)
    if not ids and not allow_empty:
        return None
    return Options(chosen, tuple(sorted(ids)), allow_empty)


def _bounds(field: str, entry: dict[str, Any]) -> Bounds | None:
    low, high, exact = (entry.get(k) for k in ("minimum_value", "maximum_value", "value"))
    minimum = None if low is None else v.number(f"{field}.minimum_value", low)
    maximum = None if high is None else v.number(f"{field}.maximum_value", high)
    if exact is not None:  # Float only: equality is both bounds at once
        value = v.number(f"{field}.value", exact)
        minimum = value if minimum is None else max(minimum, value)
        maximum = value if maximum is None else min(maximum, value)
    if minimum is None and maximum is None:
        return None
    return Bounds(minimum, maximum)


def custom_field_clause(scope: Scope, spec: CustomFieldFilter) -> ColumnElement[bool]:
    """Records of `scope` for which the entry holds."""
    values = schema.custom_field_values
    # Checkbox, Dropdown and MultiSelect values are numbers: the condition lets the
    # (partial) number index serve "has a value".
    of_definition = and_(
        values.c.definition_id == spec.definition_id, values.c.value_number.is_not(None)
    )
    has = scope.child_ids(values, of_definition)
    condition = spec.condition
    if isinstance(condition, bool):
        return has if condition else ~has
    if isinstance(condition, str):
        return scope.child_ids(
            values, values.c.definition_id == spec.definition_id, values.c.value_text == condition
        )
    if isinstance(condition, Bounds):
        return _bounded(scope, spec.definition_id, condition)
    return scope.options(values, values.c.value_number, condition, of_definition)


def _bounded(scope: Scope, definition_id: int, bounds: Bounds) -> ColumnElement[bool]:
    values = schema.custom_field_values
    number = values.c.value_number
    conditions = [values.c.definition_id == definition_id]
    if bounds.minimum is not None:
        conditions.append(number >= bounds.minimum)
    if bounds.maximum is not None:
        conditions.append(number <= bounds.maximum)
    return scope.child_ids(values, *conditions)
