"""Routes of /opportunities: create, read, update, delete, search and related people."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verdigris.api import bodies
from verdigris.api.deps import Auth, Body, json_response
from verdigris.api.routes.companies import SEARCH_PROPERTIES
from verdigris.storage import opportunities as opps
from verdigris.storage.engine import read, write
from verdigris.storage.listing import parse_page

router = APIRouter(tags=["opportunities"])

_ID = {"type": ["integer", "null"]}
OPPORTUNITY = {
    "type": "object",
    "properties": {
        "name": {"type": "string"}, "assignee_id": _ID, "close_date": {"type": ["string", "null"]},
        "company_id": _ID, "customer_source_id": _ID, "details": {"type": ["string", "null"]},
        "loss_reason_id": _ID, "monetary_unit": {"type": ["string", "null"]},
        "monetary_value": {"type": ["number", "null"]}, "pipeline_id": _ID,
        "pipeline_stage_id": _ID, "primary_contact_id": _ID,
        "priority": {"enum": list(opps.PRIORITIES)}, "status": {"enum": list(opps.STATUSES)},
        "tags": {"type": "array", "items": {"type": "string"}}, "win_probability": _ID,
        "custom_fields": {"type": "array", "items": {"type": "object"}},
        "related_people": {"type": "array", "items": {"type": "integer"},
                           "description": "Verdigris extension: ids of related people"},
    },
}  # fmt: skip
OPP_SEARCH = {
    "type": "object",
    "properties": SEARCH_PROPERTIES | {"sort_by": {"enum": list(opps.SORT_KEYS)}},
}


@router.post("/opportunities", openapi_extra=bodies.body(OPPORTUNITY, required=False))
async def create_opportunity(ctx: Auth, body: Body) -> Response:
    with write(ctx.engine) as conn:
        record = opps.create_opportunity(conn, ctx.account_id, body, ctx.now())
    return json_response(record)


@router.get("/opportunities/{record_id:int}")
async def get_opportunity(ctx: Auth, record_id: int) -> Response:
    with read(ctx.engine) as conn:
        return json_response(opps.get_opportunity(conn, ctx.account_id, record_id))


@router.put(
    "/opportunities/{record_id:int}", openapi_extra=bodies.body(OPPORTUNITY, required=False)
)
async def update_opportunity(ctx: Auth, record_id: int, body: Body) -> Response:
    with write(ctx.engine) as conn:
        record = opps.update_opportunity(conn, ctx.account_id, record_id, body, ctx.now())
    return json_response(record)


@router.delete("/opportunities/{record_id:int}")
async def delete_opportunity(ctx: Auth, record_id: int) -> Response:
    with write(ctx.engine) as conn:
        return json_response(opps.delete_opportunity(conn, ctx.account_id, record_id))


@router.get("/opportunities/{record_id:int}/related")
async def related_people(ctx: Auth, record_id: int) -> Response:
    with read(ctx.engine) as conn:
        return json_response(opps.related(conn, ctx.account_id, record_id))


@router.post("/opportunities/search", openapi_extra=bodies.body(OPP_SEARCH, required=False))
async def search_opportunities(ctx: Auth, body: Body, request: Request) -> Response:
    page = parse_page(body, request.query_params, opps.SORT_KEYS, "name")
    search = opps.parse_search(body, page)
    with read(ctx.engine) as conn:
        records, total = opps.search_opportunities(conn, ctx.account_id, search)
    return json_response(records, headers={"X-PW-TOTAL": str(total)})
