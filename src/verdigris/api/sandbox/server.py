"""Running the sandbox: one uvicorn server on a socket bound before it starts (port 0
is chosen by the OS, so there is no find-a-free-port race), a ready line once it
answers, and a stop on SIGTERM, SIGINT or (with exit_with_parent) standard input's end."""

from __future__ import annotations

import asyncio
import http.client
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from verdigris.config import Settings


class SandboxProtocol(HttpToolsProtocol):
    """uvicorn's HTTP protocol, with the connection's transport in the request scope so
    that a `drop` fault can close it without sending a byte."""

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self.scope["verdigris.transport"] = self.transport  # type: ignore[typeddict-unknown-key]


class SandboxServer(uvicorn.Server):
    """uvicorn's server, stopping on SIGTERM or SIGINT with exit status 0 (uvicorn raises
    the signal again after its shutdown, which a test runner reads as a crash)."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        def stop(_signum: int, _frame: Any) -> None:
            self.should_exit = True

        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP given: asyncio sets TCP_NODELAY on accepted sockets only when their
    # proto says TCP (proto 0 would leave Nagle on: a 40 ms wait on every answer).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def run(app: Any, sock: socket.socket, on_ready: Callable[[], None],
        exit_with_parent: bool, access_log: bool = False) -> None:  # fmt: skip
    config = uvicorn.Config(app, http=SandboxProtocol, lifespan="on", access_log=access_log,
                            log_level="warning", timeout_graceful_shutdown=2)  # fmt: skip
    server = SandboxServer(config)
    if exit_with_parent:
        _stop_on_stdin_end(lambda: setattr(server, "should_exit", True))
    # The event loop `verdigris serve` runs on (uvloop where installed).
    with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
        runner.run(_serve(server, sock, on_ready))


async def _serve(server: uvicorn.Server, sock: socket.socket, on_ready: Callable[[], None]) -> None:
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            await task  # it failed to start: raise its error
            return
        await asyncio.sleep(0.005)
    on_ready()
    await task


def _stop_on_stdin_end(stop: Callable[[], None]) -> None:
    def wait() -> None:
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except (OSError, ValueError):
            pass
        stop()

    threading.Thread(target=wait, name="verdigris-exit-with-parent", daemon=True).start()


# -- Several worker processes ---------------------------------------------------------------

ENV_ADMIN_TOKEN = "VERDIGRIS_SANDBOX_ADMIN_TOKEN"
ENV_JOURNAL_LIMIT = "VERDIGRIS_SANDBOX_JOURNAL_LIMIT"


def app_from_env() -> Any:
    """uvicorn factory of each worker of `verdigris sandbox --workers N`."""
    from verdigris.api.app import create_app
    from verdigris.api.sandbox import SandboxOptions
    from verdigris.config import database_url

    options = SandboxOptions(os.environ[ENV_ADMIN_TOKEN],
                             int(os.environ.get(ENV_JOURNAL_LIMIT, "10000")))  # fmt: skip
    settings = sandbox_settings(database_url(os.environ["VERDIGRIS_DB"]))
    return create_app(settings, sandbox=options)


def sandbox_settings(url: str) -> Settings:
    """The settings of `verdigris sandbox`, one process or each of its workers: http://
    webhook targets accepted (a test's own receiver), the collector of a server process
    of its own (decisions 0221, 0223)."""
    return Settings(database_url=url, migrate_on_start=False, webhooks_allow_http=True,
                    server_gc=True)  # fmt: skip


def run_workers(env: dict[str, str], workers: int, sock: socket.socket, url: str,
                on_ready: Callable[[], None], exit_with_parent: bool) -> None:  # fmt: skip
    """`workers` processes on the one socket (uvicorn's supervisor); ready once one of
    them answers. Counters, journal and clocks are shared through the database."""
    from uvicorn.supervisors import Multiprocess

    os.environ.update(env)
    config = uvicorn.Config("verdigris.api.sandbox.server:app_from_env", factory=True,
                            workers=workers, http=SandboxProtocol, log_level="warning",
                            access_log=False, timeout_graceful_shutdown=2)  # fmt: skip
    supervisor = Multiprocess(config, sockets=[sock])
    threading.Thread(target=_ready_when_up, args=(url, on_ready), daemon=True).start()
    if exit_with_parent:
        _stop_on_stdin_end(supervisor.should_exit.set)
    supervisor.run()


def _ready_when_up(url: str, on_ready: Callable[[], None]) -> None:
    parts = urlsplit(url)
    while True:
        try:
            conn = http.client.HTTPConnection(parts.hostname or "", parts.port or 80, timeout=1)
            conn.request("GET", "/_verdigris/health")
            if conn.getresponse().status == 200:
                on_ready()
                return
        except OSError:
            time.sleep(0.02)
