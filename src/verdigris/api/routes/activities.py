"""Routes of /activities: log, read, change, delete and search activities of people and
leads, and each record's own list (`/{entity}/{id}/activities`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verdigris.api import openapi
from verdigris.api.deps import Auth, Body, json_response
from verdigris.domain.declarations import declaration
from verdigris.domain.types import RecordType
from verdigris.parsing.activities import (
    PARENT_TYPES,
    SORT_KEYS,
    parse_activity,
    parse_activity_changes,
    parse_activity_search,
    parse_record_activities,
)
from verdigris.search.activities import search_activities as find_activities
from verdigris.storage import activities
from verdigris.storage.engine import Connection
from verdigris.storage.records import get_record

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
_TYPES = {"type": "array", "items": _TYPE}
SEARCH = {
    "type": "object",
    "properties": {
        **openapi.PAGING["properties"],
        "sort_by": {"enum": list(SORT_KEYS)},
        "sort_direction": {"enum": ["asc", "desc"], "default": "desc"},
        "parent": _PARENT, "activity_types": _TYPES,
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


_CHANGES = {
    "type": "object",
    "properties": {"details": {"type": ["string", "null"], "pattern": r"^[^\x00]*$"},
                   "activity_date": openapi.INTEGER | {"type": ["integer", "null"]}},
}  # fmt: skip


@router.put("/activities/{record_id:int}", openapi_extra=openapi.body(_CHANGES))
async def update_activity(ctx: Auth, record_id: int, body: Body) -> Response:
    changes = parse_activity_changes(body)

    def work(conn: Connection) -> dict[str, Any]:
        return activities.update_activity(conn, ctx.account_id, record_id, changes, ctx.now())

    return json_response(await ctx.write(work))


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


_LISTED = (RecordType.PERSON, RecordType.LEAD, RecordType.COMPANY, RecordType.OPPORTUNITY)
_RECORD_SEARCH = {
    "type": "object",
    "properties": {**openapi.PAGING["properties"], "activity_types": _TYPES},
}


def _record_activities(kind: RecordType) -> None:
    path = f"/{declaration(kind).plural}/{{record_id:int}}/activities"

    async def record_activities(
        ctx: Auth, record_id: int, body: Body, request: Request
    ) -> Response:
        """One record's activities, paged (a company's include its people's)."""
        search = parse_record_activities(body, request.query_params, kind, record_id)
        with ctx.read() as conn:
            get_record(conn, ctx.account_id, kind, record_id)  # 404 for no such record
            ids, total = find_activities(conn, ctx.account_id, search)
            records = activities.load_activities(conn, ctx.account_id, ids)
        return json_response(records, headers={"X-PW-TOTAL": str(total)})

    # Copper documents POST; copper-sdk sends GET: both are served.
    name = f"{kind.api_name}_activities"
    router.add_api_route(path, record_activities, methods=["POST"], name=name,
                         openapi_extra=openapi.body(_RECORD_SEARCH))  # fmt: skip
    router.add_api_route(path, record_activities, methods=["GET"], name=f"{name}_get")


for _kind in _LISTED:
    _record_activities(_kind)
