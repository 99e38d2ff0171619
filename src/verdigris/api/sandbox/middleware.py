"""Sandbox mode's request path: every request to /developer_api/v1 is checked against its
account's rate limit and fault rules, run with its account's clock, and written to its
account's journal before the answer leaves. Installed by `create_app(..., sandbox=...)`
only: `verdigris serve` never runs any of it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import orjson
from anyio import to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from verdigris.api.sandbox.answers import (
    Captured,
    describe,
    drop,
    effect_of,
    rewrite_total,
    status_answer,
)
from verdigris.api.sandbox.clock import CURRENT
from verdigris.api.sandbox.incoming import (
    BASE_PATH,
    Incoming,
    journal_entry,
    look_up,
    read_body,
    read_incoming,
    replayed,
)
from verdigris.api.sandbox.rules import TERMINAL, fires, matches
from verdigris.config import RateLimit
from verdigris.storage import sandbox_log
from verdigris.storage.engine import Connection, run_write
from verdigris.storage.events import collecting
from verdigris.storage.ratelimits import record_hit


@dataclass(frozen=True)
class SandboxOptions:
    """What `create_app(settings, sandbox=...)` needs to run in sandbox mode."""

    admin_token: str
    journal_limit: int = 10_000
    templates: tuple[str, ...] = ()


class SandboxMiddleware:
    def __init__(self, app: ASGIApp, options: SandboxOptions) -> None:
        self.app = app
        self.options = options

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(BASE_PATH):
            await self.app(scope, receive, send)
            return
        incoming = read_incoming(scope, await read_body(receive))
        state = scope["app"].state
        look_up(state.engine, incoming)
        token = CURRENT.set(incoming.settings)
        try:
            await self._serve(state, incoming, receive, send)
        finally:
            CURRENT.reset(token)

    async def _serve(self, state: Any, incoming: Incoming, receive: Receive, send: Send) -> None:
        entry = journal_entry(incoming)
        limited = await _rate_limited(state, incoming)
        if limited is not None:
            entry["fault"] = "rate-limit"
            await self._finish(state, incoming, entry, limited, send)
            return
        fired = await _fired_rules(state, incoming)
        entry["fault"] = ",".join(r["id"] for r in fired) or None
        delay = sum(float(r["then"]["ms"]) for r in fired if r["then"]["type"] == "delay")
        if delay:
            await asyncio.sleep(delay / 1000)
        terminal = next((r["then"] for r in fired if r["then"]["type"] in TERMINAL), None)
        if terminal is not None and terminal["type"] == "status":
            await self._finish(state, incoming, entry, status_answer(terminal), send)
            return
        if terminal is not None and terminal["type"] == "drop":
            await self._journal(state, incoming, entry, Captured(0))
            await drop(incoming.scope, receive, send, terminal.get("how", "close"), None)
            return
        answer = await self._run(incoming, fired, entry)
        await self._answer(state, incoming, entry, answer, terminal, (receive, send))

    async def _run(self, incoming: Incoming, fired: list[dict[str, Any]], entry: dict[str, Any]
                   ) -> Captured:  # fmt: skip
        interleaves = [r["then"] for r in fired if r["then"]["type"] == "interleave"]
        effects: list[dict[str, Any]] = []
        for then in (t for t in interleaves if t.get("when", "before") == "before"):
            effects += await self._interleave(incoming, then)
        answer = Captured()
        with collecting() as changes:
            await self.app(incoming.scope, replayed(incoming.body), answer.send)
        # The router leaves the endpoint it chose in the scope: none, a route we do not serve.
        entry["unmatched"] = "endpoint" not in incoming.scope
        for then in (t for t in interleaves if t.get("when") == "after"):
            effects += await self._interleave(incoming, then)
        entry["effects"] = [effect_of(change) for _, change in changes]
        if interleaves:
            entry["interleaved"] = effects
        for then in (r["then"] for r in fired if r["then"]["type"] == "total"):
            rewrite_total(answer, then)
        return answer

    async def _answer(self, state: Any, incoming: Incoming, entry: dict[str, Any],
                      answer: Captured, terminal: dict[str, Any] | None,
                      channel: tuple[Receive, Send]) -> None:  # fmt: skip
        """The app's answer, or (commit_then_fail) the failure the client sees instead."""
        if terminal is None:
            await self._finish(state, incoming, entry, answer, channel[1])
            return
        entry["committed_status"] = answer.status
        if terminal.get("drop"):
            describe(entry, answer)
            await self._journal(state, incoming, entry, Captured(0))
            await drop(incoming.scope, channel[0], channel[1], terminal["drop"], answer)
            return
        failure = status_answer({"status": 504, **terminal, "type": "status"})
        await self._finish(state, incoming, entry, failure, channel[1])

    async def _finish(self, state: Any, incoming: Incoming, entry: dict[str, Any],
                      answer: Captured, send: Send) -> None:  # fmt: skip
        describe(entry, answer)
        entry["status"] = answer.status
        entry["duration_ms"] = round((time.perf_counter() - incoming.started) * 1000, 3)
        # The entry's place is taken before the answer leaves, and written after it (the
        # client does not wait for it); journal reads in this process wait (`settled`).
        turn = _take_turn(state)
        await answer.replay(send)
        await self._journal(state, incoming, entry, answer, turn)

    async def _journal(self, state: Any, incoming: Incoming, entry: dict[str, Any],
                       answer: Captured, turn: Turn | None = None) -> None:  # fmt: skip
        entry.setdefault("status", answer.status)
        entry.setdefault("duration_ms", round((time.perf_counter() - incoming.started) * 1000, 3))
        work = partial(sandbox_log.append, account_id=incoming.account_id, entry=entry,
                       limit=self.options.journal_limit)  # fmt: skip
        previous, mine = turn or _take_turn(state)
        try:
            if previous is not None:
                await asyncio.shield(previous)  # entries in the order answers left
            await _write(state, work)
        finally:
            mine.set_result(None)
            state.journal_in_flight.discard(mine)

    async def _interleave(self, incoming: Incoming, then: dict[str, Any]) -> list[dict[str, Any]]:
        """Run `then.requests` as the same user, through the app; their effects."""
        done: list[dict[str, Any]] = []
        for item in then["requests"]:
            body = orjson.dumps(item.get("body") or {})
            scope = _inner_scope(incoming.scope, item.get("method", "POST"), item["path"], body)
            captured = Captured()
            with collecting() as changes:
                await self.app(scope, replayed(body), captured.send)
            done.append({"method": scope["method"], "path": scope["path"],
                         "status": captured.status,
                         "effects": [effect_of(c) for _, c in changes]})  # fmt: skip
        return done


Turn = tuple["asyncio.Future[None] | None", "asyncio.Future[None]"]


def _take_turn(state: Any) -> Turn:
    """This entry's place in the journal: after the entry before it."""
    previous = state.journal_tail
    mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    state.journal_tail = mine
    state.journal_in_flight.add(mine)
    return (previous if previous is not None and not previous.done() else None), mine


async def settled(state: Any) -> None:
    """Wait for the journal entries this process is still writing."""
    if state.journal_in_flight:
        await asyncio.gather(*list(state.journal_in_flight))


async def _write(state: Any, work: Callable[[Connection], Any]) -> Any:
    run = partial(run_write, state.engine, work, state.settings.lock_wait)
    return await to_thread.run_sync(run)


# -- Reading the request --------------------------------------------------------------------


# -- Rate limit and faults ------------------------------------------------------------------


async def _rate_limited(state: Any, incoming: Incoming) -> Captured | None:
    settings = incoming.settings
    if settings is None or not settings.rate_requests or incoming.token_hash is None:
        return None
    limit = RateLimit(settings.rate_requests, settings.rate_seconds or 60.0)
    now = settings.now(state.clock.base())
    work = partial(record_hit, token_hash=incoming.token_hash, now=now, limit=limit)
    retry_after = await _write(state, work)
    if retry_after is None:
        return None
    message = (f"rate limit of {limit.requests} requests per {limit.seconds:g} seconds "
               f"exceeded; retry after {retry_after} seconds")  # fmt: skip
    then = {"status": 429, "message": message,
            "retry_after": retry_after if settings.rate_retry_after else None}  # fmt: skip
    return status_answer(then)


async def _fired_rules(state: Any, incoming: Incoming) -> list[dict[str, Any]]:
    """The rules that fire on this request, counted atomically in one write; evaluation
    stops at the first terminal action."""
    candidates = [r for r in incoming.rules if matches(r.rule["match"], incoming.seen)]
    if not candidates:
        return []

    def count(conn: Connection) -> list[dict[str, Any]]:
        fired: list[dict[str, Any]] = []
        for stored in candidates:
            rule = stored.rule
            if sandbox_log.count_match(conn, stored.id, partial(fires, rule)):
                fired.append(rule)
                if rule["then"]["type"] in TERMINAL:
                    break
        return fired

    result: list[dict[str, Any]] = await _write(state, count)
    return result


def _inner_scope(scope: Scope, method: str, path: str, body: bytes) -> Scope:
    path = BASE_PATH + "/" + path.lstrip("/") if not path.startswith(BASE_PATH) else path
    keep = [(k, v) for k, v in scope["headers"] if k.lower() not in (b"content-length",)]
    keep.append((b"content-length", str(len(body)).encode()))
    return {**scope, "method": method.upper(), "path": path, "raw_path": path.encode(),
            "query_string": b"", "headers": keep}  # fmt: skip
