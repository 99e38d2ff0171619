"""Routes of /opportunities beyond the generic ones (records.py): related people."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from verdigris.api.deps import Auth, json_response
from verdigris.storage import opportunities as opps

router = APIRouter(tags=["opportunities"])
RELATED_PEOPLE = {
    "related_people": {
        "type": ["array", "null"],
        "items": {"type": "integer"},
        "description": "Verdigris extension: ids of related people (replaces the list)",
    }
}


@router.get("/opportunities/{record_id:int}/related")
async def related_people(ctx: Auth, record_id: int) -> Response:
    with ctx.read() as conn:
        return json_response(opps.related(conn, ctx.account_id, record_id))
