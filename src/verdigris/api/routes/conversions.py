"""Routes of PUT /leads/upsert and POST /leads/{id}/convert (each one transaction)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from verdigris.api import bodies
from verdigris.api.deps import Auth, Body, json_response
from verdigris.api.routes.opportunities import OPPORTUNITY
from verdigris.storage import conversions
from verdigris.storage.engine import write

router = APIRouter(tags=["leads"])

UPSERT = {
    "type": "object",
    "required": ["properties", "match"],
    "properties": {
        "properties": bodies.LEAD,
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
                "person": bodies.PERSON,
                "company": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"}}},
                "opportunity": OPPORTUNITY,
            },
        }
    },
}  # fmt: skip


@router.put("/leads/upsert", openapi_extra=bodies.body(UPSERT, required=False))
async def upsert_lead(ctx: Auth, body: Body) -> Response:
    with write(ctx.engine) as conn:
        record = conversions.upsert_lead(conn, ctx.account_id, body, ctx.now())
    return json_response(record)


@router.post("/leads/{record_id:int}/convert", openapi_extra=bodies.body(CONVERT, required=False))
async def convert_lead(ctx: Auth, record_id: int, body: Body) -> Response:
    with write(ctx.engine) as conn:
        result = conversions.convert_lead(conn, ctx.account_id, record_id, body, ctx.now())
    return json_response(result)
