"""Routes of /people: create, read, update, delete, fetch_by_email."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from verdigris.api import bodies
from verdigris.api.deps import Auth, Body, json_response
from verdigris.domain.types import RecordType
from verdigris.storage import people
from verdigris.storage.engine import read, write
from verdigris.storage.records import get_record

router = APIRouter(tags=["people"])


@router.post("/people", openapi_extra=bodies.body(bodies.PERSON))
async def create_person(ctx: Auth, body: Body) -> Response:
    with write(ctx.engine) as conn:
        record = people.create_person(conn, ctx.account_id, body, ctx.now())
    return json_response(record)


@router.get("/people/{record_id:int}")
async def get_person(ctx: Auth, record_id: int) -> Response:
    with read(ctx.engine) as conn:
        record = get_record(conn, ctx.account_id, RecordType.PERSON, record_id)
    return json_response(record)


@router.put("/people/{record_id:int}", openapi_extra=bodies.body(bodies.PERSON))
async def update_person(ctx: Auth, record_id: int, body: Body) -> Response:
    with write(ctx.engine) as conn:
        record = people.update_person(conn, ctx.account_id, record_id, body, ctx.now())
    return json_response(record)


@router.delete("/people/{record_id:int}")
async def delete_person(ctx: Auth, record_id: int) -> Response:
    with write(ctx.engine) as conn:
        people.delete_person(conn, ctx.account_id, record_id)
    return json_response({"id": record_id, "is_deleted": True})


@router.post("/people/fetch_by_email", openapi_extra=bodies.body(bodies.FETCH_BY_EMAIL))
async def fetch_person_by_email(ctx: Auth, body: Body) -> Response:
    with read(ctx.engine) as conn:
        record = people.fetch_person_by_email(conn, ctx.account_id, body.get("email"))
    return json_response(record)
