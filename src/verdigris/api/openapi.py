"""JSON schemas of request bodies, for /openapi.json: record bodies and search bodies are
derived from the declarations (one schema per field kind and per filter kind); the few
other bodies are written out here. Validation itself is parsing/'s: these describe
what it accepts."""

from __future__ import annotations

from functools import singledispatch
from typing import Any

from verdigris.domain.declarations import Declaration
from verdigris.domain.declarations.declaration import Filter, FilterKind
from verdigris.domain.declarations.fields import (
    ADDRESS_PARTS,
    Address,
    Choice,
    CustomFields,
    DateText,
    Entries,
    Entry,
    Field,
    Integer,
    Number,
    Ref,
    Related,
    Tags,
    Text,
    Timestamp,
)
from verdigris.domain.numbers import MAX_EXACT

Schema = dict[str, Any]
_NO_NUL = r"^[^\x00]*$"
"""PostgreSQL text cannot hold NUL, so no backend takes one."""
_STRING: Schema = {"type": "string", "pattern": _NO_NUL}
_TEXT: Schema = _STRING | {"type": ["string", "null"]}
# +-2**62 rather than the exact 64-bit range: schema tools read bounds as doubles, and
# 2**63 - 1 as a double is 2**63, one past the range.
_INT64: Schema = {"type": "integer", "minimum": -(2**62), "maximum": 2**62}
_INT: Schema = _INT64 | {"type": ["integer", "null"]}
INTEGER = _INT64
_NUMBER: Schema = {"type": ["number", "null"], "minimum": -MAX_EXACT, "maximum": MAX_EXACT}
_ID_LIST: Schema = _INT64 | {"type": ["array", "integer", "null"], "items": _INT64}
_STRINGS: Schema = {
    "type": ["array", "string", "null"],
    "pattern": _NO_NUL,
    "items": _STRING,
}
_TAG: Schema = {"type": "string", "pattern": r"^[^\x00]*[^\s\x00][^\x00]*$"}
"""A tag has a visible character: blank ones are refused."""


@singledispatch
def field_schema(field: Field) -> Schema:
    """The JSON schema of a writable field's value in a create or update body."""
    raise TypeError(f"no schema for {type(field).__name__}")


@field_schema.register
def _(field: Text) -> Schema:
    return _TEXT


@field_schema.register
def _(field: DateText) -> Schema:
    return _TEXT | {"description": "a date as M/D/YYYY (YYYY-MM-DD is read too)"}


@field_schema.register(Ref)
@field_schema.register(Timestamp)
def _(field: Field) -> Schema:
    return _INT


@field_schema.register
def _(field: Integer) -> Schema:
    return _INT | {"minimum": field.minimum, "maximum": field.maximum}


@field_schema.register
def _(field: Number) -> Schema:
    return _NUMBER


@field_schema.register
def _(field: Choice) -> Schema:
    return {"enum": [*field.choices, None]}


@field_schema.register
def _(field: Address) -> Schema:
    return {"type": ["object", "null"], "properties": dict.fromkeys(ADDRESS_PARTS, _TEXT)}


def _entry(item: str) -> Schema:
    return {
        "type": "object",
        "properties": {item: {"type": "string"}, "category": _TEXT},
        "required": [item],
    }


@field_schema.register
def _(field: Entries) -> Schema:
    return {"type": ["array", "null"], "items": _entry(field.item)}


@field_schema.register
def _(field: Entry) -> Schema:
    return _entry(field.item) | {"type": ["object", "null"]}


@field_schema.register
def _(field: Related) -> Schema:
    return {
        "type": ["object", "null"],
        "properties": {"id": _INT, "type": {"enum": [*field.types, None]}},
    }


@field_schema.register
def _(field: Tags) -> Schema:
    return {"type": ["array", "null"], "items": _TAG}


@field_schema.register
def _(field: CustomFields) -> Schema:
    entry = {
        "type": "object",
        "properties": {"custom_field_definition_id": {"type": "integer"}, "value": {}},
        "required": ["custom_field_definition_id"],
    }
    return {"type": ["array", "null"], "items": entry}


def record_body(decl: Declaration, extras: Schema | None = None) -> Schema:
    """A create or update body of the record type: its writable fields."""
    properties = {f.name: field_schema(f) for f in decl.writable}
    return {"type": "object", "properties": properties | (extras or {})}


_FILTER_SCHEMAS: dict[FilterKind, Schema] = {
    FilterKind.IDS: _ID_LIST,
    FilterKind.REF_IDS: _ID_LIST,
    FilterKind.OPPORTUNITIES: _ID_LIST,
    FilterKind.FUZZY_NAME: _TEXT,
    FilterKind.NAME_CONTAINS: _TEXT,
    FilterKind.PHONE: _TEXT,
    FilterKind.EMAILS: _STRINGS,
    FilterKind.SOCIALS: _STRINGS,
    FilterKind.ADDRESS: {
        "type": ["string", "object", "null"],
        "pattern": _NO_NUL,
        "properties": {"value": _TEXT, "allow_empty": {"type": "boolean"}},
    },
    FilterKind.TAGS: {
        "type": ["array", "string", "object", "null"],
        "pattern": _NO_NUL,
        "properties": {
            "option": {"enum": ["ANY", "ALL", "NONE"]},
            "value": {"type": "array", "items": _STRING},
            "allow_empty": {"type": "boolean"},
        },
        "items": _STRING,
    },
    FilterKind.FOLLOWED: {"enum": [1, 2, None]},
    FilterKind.CHOICES: _STRINGS,
    FilterKind.TEXTS: _STRINGS,
    FilterKind.CHOICE_IDS: _ID_LIST,
    FilterKind.RELATED_IDS: _ID_LIST,
    FilterKind.AGE: _INT,
    FilterKind.CUSTOM_FIELDS: {
        "type": ["array", "null"],
        "items": {
            "type": "object",
            "properties": {
                "custom_field_definition_id": {"type": "integer"},
                "allow_empty": {"type": "boolean"},
                "option": {"enum": ["ANY", "ALL", "NONE"]},
            },
            "required": ["custom_field_definition_id"],
            "description": "`value` and its type follow the definition's data_type",
        },
    },
}


def _filter_schema(spec: Filter) -> Schema:
    if spec.kind in (FilterKind.MINIMUM, FilterKind.MAXIMUM):
        return _NUMBER if spec.number else _INT
    if spec.kind is FilterKind.CHOICES:
        return {"type": ["array", "null"], "items": {"enum": list(spec.choices)}}
    if spec.kind is FilterKind.CHOICE_IDS:
        numbers = {"type": "integer", "minimum": 0, "maximum": len(spec.choices) - 1}
        return {"type": ["array", "null"], "items": numbers}
    return _FILTER_SCHEMAS[spec.kind]


PAGING: Schema = {
    "type": "object",
    "properties": {
        "page_size": {"type": "integer", "minimum": 1, "maximum": 200},
        "page_number": {"type": "integer", "minimum": 1, "maximum": 2**62},
    },
}


def search_body(decl: Declaration) -> Schema:
    """A search body of the record type: paging, sort and every declared filter."""
    properties: Schema = dict(PAGING["properties"]) | {
        "sort_by": {"enum": list(decl.sort_keys)},
        "sort_direction": {"enum": ["asc", "desc"]},
    }
    properties |= {spec.key: _filter_schema(spec) for spec in decl.filters}
    if decl.converted_column is not None:
        properties["include_converted_leads"] = {"type": ["boolean", "null"]}
    return {"type": "object", "properties": properties}


FETCH_BY_EMAIL: Schema = {
    "type": "object",
    "properties": {"email": {"type": "string"}},
    "required": ["email"],
}
CUSTOM_FIELD_DEFINITION: Schema = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "data_type": {"type": "string"},
        "available_on": {"type": "array", "items": {"type": "string"}},
        "options": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "name": {"type": "string"},
                    "rank": {"type": "integer", "minimum": -(2**31 - 1), "maximum": 2**31 - 1},
                },
            },
        },
    },
}


def body(schema: Schema, required: bool = False) -> Schema:
    """`openapi_extra` for a route whose body is read by the Body dependency."""
    content = {"application/json": {"schema": schema}}
    return {"requestBody": {"required": required, "content": content}}
