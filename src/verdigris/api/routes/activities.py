"""Routes of /activities: log, read, delete and search activities of people and leads."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verdigris.api import openapi
from verdigris.api.deps import Auth, Body, json_response
from verdigris.parsing.activities import (
    PARENT_TYPES,
    SORT_KEYS,
    parse_activity,
    parse_activity_search,
)
from verdigris.search.activities import search_activities as find_activities
from verdigris.storage import activities
from verdigris.storage.engine import Connection

router = APIRouter(tags=["activities"])

_PARENT = {
    "type": "object",
    "properties": {"type": {"enum": list(PARENT_TYPES)}, "id": openapi.INTEGER},
    "required": ["type", "id"],
}
_TYPE = {
    "type": "object",
    "properties": {"category": {"enum": ["user", "system"]}, "id": openapi.INTEGER},
    "required": ["category", "id"],
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
        **openapi.PAGING["properties"],
        "sort_by": {"enum": list(SORT_KEYS)},
        "sort_direction": {"enum": ["asc", "desc"], "default": "desc"},
        "parent": _PARENT, "activity_types": {"type": "array", "items": _TYPE},
        "minimum_activity_date": openapi.INTEGER, "maximum_activity_date": openapi.INTEGER,
    },
}  # fmt: skip


@router.post("/activities", openapi_extra=openapi.body(ACTIVITY))
async def create_activity(ctx: Auth, body: Body) -> Response:
    activity = parse_activity(body)

    def work(conn: Connection) -> dict[str, Any]:
        return activities.create_activity(conn, ctx.account_id, ctx.user_id, activity, ctx.now())

    return json_response(await ctx.write(work))


@router.get("/activities/{record_id:int}")
async def get_activity(ctx: Auth, record_id: int) -> Response:
    with ctx.read() as conn:
        return json_response(activities.get_activity(conn, ctx.account_id, record_id))


@router.delete("/activities/{record_id:int}")
async def delete_activity(ctx: Auth, record_id: int) -> Response:
    def work(conn: Connection) -> dict[str, Any]:
        return activities.delete_activity(conn, ctx.account_id, record_id)

    return json_response(await ctx.write(work))


@router.post("/activities/search", openapi_extra=openapi.body(SEARCH))
async def search_activities(ctx: Auth, body: Body, request: Request) -> Response:
    search = parse_activity_search(body, request.query_params)
    with ctx.read() as conn:
        ids, total = find_activities(conn, ctx.account_id, search)
        records = activities.load_activities(conn, ctx.account_id, ids)
    return json_response(records, headers={"X-PW-TOTAL": str(total)})
