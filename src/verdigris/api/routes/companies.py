"""Routes of /companies: create, read, update, delete and search."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verdigris.api import bodies
from verdigris.api.deps import Auth, Body, json_response
from verdigris.storage import companies
from verdigris.storage.engine import read, write
from verdigris.storage.listing import parse_page

router = APIRouter(tags=["companies"])

_LIST = {"type": "array", "items": {"type": "object"}}
COMPANY: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string"}, "address": {"type": ["object", "null"]},
        "assignee_id": {"type": ["integer", "null"]},
        "contact_type_id": {"type": ["integer", "null"]}, "details": {"type": ["string", "null"]},
        "email_domain": {"type": ["string", "null"]}, "phone_numbers": _LIST, "socials": _LIST,
        "tags": {"type": "array", "items": {"type": "string"}}, "websites": _LIST,
        "custom_fields": _LIST,
    },
}  # fmt: skip
SEARCH_PROPERTIES: dict[str, Any] = {
    "page_number": {"type": "integer"}, "page_size": {"type": "integer"},
    "sort_direction": {"enum": ["asc", "desc"]}, "name": {"type": "string"},
    "ids": {"type": "array", "items": {"type": "integer"}},
}  # fmt: skip
SEARCH = {
    "type": "object",
    "properties": SEARCH_PROPERTIES | {"sort_by": {"enum": list(companies.SORT_KEYS)}},
}


@router.post("/companies", openapi_extra=bodies.body(COMPANY, required=False))
async def create_company(ctx: Auth, body: Body) -> Response:
    with write(ctx.engine) as conn:
        record = companies.create_company(conn, ctx.account_id, body, ctx.now())
    return json_response(record)


@router.get("/companies/{record_id:int}")
async def get_company(ctx: Auth, record_id: int) -> Response:
    with read(ctx.engine) as conn:
        return json_response(companies.get_company(conn, ctx.account_id, record_id))


@router.put("/companies/{record_id:int}", openapi_extra=bodies.body(COMPANY, required=False))
async def update_company(ctx: Auth, record_id: int, body: Body) -> Response:
    with write(ctx.engine) as conn:
        record = companies.update_company(conn, ctx.account_id, record_id, body, ctx.now())
    return json_response(record)


@router.delete("/companies/{record_id:int}")
async def delete_company(ctx: Auth, record_id: int) -> Response:
    with write(ctx.engine) as conn:
        return json_response(companies.delete_company(conn, ctx.account_id, record_id))


@router.post("/companies/search", openapi_extra=bodies.body(SEARCH, required=False))
async def search_companies(ctx: Auth, body: Body, request: Request) -> Response:
    page = parse_page(body, request.query_params, companies.SORT_KEYS, "name")
    search = companies.parse_search(body, page)
    with read(ctx.engine) as conn:
        records, total = companies.search_companies(conn, ctx.account_id, search)
    return json_response(records, headers={"X-PW-TOTAL": str(total)})
