"""Routes of /people/{id}/follow and /leads/{id}/follow (our extension; Copper has none)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from verdigris.api.deps import Auth, json_response
from verdigris.domain.types import RecordType
from verdigris.storage.engine import write
from verdigris.storage.follows import set_following

router = APIRouter(tags=["following"])


async def _set(ctx: Auth, kind: RecordType, record_id: int, follow: bool) -> Response:
    with write(ctx.engine) as conn:
        result = set_following(conn, ctx.account_id, ctx.user_id, kind, record_id, follow)
    return json_response(result)


@router.post("/people/{record_id:int}/follow")
async def follow_person(ctx: Auth, record_id: int) -> Response:
    return await _set(ctx, RecordType.PERSON, record_id, True)


@router.delete("/people/{record_id:int}/follow")
async def unfollow_person(ctx: Auth, record_id: int) -> Response:
    return await _set(ctx, RecordType.PERSON, record_id, False)


@router.post("/leads/{record_id:int}/follow")
async def follow_lead(ctx: Auth, record_id: int) -> Response:
    return await _set(ctx, RecordType.LEAD, record_id, True)


@router.delete("/leads/{record_id:int}/follow")
async def unfollow_lead(ctx: Auth, record_id: int) -> Response:
    return await _set(ctx, RecordType.LEAD, record_id, False)
