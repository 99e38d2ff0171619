"""The sandbox's admin API under /_verdigris (docs/api.md, "Sandbox admin API").

Two kinds of caller: the admin (`Authorization: Bearer <admin token>`) creates, lists
and deletes accounts; an account (its own X-PW-* headers, as for the Copper API) resets,
checkpoints and dumps itself, adds tokens and reads its state here; reads its journal in
journal_routes.py, sets its faults, clock and rate limit in control_routes.py. An
account's routes act on that account only.
"""

from __future__ import annotations

import hmac
import io
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

import orjson
from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.background import BackgroundTask

from verdigris import __version__
from verdigris.api.deps import Auth, Body, json_response
from verdigris.api.sandbox.control_routes import clock_of, rate_limit_of
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
    return json_response({"account_id": ctx.account_id, "clock": clock_of(request, settings),
                          "rate_limit": rate_limit_of(settings), "faults": faults})  # fmt: skip
