"""Routes of the account's lookups: contact types, customer sources, lead statuses,
activity types, users, the account, and custom field definitions."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verdigris.api import openapi
from verdigris.api.deps import Auth, Body, json_response
from verdigris.domain.paging import MAX_REACHABLE
from verdigris.parsing.definitions import parse_definition
from verdigris.parsing.paging import parse_paging
from verdigris.render.definition import render_definition
from verdigris.storage import definitions, lookups, schema
from verdigris.storage.engine import Connection
from verdigris.storage.records import custom_field_definitions

router = APIRouter(tags=["lookups"])


@router.get("/contact_types")
async def contact_types(ctx: Auth) -> Response:
    with ctx.read() as conn:
        return json_response(lookups.named(conn, ctx.account_id, schema.contact_types))


@router.get("/customer_sources")
async def customer_sources(ctx: Auth) -> Response:
    with ctx.read() as conn:
        return json_response(lookups.named(conn, ctx.account_id, schema.customer_sources))


@router.get("/lead_statuses")
async def lead_statuses(ctx: Auth) -> Response:
    with ctx.read() as conn:
        return json_response(lookups.lead_statuses(conn, ctx.account_id))


@router.get("/activity_types")
async def activity_types(ctx: Auth) -> Response:
    with ctx.read() as conn:
        return json_response(lookups.activity_types(conn, ctx.account_id))


@router.get("/account")
async def account(ctx: Auth) -> Response:
    with ctx.read() as conn:
        return json_response(lookups.account(conn, ctx.account_id))


@router.get("/users")
async def list_users(ctx: Auth) -> Response:
    with ctx.read() as conn:
        return json_response(lookups.users(conn, ctx.account_id))


@router.get("/users/me")
async def get_me(ctx: Auth) -> Response:
    """The user of the request's token (Activepieces checks credentials with it)."""
    with ctx.read() as conn:
        return json_response(lookups.get_user(conn, ctx.account_id, ctx.user_id))


@router.get("/users/{user_id:int}")
async def get_user(ctx: Auth, user_id: int) -> Response:
    with ctx.read() as conn:
        return json_response(lookups.get_user(conn, ctx.account_id, user_id))


@router.post("/users/search", openapi_extra=openapi.body(openapi.PAGING))
async def search_users(ctx: Auth, body: Body, request: Request) -> Response:
    window = parse_paging(body, request.query_params).window()
    with ctx.read() as conn:
        found = lookups.users(conn, ctx.account_id, window[1], window[0]) if window else []
        total = min(lookups.count_users(conn, ctx.account_id), MAX_REACHABLE)
    return json_response(found, headers={"X-PW-TOTAL": str(total)})


@router.get("/custom_field_definitions")
async def list_definitions(ctx: Auth) -> Response:
    with ctx.read() as conn:
        found = custom_field_definitions(conn, ctx.account_id)
    return json_response([render_definition(d) for d in found])


@router.get("/custom_field_definitions/{definition_id:int}")
async def get_definition(ctx: Auth, definition_id: int) -> Response:
    with ctx.read() as conn:
        found = definitions.get_definition(conn, ctx.account_id, definition_id)
    return json_response(render_definition(found))


_DEFINITION_BODY = openapi.body(openapi.CUSTOM_FIELD_DEFINITION, True)


@router.post("/custom_field_definitions", openapi_extra=_DEFINITION_BODY)
async def create_definition(ctx: Auth, body: Body) -> Response:
    parsed = parse_definition(body, creating=True)

    def work(conn: Connection) -> dict[str, Any]:
        return render_definition(definitions.create_definition(conn, ctx.account_id, parsed))

    return json_response(await ctx.write(work))


@router.put("/custom_field_definitions/{definition_id:int}", openapi_extra=_DEFINITION_BODY)
async def update_definition(ctx: Auth, definition_id: int, body: Body) -> Response:
    parsed = parse_definition(body, creating=False)

    def work(conn: Connection) -> dict[str, Any]:
        updated = definitions.update_definition(conn, ctx.account_id, definition_id, parsed)
        return render_definition(updated)

    return json_response(await ctx.write(work))


@router.delete("/custom_field_definitions/{definition_id:int}")
async def delete_definition(ctx: Auth, definition_id: int) -> Response:
    def work(conn: Connection) -> None:
        definitions.delete_definition(conn, ctx.account_id, definition_id)

    await ctx.write(work)
    return json_response({"id": definition_id, "is_deleted": True})
