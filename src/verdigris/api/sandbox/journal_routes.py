"""The sandbox's journal routes under /_verdigris/requests (docs/testing.md): what an
account's code under test sent, found by pattern, counted, cleared; and the requests to
routes Verdigris does not serve, each with the nearest route it does."""

from __future__ import annotations

import difflib
import re
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verdigris.api.deps import Auth, Body, Context, json_response
from verdigris.api.sandbox import rules as r
from verdigris.api.sandbox.incoming import BASE_PATH
from verdigris.api.sandbox.middleware import settled
from verdigris.errors import BadRequest
from verdigris.storage import sandbox_log as log

router = APIRouter(prefix="/_verdigris", tags=["sandbox"])


# -- Journal --------------------------------------------------------------------------------


@router.get("/requests")
async def requests(ctx: Auth, request: Request) -> Response:
    q = request.query_params
    query = log.JournalQuery(
        since=_int(q, "since", 0), limit=min(_int(q, "limit", 1000), 10_000),
        method=q.get("method"), route=q.get("route"),
        status=_int(q, "status", 0) or None, kept=request.app.state.sandbox.journal_limit,
    )  # fmt: skip
    await settled(request.app.state)
    with ctx.read() as conn:
        return json_response(log.entries(conn, ctx.account_id, query))


@router.get("/requests/unmatched")
async def unmatched_requests(ctx: Auth, request: Request) -> Response:
    """Requests to routes Verdigris does not serve, each with the nearest served route."""
    await settled(request.app.state)
    kept = request.app.state.sandbox.journal_limit
    with ctx.read() as conn:
        found = [e for status in (404, 405)
                 for e in log.entries(conn, ctx.account_id,
                                      log.JournalQuery(limit=10_000, status=status, kept=kept))
                 if e.get("unmatched")]  # fmt: skip
    served = {_shape(route): route for route in _served_routes(request)}
    for entry in found:
        asked = _shape(f"{entry['method']} {entry['route']}")
        close = difflib.get_close_matches(asked, list(served), 1, 0)
        entry["nearest"] = served[close[0]] if close else None
    return json_response(sorted(found, key=lambda e: e["seq"]))


def _shape(route: str) -> str:
    """A route with its ids and parameters alike, so that they do not count as text."""
    return re.sub(r"/(\{[^}]*\}|[0-9]+)(?=/|$)", "/{id}", route)


def _served_routes(request: Request) -> list[str]:
    """`METHOD /route` of every Copper route served, from the OpenAPI document (built
    once per app)."""
    paths = request.app.openapi()["paths"]
    return [f"{method.upper()} {path[len(BASE_PATH):]}"
            for path, operations in paths.items() if path.startswith(BASE_PATH)
            for method in operations]  # fmt: skip


@router.delete("/requests")
async def clear_requests(ctx: Auth, request: Request) -> Response:
    await settled(request.app.state)
    await ctx.write(partial(log.clear, account_id=ctx.account_id))
    return json_response({"cleared": True})


@router.post("/requests/find")
async def find_requests(ctx: Auth, body: Body, request: Request) -> Response:
    await settled(request.app.state)
    return json_response(_found(ctx, body, request.app.state.sandbox.journal_limit))


@router.post("/requests/count")
async def count_requests(ctx: Auth, body: Body, request: Request) -> Response:
    await settled(request.app.state)
    kept = request.app.state.sandbox.journal_limit
    return json_response({"count": len(_found(ctx, body, kept))})


def _found(ctx: Context, body: dict[str, Any], kept: int) -> list[dict[str, Any]]:
    """The entries that match the pattern: method, plain route and status in SQL; route
    templates, query and body subsets on the account's remaining entries."""
    since = body.pop("since", 0)
    pattern = r.parse_pattern(body)
    route = pattern.get("route")
    plain = route if route and not any(c in route for c in "{*") else None
    query = log.JournalQuery(
        since=since if isinstance(since, int) else 0, limit=100_000,
        method=pattern.get("method") if pattern.get("method") != "*" else None,
        route=("/" + plain.strip("/")) if plain else None, status=pattern.get("status"),
        kept=kept,
    )  # fmt: skip
    with ctx.read() as conn:
        found = log.entries(conn, ctx.account_id, query)
    return [e for e in found if r.matches(pattern, _seen(e))]


def _seen(entry: dict[str, Any]) -> r.Seen:
    body = entry.get("body")
    if body is None or isinstance(body, dict):
        body = {**(body or {}), **(entry.get("paging") or {})}
    return r.Seen(entry["method"], entry["route"], entry.get("query") or {}, body,
                  entry.get("user_email"), entry.get("status"))  # fmt: skip


def _int(q: Any, key: str, default: int) -> int:
    raw = q.get(key)
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise BadRequest(f"{key}: must be a whole number")
    return int(raw)
