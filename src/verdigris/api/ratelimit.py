"""Rolling-window rate limit per token (issue 5 makes it hold across workers)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from verdigris.config import RateLimit


class RateLimiter:
    def __init__(self, engine: Engine, limit: RateLimit, clock: Callable[[], float]) -> None:
        self.engine = engine
        self.limit = limit
        self.clock = clock

    def check(self, token_hash: str) -> None:
        """Raise RateLimited when `token_hash` is over its limit."""
        return
