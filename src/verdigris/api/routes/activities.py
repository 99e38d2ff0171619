"""Routes of /activities: log, read, delete and search activities of people and leads."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verdigris.api import bodies
from verdigris.api.deps import Auth, Body, json_response
from verdigris.storage import activities
from verdigris.storage.engine import read, write
from verdigris.storage.listing import parse_page

router = APIRouter(tags=["activities"])

_PARENT = {
    "type": "object",
    "properties": {"type": {"enum": list(activities.PARENT_TYPES)}, "id": {"type": "integer"}},
}
_TYPE = {
    "type": "object",
    "properties": {"category": {"enum": ["user", "system"]}, "id": {"type": "integer"}},
}
ACTIVITY = {
    "type": "object",
    "required": ["parent", "type"],
    "properties": {
        "parent": _PARENT, "type": _TYPE, "details": {"type": ["string", "null"]},
        "activity_date": {"type": ["integer", "null"], "description": "Unix seconds; default now"},
    },
}  # fmt: skip
SEARCH = {
    "type": "object",
    "properties": {
        "page_number": {"type": "integer"}, "page_size": {"type": "integer"},
        "sort_by": {"enum": list(activities.SORT_KEYS)},
        "sort_direction": {"enum": ["asc", "desc"], "default": "desc"},
        "parent": _PARENT, "activity_types": {"type": "array", "items": _TYPE},
        "minimum_activity_date": {"type": "integer"}, "maximum_activity_date": {"type": "integer"},
    },
}  # fmt: skip


@router.post("/activities", openapi_extra=bodies.body(ACTIVITY, required=False))
async def create_activity(ctx: Auth, body: Body) -> Response:
    with write(ctx.engine) as conn:
        record = activities.create_activity(conn, ctx.account_id, ctx.user_id, body, ctx.now())
    return json_response(record)


@router.get("/activities/{record_id:int}")
async def get_activity(ctx: Auth, record_id: int) -> Response:
    with read(ctx.engine) as conn:
        return json_response(activities.get_activity(conn, ctx.account_id, record_id))


@router.delete("/activities/{record_id:int}")
async def delete_activity(ctx: Auth, record_id: int) -> Response:
    with write(ctx.engine) as conn:
        return json_response(activities.delete_activity(conn, ctx.account_id, record_id))


@router.post("/activities/search", openapi_extra=bodies.body(SEARCH, required=False))
async def search_activities(ctx: Auth, body: Body, request: Request) -> Response:
    query = request.query_params
    page = parse_page(body, query, activities.SORT_KEYS, "activity_date", "desc")
    search = activities.parse_search(body, page)
    with read(ctx.engine) as conn:
        records, total = activities.search_activities(conn, ctx.account_id, search)
    return json_response(records, headers={"X-PW-TOTAL": str(total)})
