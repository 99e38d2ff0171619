"""`mock_copper()`: a fresh sandbox account with the Copper hosts redirected to it, as a
context manager or a decorator, for code outside pytest."""

from __future__ import annotations

import atexit
import functools
import inspect
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, TypeVar

from verdigris.testing.sandbox import CopperSandbox
from verdigris.testing.server import SandboxServer, connect, start_sandbox

F = TypeVar("F", bound=Callable[..., Any])
_shared: SandboxServer | None = None
_lock = threading.Lock()


def shared_server() -> SandboxServer:
    """The process's sandbox: `VERDIGRIS_URL` (with `VERDIGRIS_ADMIN_TOKEN`) when set,
    else one started on first use and stopped at exit."""
    global _shared
    with _lock:
        if _shared is None:
            url = os.environ.get("VERDIGRIS_URL")
            if url:
                _shared = connect(url, os.environ.get("VERDIGRIS_ADMIN_TOKEN", ""))
            else:
                _shared = start_sandbox()
                atexit.register(_shared.stop)
        return _shared


class mock_copper:  # noqa: N801 - named like the context managers it stands beside
    """`with mock_copper() as copper:` or `@mock_copper()`: a new account cloned from
    `template`, the Copper hosts redirected to it (`redirect=False` to only get the
    account), deleted afterwards. A decorated function that takes a `copper` parameter
    receives the sandbox."""

    def __init__(
        self,
        template: str | None = "demo",
        redirect: bool = True,
        credentials: str = "pass",
        server: SandboxServer | None = None,
    ) -> None:
        self.template = template
        self.redirect = redirect
        self.credentials = credentials
        self.server = server
        self._stack: list[ExitStack] = []

    @contextmanager
    def _session(self) -> Iterator[CopperSandbox]:
        server = self.server or shared_server()
        sandbox = server.new_account(self.template)
        try:
            if self.redirect:
                with sandbox.redirect(self.credentials):
                    yield sandbox
            else:
                yield sandbox
        finally:
            sandbox.delete()

    def __enter__(self) -> CopperSandbox:
        stack = ExitStack()
        sandbox = stack.enter_context(self._session())
        self._stack.append(stack)
        return sandbox

    def __exit__(self, *exc: object) -> None:
        self._stack.pop().close()

    def __call__(self, func: F) -> F:
        wants = "copper" in inspect.signature(func).parameters
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with self._session() as sandbox:
                    if wants:
                        kwargs["copper"] = sandbox
                    return await func(*args, **kwargs)

            return run_async  # type: ignore[return-value]

        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            with self._session() as sandbox:
                if wants:
                    kwargs["copper"] = sandbox
                return func(*args, **kwargs)

        return run  # type: ignore[return-value]
