"""Routes of /leads: create, read, update, delete (upsert and convert live elsewhere)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from verdigris.api import bodies
from verdigris.api.deps import Auth, Body, json_response
from verdigris.domain.types import RecordType
from verdigris.storage import leads
from verdigris.storage.engine import read, write
from verdigris.storage.records import get_record

router = APIRouter(tags=["leads"])


@router.post("/leads", openapi_extra=bodies.body(bodies.LEAD))
async def create_lead(ctx: Auth, body: Body) -> Response:
    with write(ctx.engine) as conn:
        record = leads.create_lead(conn, ctx.account_id, body, ctx.now())
    return json_response(record)


@router.get("/leads/{record_id:int}")
async def get_lead(ctx: Auth, record_id: int) -> Response:
    with read(ctx.engine) as conn:
        record = get_record(conn, ctx.account_id, RecordType.LEAD, record_id)
    return json_response(record)


@router.put("/leads/{record_id:int}", openapi_extra=bodies.body(bodies.LEAD))
async def update_lead(ctx: Auth, record_id: int, body: Body) -> Response:
    with write(ctx.engine) as conn:
        record = leads.update_lead(conn, ctx.account_id, record_id, body, ctx.now())
    return json_response(record)


@router.delete("/leads/{record_id:int}")
async def delete_lead(ctx: Auth, record_id: int) -> Response:
    with write(ctx.engine) as conn:
        leads.delete_lead(conn, ctx.account_id, record_id)
    return json_response({"id": record_id, "is_deleted": True})
