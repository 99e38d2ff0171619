"""Rolling-window rate limit per token (Copper: 180 requests per 60 s), off by default.

The window lives in the database (storage.ratelimits), so it holds across all uvicorn
worker processes; one small locked row per token keeps the cost at three statements,
run off the event loop like every write (decision 0005).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from anyio import to_thread

from verdigris.config import RateLimit
from verdigris.errors import RateLimited
from verdigris.storage.engine import Engine, run_write
from verdigris.storage.ratelimits import record_hit


class RateLimiter:
    def __init__(
        self, engine: Engine, limit: RateLimit, clock: Callable[[], float], lock_wait: float
    ) -> None:
        self.engine = engine
        self.limit = limit
        self.clock = clock
        self.lock_wait = lock_wait

    async def check(self, token_hash: str) -> None:
        """Count a request of `token_hash`, or raise RateLimited (not counted) when the
        window is full, with Retry-After = whole seconds until its oldest hit leaves."""
        hit = partial(record_hit, token_hash=token_hash, now=self.clock(), limit=self.limit)
        run = partial(run_write, self.engine, hit, self.lock_wait)
        retry_after = await to_thread.run_sync(run)
        if retry_after is not None:
            limit = self.limit
            raise RateLimited(
                f"rate limit of {limit.requests} requests per {limit.seconds:g} seconds "
                f"exceeded; retry after {retry_after} seconds",
                retry_after,
            )
