"""--profile: the same variants through the app in-process, under cProfile.

A server in another process cannot be profiled from here, so this drives the ASGI app
directly (its lifespan included) and prints where the time of the search path goes.
"""

from __future__ import annotations

import asyncio
import cProfile
import pstats
from pathlib import Path

import httpx
import orjson

from bench import Workload
from bench.runner import BASE_PATH, bodies, headers
from bench.values import Values
from verdigris.api.app import create_app
from verdigris.config import Settings

RESULTS = Path(__file__).resolve().parent / "results"


async def _drive(
    dburl: str, workloads: list[Workload], values: Values, repeat: int, seed: int, only: str | None
) -> None:
    app = create_app(Settings(database_url=dburl, migrate_on_start=False))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=transport, base_url="http://bench", headers=headers(values)
        ) as client,
    ):
        for workload in workloads:
            path = f"{BASE_PATH}/{workload.record}/search"
            for variant in workload:
                if only and only not in variant.name:
                    continue
                for body in bodies(variant, values, 20, repeat, seed):
                    await client.post(path, content=orjson.dumps(body))


def profile(
    dburl: str, workloads: list[Workload], values: Values, repeat: int, seed: int, only: str | None
) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "profile.pstats"
    profiler = cProfile.Profile()
    profiler.enable()
    asyncio.run(_drive(dburl, workloads, values, repeat, seed, only))
    profiler.disable()
    profiler.dump_stats(out)
    stats = pstats.Stats(str(out))
    stats.sort_stats("cumulative").print_stats("verdigris", 30)
    stats.sort_stats("tottime").print_stats(25)
    return out
