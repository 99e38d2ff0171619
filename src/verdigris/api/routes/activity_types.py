"""Routes of /custom_activity_types (copper-surface section 4): list, get, create, update.
Copper documents no delete."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from verdigris.api import openapi
from verdigris.api.deps import Auth, Body, json_response
from verdigris.domain.lookup_defaults import ICON_TYPES
from verdigris.parsing.activity_types import parse_activity_type
from verdigris.storage import activity_types
from verdigris.storage.engine import Connection

router = APIRouter(tags=["lookups"])
ONE = "/custom_activity_types/{type_id:int}"
_FLAG = {"type": ["boolean", "null"]}
ACTIVITY_TYPE = {
    "type": "object",
    "properties": {
        "name": {"type": "string"}, "icon_type": {"enum": list(ICON_TYPES)},
        "is_interaction": _FLAG | {"description": "Verdigris extension; default false"},
        "is_disabled": _FLAG | {"description": "Verdigris extension; default false"},
    },
}  # fmt: skip


@router.get("/custom_activity_types")
async def list_types(ctx: Auth) -> Response:
    with ctx.read() as conn:
        return json_response(activity_types.list_types(conn, ctx.account_id))


@router.get(ONE)
async def get_type(ctx: Auth, type_id: int) -> Response:
    with ctx.read() as conn:
        return json_response(activity_types.get_type(conn, ctx.account_id, type_id))


@router.post("/custom_activity_types", openapi_extra=openapi.body(ACTIVITY_TYPE, True))
async def create_type(ctx: Auth, body: Body) -> Response:
    parsed = parse_activity_type(body, creating=True)

    def work(conn: Connection) -> dict[str, Any]:
        return activity_types.create_type(conn, ctx.account_id, parsed)

    return json_response(await ctx.write(work))


@router.put(ONE, openapi_extra=openapi.body(ACTIVITY_TYPE))
async def update_type(ctx: Auth, type_id: int, body: Body) -> Response:
    parsed = parse_activity_type(body, creating=False)

    def work(conn: Connection) -> dict[str, Any]:
        return activity_types.update_type(conn, ctx.account_id, type_id, parsed)

    return json_response(await ctx.write(work))
