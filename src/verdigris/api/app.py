"""create_app(settings): routers, error handlers, and a lifespan that owns the engine."""

from __future__ import annotations

import asyncio
import gc
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from verdigris import __version__
from verdigris.api import errors
from verdigris.api.computed_values import ComputedValues
from verdigris.api.limits import BodyLimit
from verdigris.api.ratelimit import RateLimiter
from verdigris.api.routes import ROUTERS
from verdigris.api.webhook_sender import WebhookSender
from verdigris.api.webhook_sender import stop as stop_sender
from verdigris.clock import Clock, system_clock, system_seconds
from verdigris.config import RateLimit, Settings, database_url
from verdigris.storage.engine import create_db_engine
from verdigris.storage.migrate import upgrade

if TYPE_CHECKING:
    from verdigris.api.sandbox import SandboxOptions

BASE_PATH = "/developer_api/v1"
SERVER_GC_YOUNG = 25_000
"""Tracked objects made (net of those freed) before a server process's young collection:
a page of 200 records keeps about 5,000 alive while it is rendered (decision 0223)."""


class StripTrailingSlash:
    """Serve `/people/3/` as `/people/3`: real Copper clients send both."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and len(path) > 1 and path.endswith("/"):
            scope = {**scope, "path": path.rstrip("/") or "/"}
        await self.app(scope, receive, send)


def create_app(
    settings: Settings, clock: Clock | None = None, sandbox: SandboxOptions | None = None
) -> FastAPI:
    """The API; with `sandbox`, also the admin API and the sandbox's request path
    (api/sandbox), each account on its own clock."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_db_engine(settings.database_url)
        if settings.migrate_on_start:
            upgrade(engine)
        app.state.engine = engine
        app.state.rate_limiter = (
            RateLimiter(engine, settings.rate_limit, app.state.clock_float, settings.lock_wait)
            if settings.rate_limit
            else None
        )
        sender = (
            asyncio.create_task(WebhookSender(engine, settings).run())
            if settings.sender_in_app
            else None
        )
        if settings.server_gc:
            _tune_collector()
        yield
        if sender is not None:
            await stop_sender(sender)
        engine.dispose()

    app = FastAPI(
        title="Verdigris",
        summary="Copper Developer API, self-hosted",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.clock = clock or system_clock
    # Wall-clock seconds: the rate limit window is shared by worker processes.
    app.state.clock_float = clock or system_seconds
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router, prefix=BASE_PATH)
    app.add_middleware(ComputedValues)
    app.add_middleware(StripTrailingSlash)
    app.add_middleware(BodyLimit)
    if sandbox is not None:  # outermost: the journal sees every answer, a 413 included
        _install_sandbox(app, sandbox, clock)
    return app


def _install_sandbox(app: FastAPI, options: SandboxOptions, clock: Clock | None) -> None:
    from verdigris.api import sandbox
    from verdigris.api.sandbox.clock import AccountClock

    account_clock = AccountClock(clock or system_seconds)
    app.state.clock = account_clock
    app.state.clock_float = account_clock.seconds
    sandbox.install(app, options)


def _tune_collector() -> None:
    """The collector of a server process of its own, once it has started (Settings.server_gc).

    Imports and start-up leave about 130,000 objects that live as long as the process;
    each full collection walked them all (55 ms, one request in about a thousand, every
    request of the worker waiting): frozen, no collection walks them (decision 0221).
    A request's objects die with it, mostly by reference counting; at the default
    threshold of 700 a page of 200 records set off six young collections (0.28 ms of a
    5.7 ms search), each walking the page being rendered (decision 0223)."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(SERVER_GC_YOUNG, middle, old)


WORKER_SETTINGS = "VERDIGRIS_WORKER_SETTINGS"
"""The environment variable through which `serve --workers N` hands its settings over."""


def app_from_env() -> Any:
    """uvicorn factory for `verdigris serve --workers N`: the settings `serve` handed over
    in WORKER_SETTINGS; without them, the database and rate limit of the environment."""
    handed = os.environ.get(WORKER_SETTINGS)
    if handed:
        return create_app(Settings.loads(handed))
    limit = os.environ.get("VERDIGRIS_RATE_LIMIT")
    settings = Settings(
        database_url=database_url(os.environ.get("VERDIGRIS_DB")),
        rate_limit=RateLimit.parse(limit) if limit else None,
        migrate_on_start=False,
        server_gc=True,
    )
    return create_app(settings)
