"""Routes of /webhooks: subscriptions (SPEC.md 8) and their deliveries (our extension)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from verdigris.api import openapi
from verdigris.api.deps import Auth, Body, Context, json_response
from verdigris.parsing.webhooks import EVENTS, TYPES, parse_subscription
from verdigris.storage import webhooks
from verdigris.storage.deliveries import deliveries_of
from verdigris.storage.engine import Connection

router = APIRouter(tags=["webhooks"])
ONE = "/webhooks/{webhook_id:int}"
_OBJECT = {"type": ["object", "null"], "additionalProperties": {"type": "string"}}
_BODY = {
    "type": "object",
    "properties": {
        "target": {"type": "string"}, "type": {"enum": list(TYPES)},
        "event": {"enum": list(EVENTS)}, "secret": _OBJECT, "headers": _OBJECT,
        "custom_field_computed_values": {"type": ["boolean", "null"]},
        "signing_secret": {"type": ["string", "null"]},
    },
}  # fmt: skip


def _allow_http(ctx: Context) -> bool:
    return ctx.settings.webhooks_allow_http


@router.post(
    "/webhooks", openapi_extra=openapi.body(_BODY | {"required": ["target", "type", "event"]}, True)
)
async def create_webhook(ctx: Auth, body: Body) -> Response:
    new = parse_subscription(body, creating=True, allow_http=_allow_http(ctx))

    def work(conn: Connection) -> dict[str, Any]:
        return webhooks.create_webhook(conn, ctx.account_id, new, ctx.now())

    return json_response(await ctx.write(work))


@router.get("/webhooks")
async def list_webhooks(ctx: Auth) -> Response:
    with ctx.read() as conn:
        return json_response(webhooks.list_webhooks(conn, ctx.account_id))


@router.get(ONE)
async def get_webhook(ctx: Auth, webhook_id: int) -> Response:
    with ctx.read() as conn:
        return json_response(webhooks.get_webhook(conn, ctx.account_id, webhook_id))


@router.put(ONE, openapi_extra=openapi.body(_BODY))
async def update_webhook(ctx: Auth, webhook_id: int, body: Body) -> Response:
    changes = parse_subscription(body, creating=False, allow_http=_allow_http(ctx))

    def work(conn: Connection) -> dict[str, Any]:
        return webhooks.update_webhook(conn, ctx.account_id, webhook_id, changes)

    return json_response(await ctx.write(work))


@router.delete(ONE)
async def delete_webhook(ctx: Auth, webhook_id: int) -> Response:
    def work(conn: Connection) -> dict[str, int]:
        return webhooks.delete_webhook(conn, ctx.account_id, webhook_id)

    return json_response(await ctx.write(work))


@router.get(ONE + "/deliveries")
async def list_deliveries(ctx: Auth, webhook_id: int) -> Response:
    """The subscription's latest 100 notifications, newest first, with every try."""
    with ctx.read() as conn:
        webhooks.get_webhook(conn, ctx.account_id, webhook_id)  # 404 for another account's
        return json_response(deliveries_of(conn, ctx.account_id, webhook_id))
