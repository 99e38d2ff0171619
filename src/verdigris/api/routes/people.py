"""Routes of /people beyond the generic ones (records.py): fetch_by_email."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from verdigris.api import openapi
from verdigris.api.deps import Auth, Body, json_response
from verdigris.parsing import values as v
from verdigris.storage.people import fetch_person_by_email

router = APIRouter(tags=["people"])


@router.post("/people/fetch_by_email", openapi_extra=openapi.body(openapi.FETCH_BY_EMAIL, True))
async def fetch_by_email(ctx: Auth, body: Body) -> Response:
    email = v.string("email", body.get("email"))
    with ctx.read() as conn:
        return json_response(fetch_person_by_email(conn, ctx.account_id, email))
