"""Request dependencies: the authenticated context, the JSON body, JSON responses."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, TypeVar

import orjson
from anyio import to_thread
from fastapi import Depends, Request
from fastapi.responses import Response

from verdigris.config import Settings
from verdigris.errors import BadRequest, Unauthorized
from verdigris.storage import accounts
from verdigris.storage.definition_stamps import stamped
from verdigris.storage.engine import Connection, Engine, read_connection, read_on, run_write

APPLICATION = "developer_api"
PRINCIPAL = "verdigris.principal"
"""Scope key where sandbox mode leaves the caller it has authenticated already."""
T = TypeVar("T")


class HeldRead:
    """The connection that authenticated a request, kept for the handler's first read:
    one checkout a request instead of two (on PostgreSQL a round trip, the pool's ping;
    a search of one record took 3.6 ms in process there against 1.4 on SQLite). Only
    the connection: each read is a transaction of its own, which sees what the request
    awaited before it (the sandbox's journal waits for its entries to be written)."""

    def __init__(self) -> None:
        self._conn: Connection | None = None

    def open(self, engine: Engine) -> Connection:
        self._conn = read_connection(engine)
        return self._conn

    def take(self) -> Connection | None:
        """The connection, now the caller's to close; None once taken or closed."""
        conn, self._conn = self._conn, None
        return conn

    def close(self) -> None:
        conn = self.take()
        if conn is not None:
            conn.close()


@dataclass(frozen=True)
class Context:
    """Everything a handler needs: the database, who asks, and the clock."""

    engine: Engine
    settings: Settings
    account_id: int
    user_id: int
    clock: Callable[[], int]
    held: HeldRead
    definitions_stamp: int

    def now(self) -> int:
        return self.clock()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read (storage.engine.read_on), on the event loop (reads are short; decision
        0001); the first on the connection that authenticated the request. It reads the
        account's definitions as of the stamp read with the token (definition_stamps)."""
        held = self.held.take()
        with (
            held or read_connection(self.engine) as conn,
            read_on(conn),
            stamped(conn, self.account_id, self.definitions_stamp),
        ):
            yield conn

    async def write(self, work: Callable[[Connection], T]) -> T:
        """`work` in a write transaction, in a worker thread: while it waits for the
        database's write lock, this worker keeps answering reads (decision 0005)."""
        self.held.close()  # no connection held beside the write's
        run = partial(run_write, self.engine, work, self.settings.lock_wait)
        return await to_thread.run_sync(run)


async def authenticate(request: Request) -> AsyncIterator[Context]:
    """The request's context; the connection that read its token is kept for the
    handler's first read (HeldRead), and closed, if still held, when the handler returns."""
    headers = request.headers
    token = headers.get("x-pw-accesstoken")
    email = headers.get("x-pw-useremail")
    if not token or not email:
        raise Unauthorized("X-PW-AccessToken and X-PW-UserEmail are required")
    if headers.get("x-pw-application") != APPLICATION:
        raise Unauthorized(f"X-PW-Application must be {APPLICATION!r}")
    state = request.app.state
    principal = request.scope.get(PRINCIPAL)
    held = HeldRead()
    try:
        if principal is None:
            with read_on(held.open(state.engine)) as conn:
                principal = accounts.authenticate(conn, token, email)
        if state.rate_limiter is not None:
            held.close()  # its check writes, and may wait for the lock meanwhile
            await state.rate_limiter.check(principal.token_hash)
        request.state.verdigris_account = principal.account_id  # api/computed_values.py
        yield Context(
            state.engine, state.settings, principal.account_id, principal.user_id,
            state.clock, held, principal.definitions_stamp,
        )  # fmt: skip
    finally:
        held.close()


Auth = Annotated[Context, Depends(authenticate, scope="function")]


async def read_body(request: Request) -> bytes:
    """The body; `limits.BodyLimit` has already refused one over the limit."""
    return await request.body()


async def json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object; an empty body is {}; anything else is 400."""
    raw = await read_body(request)
    if not raw.strip():
        return {}
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"malformed JSON body: {exc}") from None
    if not isinstance(value, dict):
        raise BadRequest("the JSON body must be an object")
    return value


Body = Annotated[dict[str, Any], Depends(json_object)]


def json_response(
    content: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(orjson.dumps(content), status, headers, media_type="application/json")
