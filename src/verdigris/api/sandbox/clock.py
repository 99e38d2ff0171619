"""The per-account clock of sandbox mode: each request runs with its account's settings
in a context variable, and the app's clock reads them (frozen, or real time plus an
offset), so parallel tests in different accounts keep independent times."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from verdigris.clock import system_seconds
from verdigris.storage.sandbox import Settings

CURRENT: ContextVar[Settings | None] = ContextVar("verdigris_sandbox_account", default=None)


class AccountClock:
    """Unix seconds as the current request's account sees them."""

    def __init__(self, base: Callable[[], float] = system_seconds) -> None:
        self.base = base

    def seconds(self) -> float:
        settings = CURRENT.get()
        real = float(self.base())
        return real if settings is None else settings.now(real)

    def __call__(self) -> int:
        return int(self.seconds())
