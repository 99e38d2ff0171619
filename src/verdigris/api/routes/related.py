"""Related items (SPEC.md 7): `GET /{entity}/{id}/related[/{entity_plural}]`, and
`POST`/`DELETE /{entity}/{id}/related` with `{"resource": {"id", "type"}}`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from verdigris.api import openapi
from verdigris.api.deps import Auth, Body, json_response
from verdigris.domain.declarations import BY_PLURAL, Declaration
from verdigris.errors import NotFound
from verdigris.parsing.relations import parse_resource
from verdigris.storage import relate
from verdigris.storage.engine import Connection

router = APIRouter(tags=["related items"])
RESOURCE = {
    "type": "object",
    "required": ["resource"],
    "properties": {
        "resource": {
            "type": "object",
            "required": ["id", "type"],
            "properties": {
                "id": {"type": "integer"},
                "type": {"enum": [d.name for d in BY_PLURAL.values()]},
            },
        }
    },
}
_BODY = openapi.body(RESOURCE, True)


def _declaration(plural: str) -> Declaration:
    found = BY_PLURAL.get(plural)
    if found is None:
        raise NotFound(f"no route for {plural!r}")
    return found


@router.get("/{plural}/{record_id:int}/related")
async def list_related(ctx: Auth, plural: str, record_id: int) -> Response:
    me = (_declaration(plural).record_type, record_id)
    with ctx.read() as conn:
        return json_response(relate.related(conn, ctx.account_id, me))


@router.get("/{plural}/{record_id:int}/related/{other_plural}")
async def list_related_of_type(
    ctx: Auth, plural: str, record_id: int, other_plural: str
) -> Response:
    me, other = (_declaration(plural).record_type, record_id), _declaration(other_plural)
    with ctx.read() as conn:
        return json_response(relate.related(conn, ctx.account_id, me, other.record_type))


@router.post("/{plural}/{record_id:int}/related", openapi_extra=_BODY)
async def add_related(ctx: Auth, plural: str, record_id: int, body: Body) -> Response:
    me, resource = (_declaration(plural).record_type, record_id), parse_resource(body)

    def work(conn: Connection) -> dict[str, Any]:
        relate.relate(conn, ctx.account_id, me, resource, ctx.now())
        return {"added": True, "resource": {"id": resource[1], "type": resource[0].api_name}}

    return json_response(await ctx.write(work))


@router.delete("/{plural}/{record_id:int}/related", openapi_extra=_BODY)
async def remove_related(ctx: Auth, plural: str, record_id: int, body: Body) -> Response:
    me, resource = (_declaration(plural).record_type, record_id), parse_resource(body)

    def work(conn: Connection) -> dict[str, Any]:
        relate.unrelate(conn, ctx.account_id, me, resource, ctx.now())
        return {"removed": True, "resource": {"id": resource[1], "type": resource[0].api_name}}

    return json_response(await ctx.write(work))
