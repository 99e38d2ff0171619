"""The sandbox's admin API under /_verdigris (docs/api.md, "Sandbox admin API").

Two kinds of caller: the admin (`Authorization: Bearer <admin token>`) creates, lists
and deletes accounts; an account (its own X-PW-* headers, as for the Copper API) resets,
checkpoints and dumps itself, reads its journal, sets its faults, clock and rate limit.
An account's routes act on that account only.
"""

from __future__ import annotations

import difflib
import hmac
import io
import re
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

import orjson
from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.background import BackgroundTask

from verdigris import __version__
from verdigris.api.deps import Auth, Body, Context, json_response
from verdigris.api.sandbox import rules as r
from verdigris.api.sandbox.incoming import BASE_PATH
from verdigris.api.sandbox.middleware import SandboxOptions, settled
from verdigris.errors import BadRequest, Unauthorized, Unprocessable
from verdigris.parsing import values as v
from verdigris.snapshot.dump import dump_snapshot
from verdigris.storage import sandbox as store
from verdigris.storage import sandbox_log as log
from verdigris.storage.accounts import add_token_hash, create_user, hash_token, new_token
from verdigris.storage.engine import Connection, read, run_write
from verdigris.storage.sandbox import taken_token, user_by_email

router = APIRouter(prefix="/_verdigris", tags=["sandbox"])


async def admin(request: Request) -> None:
    options: SandboxOptions = request.app.state.sandbox
    given = request.headers.get("authorization", "")
    expected = "Bearer " + options.admin_token
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized("the admin token is required: Authorization: Bearer <admin_token>")


Admin = Annotated[None, Depends(admin)]


def _name(value: Any) -> str:
    """A template or checkpoint name: 1 to 200 characters."""
    name = v.string("name", value)
    if not 0 < len(name) <= 200:
        raise BadRequest("name: must be 1 to 200 characters")
    return name


async def _write(request: Request, work: Callable[[Connection], Any]) -> Any:
    state = request.app.state
    run = partial(run_write, state.engine, work, state.settings.lock_wait)
    return await to_thread.run_sync(run)


@router.get("/health")
async def health(request: Request) -> Response:
    engine = request.app.state.engine
    return json_response({"status": "ok", "version": __version__,
                          "database": engine.dialect.name, "admin": True})  # fmt: skip


# -- Accounts (admin) -----------------------------------------------------------------------


@router.get("/templates")
async def templates(request: Request, _: Admin) -> Response:
    with read(request.app.state.engine) as conn:
        return json_response(store.template_names(conn))


@router.post("/templates")
async def add_template(request: Request, _: Admin, body: Body) -> Response:
    """`{"name", "snapshot"}`: load a verdigris-snapshot/1 document and register its
    accounts as templates (NAME, then NAME-ID for its other accounts)."""
    from verdigris.snapshot.templates import load_templates

    name = _name(body.get("name"))
    snapshot = v.mapping("snapshot", body.get("snapshot"))
    load = partial(load_templates, request.app.state.engine, name, orjson.dumps(snapshot))
    return json_response({"templates": await to_thread.run_sync(load)}, 201)


@router.post("/accounts")
async def create_account(request: Request, _: Admin, body: Body) -> Response:
    template = body.get("template")
    if template is not None:
        template = v.string("template", template)
    name = v.string("name", body.get("name") or f"sandbox {template or 'empty'}")
    email = v.string("email", body.get("email") or "owner@sandbox.example")
    now = request.app.state.clock()

    def work(conn: Connection) -> dict[str, Any]:
        account_id = store.new_test_account(conn, template, name, now)
        if template is None:
            create_user(conn, account_id, email, None)
        minted = store.mint_tokens(conn, account_id, now)
        return _account_answer(request, account_id, template, minted)

    answer = json_response(await _write(request, work), 201)
    if template is not None:
        # The next account of this template is ready before it is asked for.
        refill = partial(store.add_spares, template=template)
        answer.background = BackgroundTask(_write, request, refill)
    return answer


def _account_answer(
    request: Request, account_id: int, template: str | None, minted: list[store.Minted]
) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    users = [{"id": m.user_id, "email": m.email, "token": m.token} for m in minted]
    first = users[0] if users else None
    headers = None
    if first is not None:
        headers = {
            "X-PW-AccessToken": first["token"],
            "X-PW-Application": "developer_api",
            "X-PW-UserEmail": first["email"],
            "Content-Type": "application/json",
        }
    return {"account_id": account_id, "template": template, "users": users,
            "email": first and first["email"], "token": first and first["token"],
            "headers": headers, "api": base + BASE_PATH}  # fmt: skip


@router.get("/accounts")
async def list_accounts(request: Request, _: Admin) -> Response:
    with read(request.app.state.engine) as conn:
        return json_response(store.visible_accounts(conn))


@router.delete("/accounts/{account_id}")
async def delete_account(request: Request, _: Admin, account_id: int) -> Response:
    await settled(request.app.state)  # no entry of it written after it is gone
    await _write(request, partial(store.revoke_account, account_id=account_id))
    answer = json_response({"deleted": account_id})
    # Its rows go after the answer: a test's teardown does not wait for them.
    answer.background = BackgroundTask(
        _write, request, partial(store.purge_account, account_id=account_id)
    )
    return answer


# -- The caller's account -------------------------------------------------------------------


@router.post("/account/reset")
async def reset(ctx: Auth, body: Body) -> Response:
    to = body.get("to")
    if to is not None:
        to = v.string("to", to)
    await ctx.write(partial(store.reset_account, account_id=ctx.account_id, to=to))
    return json_response({"reset": ctx.account_id, "to": to or "template"})


@router.post("/account/checkpoints")
async def save_checkpoint(ctx: Auth, body: Body) -> Response:
    name = _name(body.get("name"))
    await ctx.write(partial(store.save_checkpoint, account_id=ctx.account_id, name=name))
    return json_response({"checkpoint": name}, 201)


@router.get("/account/checkpoints")
async def list_checkpoints(ctx: Auth) -> Response:
    with ctx.read() as conn:
        return json_response(store.checkpoint_names(conn, ctx.account_id))


@router.post("/account/checkpoints/{name}/restore")
async def restore_checkpoint(ctx: Auth, name: str) -> Response:
    await ctx.write(partial(store.reset_account, account_id=ctx.account_id, to=name))
    return json_response({"restored": name})


@router.delete("/account/checkpoints/{name}")
async def delete_checkpoint(ctx: Auth, name: str) -> Response:
    await ctx.write(partial(store.delete_checkpoint, account_id=ctx.account_id, name=name))
    return json_response({"deleted": name})


@router.get("/account/dump")
async def dump(ctx: Auth) -> Response:
    out = io.BytesIO()
    dump_snapshot(ctx.engine, out, ctx.account_id)
    return Response(out.getvalue(), media_type="application/json")


@router.post("/account/tokens")
async def add_token(ctx: Auth, body: Body) -> Response:
    """`{"email", "token"?}`: a token for a user of this account (made when the email is
    new): the value code under test has in its configuration, or a new one."""
    email = v.string("email", body.get("email"))
    given = body.get("token")
    token = v.string("token", given) if given is not None else new_token()
    if not 8 <= len(token) <= 200:
        raise BadRequest("token: must be 8 to 200 characters")
    now = ctx.now()

    def work(conn: Connection) -> dict[str, Any]:
        user_id = _user_of(conn, ctx.account_id, email)
        if taken_token(conn, hash_token(token)):
            raise Unprocessable("token: already in use")
        add_token_hash(conn, ctx.account_id, user_id, hash_token(token), now)
        return {"user_id": user_id, "email": email, "token": token}

    return json_response(await ctx.write(work), 201)


def _user_of(conn: Connection, account_id: int, email: str) -> int:
    found = user_by_email(conn, account_id, email)
    return found if found is not None else create_user(conn, account_id, email, None)


@router.get("/account/state")
async def state(ctx: Auth, request: Request) -> Response:
    with ctx.read() as conn:
        settings = store.settings_of(conn, ctx.account_id)
        faults = [rule.shown() for rule in log.rules(conn, ctx.account_id)]
    return json_response({"account_id": ctx.account_id, "clock": _clock(request, settings),
                          "rate_limit": _rate_limit(settings), "faults": faults})  # fmt: skip


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


def _clock(request: Request, settings: store.Settings) -> dict[str, Any]:
    now = settings.now(request.app.state.clock.base())
    return {"now": int(now), "frozen": settings.frozen_at is not None,
            "offset": settings.clock_offset}  # fmt: skip


@router.get("/clock")
async def get_clock(ctx: Auth, request: Request) -> Response:
    with ctx.read() as conn:
        return json_response(_clock(request, store.settings_of(conn, ctx.account_id)))


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


def _rate_limit(settings: store.Settings) -> dict[str, Any] | None:
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
