"""Routes of /leads beyond the generic ones (records.py): PUT /leads/upsert and
POST /leads/{id}/convert, each one transaction."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from verdigris.api import openapi
from verdigris.api.deps import Auth, Body, json_response
from verdigris.domain.declarations import LEAD, OPPORTUNITY, PERSON
from verdigris.parsing.conversions import parse_conversion, parse_upsert
from verdigris.storage import conversions
from verdigris.storage.engine import Connection
from verdigris.storage.records import custom_field_definitions

router = APIRouter(tags=["leads"])

UPSERT = {
    "type": "object",
    "required": ["properties", "match"],
    "properties": {
        "properties": openapi.record_body(LEAD),
        "match": {
            "type": "object",
            "properties": {
                "field_name": {"enum": ["name", "email", "custom"]},
                "field_value": {
                    "description": "a name, an email, or {custom_field_definition_id, value}"
                },
            },
        },
    },
}
CONVERT = {
    "type": "object",
    "properties": {
        "details": {
            "type": "object",
            "properties": {
                "person": openapi.record_body(PERSON),
                "company": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"}}},
                "opportunity": openapi.record_body(OPPORTUNITY),
            },
        }
    },
}  # fmt: skip


@router.put("/leads/upsert", openapi_extra=openapi.body(UPSERT))
async def upsert_lead(ctx: Auth, body: Body) -> Response:
    def work(conn: Connection) -> dict[str, Any]:
        upsert = parse_upsert(body, lambda: custom_field_definitions(conn, ctx.account_id))
        return conversions.upsert_lead(conn, ctx.account_id, upsert, ctx.now())

    return json_response(await ctx.write(work))


@router.post("/leads/{record_id:int}/convert", openapi_extra=openapi.body(CONVERT))
async def convert_lead(ctx: Auth, record_id: int, body: Body) -> Response:
    def work(conn: Connection) -> dict[str, Any]:
        conversion = parse_conversion(body, lambda: custom_field_definitions(conn, ctx.account_id))
        return conversions.convert_lead(conn, ctx.account_id, record_id, conversion, ctx.now())

    return json_response(await ctx.write(work))
