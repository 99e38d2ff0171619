"""POST /people/search and /leads/search: parse, count, page and render in one read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verdigris.api import bodies
from verdigris.api.deps import Auth, Body, Context, json_response
from verdigris.domain.types import RecordType
from verdigris.search.custom_fields import load_definitions
from verdigris.search.execute import run_search
from verdigris.search.request import SORT_KEYS, Search, parse_leads, parse_people
from verdigris.storage.engine import read
from verdigris.storage.records import load_records

router = APIRouter(tags=["search"])

Parser = Callable[..., Search]

_ID_LIST = {"type": ["array", "integer", "null"], "items": {"type": "integer"}}
_STRINGS = {"type": ["array", "string", "null"], "items": {"type": "string"}}
_EQUALS = {
    "type": ["string", "object", "null"],
    "properties": {"value": {"type": "string"}, "allow_empty": {"type": "boolean"}},
}
_OPTIONS = {
    "type": ["array", "string", "object", "null"],
    "properties": {
        "option": {"enum": ["ANY", "ALL", "NONE"]},
        "value": {"type": "array"},
        "allow_empty": {"type": "boolean"},
    },
}
_INT = {"type": ["integer", "null"]}


def _search_body(record_type: RecordType) -> dict[str, Any]:
    """The request body of a search, for /openapi.json (validation is search/request.py)."""
    properties: dict[str, Any] = {
        "page_size": {"type": "integer", "minimum": 1, "maximum": 200},
        "page_number": {"type": "integer", "minimum": 1},
        "sort_by": {"enum": list(SORT_KEYS[record_type])},
        "sort_direction": {"enum": ["asc", "desc"]},
        "ids": _ID_LIST, "name": {"type": ["string", "null"]},
        "phone_number": {"type": ["string", "null"]}, "emails": _STRINGS,
        "assignee_ids": _ID_LIST, "tags": _OPTIONS, "socials": _STRINGS,
        **dict.fromkeys(("city", "state", "postal_code", "country"), _EQUALS),
        "followed": {"enum": [1, 2, None]}, "age": _INT,
        "custom_fields": {"type": ["array", "object", "null"], "items": {"type": "object"}},
    }  # fmt: skip
    for bound in ("interaction_count", "interaction_date", "created_date", "modified_date"):
        properties |= {f"minimum_{bound}": _INT, f"maximum_{bound}": _INT}
    if record_type is RecordType.PERSON:
        properties |= dict.fromkeys(
            ("contact_type_ids", "company_ids", "opportunity_ids"), _ID_LIST
        )
        return {"type": "object", "properties": properties}
    number = {"type": ["number", "null"]}
    properties |= {
        "customer_source_ids": _ID_LIST, "status_ids": _ID_LIST,
        "minimum_monetary_value": number, "maximum_monetary_value": number,
        "minimum_status_change_date": _INT, "maximum_status_change_date": _INT,
        "include_converted_leads": {"type": ["boolean", "null"]},
    }  # fmt: skip
    return {"type": "object", "properties": properties}


def _search(
    ctx: Context, body: dict[str, Any], request: Request, record_type: RecordType, parse: Parser
) -> Response:
    with read(ctx.engine) as conn:
        search = parse(body, request.query_params, lambda: load_definitions(conn, ctx.account_id))
        ids, total = run_search(conn, ctx.account_id, ctx.user_id, ctx.now(), search)
        records = load_records(conn, ctx.account_id, record_type, ids)
    return json_response(records, headers={"X-PW-TOTAL": str(total)})


@router.post(
    "/people/search", openapi_extra=bodies.body(_search_body(RecordType.PERSON), required=False)
)
async def search_people(ctx: Auth, body: Body, request: Request) -> Response:
    return _search(ctx, body, request, RecordType.PERSON, parse_people)


@router.post(
    "/leads/search", openapi_extra=bodies.body(_search_body(RecordType.LEAD), required=False)
)
async def search_leads(ctx: Auth, body: Body, request: Request) -> Response:
    return _search(ctx, body, request, RecordType.LEAD, parse_leads)
