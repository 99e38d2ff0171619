"""`custom_fields` search entries (SPEC.md 3, custom field filters), validated against
the account's definitions: one CustomFieldFilter each (search/custom_fields.py turns
them into clauses)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from verdigris.domain import custom_fields as cf
from verdigris.domain.definitions import Definition
from verdigris.errors import BadRequest
from verdigris.parsing import values as v
from verdigris.parsing.terms import Bounds, CustomFieldFilter, Options

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


def parse_custom_fields(
    type_name: str, entries: Any, definitions: Sequence[Definition]
) -> tuple[CustomFieldFilter, ...]:
    """Validated entries; entries whose values are all null filter nothing."""
    by_id = {d.id: d for d in definitions}
    parsed = (
        _entry(type_name, f, v.mapping(f, item), by_id)
        for f, item in v.elements("custom_fields", entries)
    )
    return tuple(p for p in parsed if p is not None)


def _entry(
    type_name: str, field: str, entry: dict[str, Any], by_id: dict[int, Definition]
) -> CustomFieldFilter | None:
    key = f"{field}.custom_field_definition_id"
    definition = by_id.get(v.integer(key, entry.get("custom_field_definition_id")))
    if definition is None:
        raise BadRequest(f"{key}: no such custom field definition")
    if not definition.is_on(type_name):
        raise BadRequest(f"{key}: definition {definition.id} is not available on {type_name}")
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
    unknown = sorted(ids - definition.option_ids)
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
