"""JSON schemas of request bodies, for /openapi.json only: validation happens in
domain/validation.py, which names the field of every 400."""

from __future__ import annotations

from typing import Any

_TEXT = {"type": ["string", "null"]}
_ID = {"type": ["integer", "null"]}


def _entries(field: str) -> dict[str, Any]:
    item = {
        "type": "object",
        "properties": {field: {"type": "string"}, "category": {"type": "string"}},
        "required": [field],
    }
    return {"type": ["array", "null"], "items": item}


_ADDRESS = {
    "type": ["object", "null"],
    "properties": dict.fromkeys(("street", "city", "state", "postal_code", "country"), _TEXT),
}
_CUSTOM_FIELDS = {
    "type": ["array", "null"],
    "items": {
        "type": "object",
        "properties": {"custom_field_definition_id": {"type": "integer"}, "value": {}},
        "required": ["custom_field_definition_id"],
    },
}
_COMMON: dict[str, Any] = {
    **dict.fromkeys(("name", "prefix", "first_name", "middle_name", "last_name"), _TEXT),
    "suffix": _TEXT,
    "address": _ADDRESS,
    "assignee_id": _ID,
    "details": _TEXT,
    "phone_numbers": _entries("number"),
    "socials": _entries("url"),
    "tags": {"type": ["array", "null"], "items": {"type": "string"}},
    "title": _TEXT,
    "websites": _entries("url"),
    "custom_fields": _CUSTOM_FIELDS,
}
PERSON = {
    "type": "object",
    "properties": {
        **_COMMON,
        "company_id": _ID,
        "contact_type_id": _ID,
        "emails": _entries("email"),
    },
}
LEAD = {
    "type": "object",
    "properties": {
        **_COMMON,
        "company_name": _TEXT,
        "customer_source_id": _ID,
        "status_id": _ID,
        "monetary_unit": _TEXT,
        "monetary_value": {"type": ["number", "null"]},
        "email": {
            "type": ["object", "null"],
            "properties": {"email": {"type": "string"}, "category": {"type": "string"}},
        },
    },
}
FETCH_BY_EMAIL = {
    "type": "object",
    "properties": {"email": {"type": "string"}},
    "required": ["email"],
}
PAGING = {
    "type": "object",
    "properties": {
        "page_size": {"type": "integer", "minimum": 1, "maximum": 200},
        "page_number": {"type": "integer", "minimum": 1},
    },
}
CUSTOM_FIELD_DEFINITION = {
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
                    "rank": {"type": "integer"},
                },
            },
        },
    },
}


def body(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    """`openapi_extra` for a route whose body is read by the Body dependency."""
    content = {"application/json": {"schema": schema}}
    return {"requestBody": {"required": required, "content": content}}
