"""Rolling-window rate limit per token (Copper: 180 requests per 60 s), off by default.

The window lives in the database (storage.ratelimits), so it holds across all uvicorn
worker processes; one small locked row per token keeps the cost at three statements.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine

from verdigris.config import RateLimit
from verdigris.errors import RateLimited
from verdigris.storage.engine import write
from verdigris.storage.ratelimits import record_hit


class RateLimiter:
    def __init__(self, engine: Engine, limit: RateLimit, clock: Callable[[], float]) -> None:
        self.engine = engine
        self.limit = limit
        self.clock = clock

    def check(self, token_hash: str) -> None:
        """Count a request of `token_hash`, or raise RateLimited (not counted) when the
        window is full, with Retry-After = whole seconds until its oldest hit leaves."""
        with write(self.engine) as conn:
            retry_after = record_hit(conn, token_hash, self.clock(), self.limit)
        if retry_after is not None:
            limit = self.limit
            raise RateLimited(
                f"rate limit of {limit.requests} requests per {limit.seconds:g} seconds "
                f"exceeded; retry after {retry_after} seconds",
                retry_after,
            )
