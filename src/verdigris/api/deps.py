"""Request dependencies: the authenticated context, the JSON body, JSON responses."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import ExitStack, contextmanager
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
from verdigris.storage.engine import Connection, Engine, read, run_write

APPLICATION = "developer_api"
PRINCIPAL = "verdigris.principal"
"""Scope key where sandbox mode leaves the caller it has authenticated already."""
T = TypeVar("T")


class HeldRead:
    """The read transaction that authenticated a request, kept for the handler's first
    read: one connection, BEGIN and COMMIT a request instead of two (on PostgreSQL three
    round trips of about 0.1 ms each, with the pool's ping; a search of one record took
    3.6 ms in process there against 1.4 on SQLite)."""

    def __init__(self) -> None:
        self._open: tuple[ExitStack, Connection] | None = None

    def open(self, engine: Engine) -> Connection:
        stack = ExitStack()
        conn = stack.enter_context(read(engine))
        self._open = (stack, conn)
        return conn

    def take(self) -> tuple[ExitStack, Connection] | None:
        """The open transaction, now the caller's to end; None once taken or closed."""
        held, self._open = self._open, None
        return held

    def close(self) -> None:
        held = self.take()
        if held is not None:
            held[0].close()


@dataclass(frozen=True)
class Context:
    """Everything a handler needs: the database, who asks, and the clock."""

    engine: Engine
    settings: Settings
    account_id: int
    user_id: int
    clock: Callable[[], int]
    held: HeldRead

    def now(self) -> int:
        return self.clock()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction, on the event loop (reads are short; decision 0001): the
        first continues the one that authenticated the request, each later one is new."""
        held = self.held.take()
        if held is None:
            with read(self.engine) as conn:
                yield conn
            return
        stack, conn = held
        with stack:  # ends it as `read` would: rolled back when the block raises
            yield conn

    async def write(self, work: Callable[[Connection], T]) -> T:
        """`work` in a write transaction, in a worker thread: while it waits for the
        database's write lock, this worker keeps answering reads (decision 0005)."""
        self.held.close()  # no read left open beside the write
        run = partial(run_write, self.engine, work, self.settings.lock_wait)
        return await to_thread.run_sync(run)


async def authenticate(request: Request) -> AsyncIterator[Context]:
    """The request's context; the transaction that read its token stays open for the
    handler's first read and is ended, if still open, when the handler returns."""
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
            principal = accounts.authenticate(held.open(state.engine), token, email)
        if state.rate_limiter is not None:
            held.close()  # its check writes, and may wait for the lock
            await state.rate_limiter.check(principal.token_hash)
        request.state.verdigris_account = principal.account_id  # api/computed_values.py
        yield Context(
            state.engine, state.settings, principal.account_id, principal.user_id,
            state.clock, held,
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
