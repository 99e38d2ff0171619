"""Concurrent clients against `verdigris serve --workers N`, each request its own values.

The client is a minimal HTTP/1.1 keep-alive client on asyncio streams: on a 2-core
machine that shares its cores with the server, a full HTTP library in the load generator
would measure itself. Bounded in time and in requests; talks to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass, field
from random import Random
from typing import Any

import orjson

from bench import Variant, Workload
from bench.runner import BASE_PATH, finish, headers
from bench.stats import summary
from bench.values import Values

PAGE_SIZES = (20, 200)


@dataclass
class LoadResult:
    """Throughput and latency of one mix under concurrent clients."""

    mix: str
    clients: int
    workers: int
    seconds: float
    requests: int
    errors: int
    per_second: float
    latency: dict[str, float]
    by_status: dict[str, int] = field(default_factory=dict)
    first_error: str = ""
    client_cpu: float = 0.0  # share of one core the load generator itself used

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def requests_for(
    workloads: list[Workload], kinds: tuple[str, ...], values: Values, count: int, seed: int
) -> list[bytes]:
    """`count` distinct raw HTTP requests drawn round-robin over the mix's variants."""
    rng = Random(seed)
    pairs: list[tuple[Workload, Variant]] = [
        (w, v) for w in workloads for v in w if v.kind in kinds
    ]
    head = headers(values)
    seen: set[bytes] = set()
    out: list[bytes] = []
    for i in range(count * 3):
        if len(out) >= count:
            break
        workload, variant = pairs[i % len(pairs)]
        body = orjson.dumps(finish(variant.build(values, rng), rng.choice(PAGE_SIZES)))
        request = _request(f"{BASE_PATH}/{workload.record}/search", head, body)
        if request not in seen:
            seen.add(request)
            out.append(request)
    rng.shuffle(out)
    return out


def _request(path: str, head: dict[str, str], body: bytes) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in head.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> int:
    """Send one request, read the whole response; its status code."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    fields = {
        k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:] if ln)
    }
    if "content-length" in fields:
        await reader.readexactly(int(fields["content-length"]))
    elif fields.get("transfer-encoding") == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    return status


async def _client(port: int, queue: list[bytes], deadline: float, out: dict[str, Any]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    while queue and time.perf_counter() < deadline:
        request = queue.pop()
        start = time.perf_counter()
        try:
            status = await _exchange(reader, writer, request)
        except (OSError, asyncio.IncompleteReadError, ValueError) as exc:
            status = 0
            out["first_error"] = out["first_error"] or f"{type(exc).__name__}: {exc}"
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        out["latency"].append((time.perf_counter() - start) * 1000)
        out["status"][status] = out["status"].get(status, 0) + 1
    writer.close()


async def _drive(
    port: int, requests: list[bytes], clients: int, seconds: float
) -> tuple[dict[str, Any], float]:
    out: dict[str, Any] = {"latency": [], "status": {}, "first_error": ""}
    start = time.perf_counter()
    tasks = [_client(port, requests, start + seconds, out) for _ in range(clients)]
    await asyncio.gather(*tasks)
    return out, time.perf_counter() - start


def run_load(
    mix: str, port: int, requests: list[bytes], clients: int, workers: int, seconds: float
) -> LoadResult:
    queue = list(requests)
    asyncio.run(_drive(port, queue[: clients * 4], clients, 3.0))  # warm-up, not counted
    cpu = time.process_time()
    out, elapsed = asyncio.run(_drive(port, queue[clients * 4 :], clients, seconds))
    cpu = (time.process_time() - cpu) / elapsed
    done = sum(out["status"].values())
    errors = done - out["status"].get(200, 0)
    return LoadResult(
        mix,
        clients,
        workers,
        round(elapsed, 2),
        done,
        errors,
        round(done / elapsed, 1),
        summary(out["latency"]),
        {str(k): v for k, v in out["status"].items()},
        out["first_error"],
        round(cpu, 2),
    )
