"""A declared field -> the Python expression of its JSON value in a loaded row.

Rows come from storage with the record table's columns plus, under the field's name,
the value of each Joined field. See records.py for how the expressions are compiled.
"""

from __future__ import annotations

from functools import singledispatch

from verdigris.domain.declarations.fields import (
    Address,
    Choice,
    Count,
    CustomFields,
    DateText,
    Entries,
    Entry,
    Field,
    Flag,
    Id,
    Integer,
    Joined,
    JsonList,
    Null,
    Number,
    Ref,
    Related,
    Tags,
    Text,
    Timestamp,
)


@singledispatch
def field_value(field: Field) -> str:
    """An expression over `row` (the loaded row), `entries` (parts.entries_of the account's
    custom field definitions shown on the type) and the functions of render/parts.py."""
    raise TypeError(f"no rendering for {type(field).__name__}")


@field_value.register(Id)
@field_value.register(Text)
@field_value.register(DateText)
@field_value.register(Timestamp)
@field_value.register(Count)
@field_value.register(Integer)
@field_value.register(Ref)
@field_value.register(Choice)
def _(field: Field) -> str:
    return f"row[{field.column!r}]"


@field_value.register
def _(field: Joined) -> str:
    return f"row[{field.name!r}]"


@field_value.register
def _(field: Number) -> str:
    return f"number(row[{field.column!r}])"


@field_value.register
def _(field: Null) -> str:
    return "None"


@field_value.register
def _(field: Address) -> str:
    return f"address(row[{field.column!r}])"


@field_value.register(Entries)
@field_value.register(Tags)
@field_value.register(JsonList)
def _(field: Field) -> str:
    return f"json_list(row[{field.column!r}])"


@field_value.register
def _(field: Entry) -> str:
    return f"parse_json(row[{field.column!r}], None)"


@field_value.register
def _(field: CustomFields) -> str:
    return f"entries(row[{field.column!r}])"


@field_value.register
def _(field: Related) -> str:
    none = "None" if field.null_when_none else '{"id": None, "type": None}'
    found = '{"id": row["related_id"], "type": row["related_type"]}'
    return f"({found} if row['related_id'] is not None else {none})"


@field_value.register
def _(field: Flag) -> str:
    return f"bool(row[{field.column!r}])"
