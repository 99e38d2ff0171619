"""The sandbox's controls of an account under /_verdigris: its fault rules, its clock and
its rate limit (docs/testing.md)."""

from __future__ import annotations

from functools import partial
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from verdigris.api.deps import Auth, Body, Context, json_response
from verdigris.api.sandbox import rules as r
from verdigris.errors import BadRequest
from verdigris.parsing import values as v
from verdigris.storage import sandbox as store
from verdigris.storage import sandbox_log as log
from verdigris.storage.engine import Connection

router = APIRouter(prefix="/_verdigris", tags=["sandbox"])


# -- Faults ---------------------------------------------------------------------------------


@router.get("/faults")
async def list_faults(ctx: Auth) -> Response:
    with ctx.read() as conn:
        return json_response([rule.shown() for rule in log.rules(conn, ctx.account_id)])


@router.post("/faults")
async def add_faults(ctx: Auth, request: Request) -> Response:
    return await _set_faults(ctx, request, replace=False)


@router.put("/faults")
async def replace_faults(ctx: Auth, request: Request) -> Response:
    return await _set_faults(ctx, request, replace=True)


async def _set_faults(ctx: Context, request: Request, replace: bool) -> Response:
    raw = await request.body()
    try:
        given = orjson.loads(raw) if raw.strip() else []
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"malformed JSON body: {exc}") from None
    items = given if isinstance(given, list) else [given]

    def work(conn: Connection) -> list[dict[str, Any]]:
        if replace:
            log.clear_rules(conn, ctx.account_id)
        held = len(log.rules(conn, ctx.account_id))
        parsed = [r.parse_rule(item, held + n + 1) for n, item in enumerate(items)]
        log.add_rules(conn, ctx.account_id, parsed)
        return [rule.shown() for rule in log.rules(conn, ctx.account_id)]

    return json_response(await ctx.write(work), 201)


@router.delete("/faults")
async def clear_faults(ctx: Auth) -> Response:
    await ctx.write(partial(log.clear_rules, account_id=ctx.account_id))
    return json_response({"cleared": True})


@router.delete("/faults/{name}")
async def delete_fault(ctx: Auth, name: str) -> Response:
    await ctx.write(partial(log.delete_rule, account_id=ctx.account_id, name=name))
    return json_response({"deleted": name})


# -- Clock and rate limit -------------------------------------------------------------------


def clock_of(request: Request, settings: store.Settings) -> dict[str, Any]:
    now = settings.now(request.app.state.clock.base())
    return {"now": int(now), "frozen": settings.frozen_at is not None,
            "offset": settings.clock_offset}  # fmt: skip


@router.get("/clock")
async def get_clock(ctx: Auth, request: Request) -> Response:
    with ctx.read() as conn:
        return json_response(clock_of(request, store.settings_of(conn, ctx.account_id)))


@router.put("/clock")
async def set_clock(ctx: Auth, body: Body, request: Request) -> Response:
    """`{"frozen_at": T}` freezes the clock at T; `{"offset": S}` runs it S seconds ahead."""
    values: dict[str, Any]
    if "frozen_at" in body:
        values = {"frozen_at": v.number("frozen_at", body["frozen_at"]), "clock_offset": 0.0}
    else:
        values = {"frozen_at": None, "clock_offset": v.number("offset", body.get("offset", 0))}
    await ctx.write(partial(store.update_settings, account_id=ctx.account_id, values=values))
    return await get_clock(ctx, request)


@router.post("/clock/advance")
async def advance_clock(ctx: Auth, body: Body, request: Request) -> Response:
    seconds = v.number("seconds", body.get("seconds"))

    def work(conn: Connection) -> None:
        settings = store.settings_of(conn, ctx.account_id)
        values: dict[str, Any]
        if settings.frozen_at is not None:
            values = {"frozen_at": settings.frozen_at + seconds}
        else:
            values = {"clock_offset": settings.clock_offset + seconds}
        store.update_settings(conn, ctx.account_id, values)

    await ctx.write(work)
    return await get_clock(ctx, request)


@router.delete("/clock")
async def real_clock(ctx: Auth, request: Request) -> Response:
    values: dict[str, Any] = {"frozen_at": None, "clock_offset": 0.0}
    await ctx.write(partial(store.update_settings, account_id=ctx.account_id, values=values))
    return await get_clock(ctx, request)


def rate_limit_of(settings: store.Settings) -> dict[str, Any] | None:
    if not settings.rate_requests:
        return None
    return {"requests": settings.rate_requests, "seconds": settings.rate_seconds,
            "retry_after": "seconds" if settings.rate_retry_after else None}  # fmt: skip


@router.put("/rate-limit")
async def set_rate_limit(ctx: Auth, body: Body) -> Response:
    """Copper's rolling limit on this account's tokens: `{"requests": 180, "seconds": 60,
    "retry_after": "seconds" | null}`."""
    requests_ = v.integer("requests", body.get("requests", 180))
    seconds = v.number("seconds", body.get("seconds", 60))
    if requests_ < 1 or seconds <= 0:
        raise BadRequest("requests and seconds: must be above zero")
    retry = body.get("retry_after", "seconds") is not None
    values: dict[str, Any] = {
        "rate_requests": requests_,
        "rate_seconds": seconds,
        "rate_retry_after": retry,
    }
    await ctx.write(partial(store.update_settings, account_id=ctx.account_id, values=values))
    return json_response({"requests": requests_, "seconds": seconds,
                          "retry_after": "seconds" if retry else None})  # fmt: skip


@router.delete("/rate-limit")
async def clear_rate_limit(ctx: Auth) -> Response:
    values: dict[str, Any] = {"rate_requests": None, "rate_seconds": None}
    await ctx.write(partial(store.update_settings, account_id=ctx.account_id, values=values))
    return json_response({"rate_limit": None})
