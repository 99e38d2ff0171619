"""Sandbox mode's request path: every request to /developer_api/v1 is checked against its
account's rate limit and fault rules, run with its account's clock, and written to its
account's journal before the answer leaves. Installed by `create_app(..., sandbox=...)`
only: `verdigris serve` never runs any of it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import orjson
from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from verdigris.api.deps import APPLICATION, PRINCIPAL
from verdigris.api.limits import MAX_BODY
from verdigris.api.sandbox.clock import CURRENT
from verdigris.api.sandbox.rules import TERMINAL, Seen, fires, matches
from verdigris.config import RateLimit
from verdigris.domain.paging import DEFAULT_PAGE_SIZE
from verdigris.errors import Unauthorized
from verdigris.storage import sandbox_log
from verdigris.storage.accounts import Principal, authenticate, hash_token
from verdigris.storage.engine import Connection, Engine, read, run_write
from verdigris.storage.events import Change, collecting
from verdigris.storage.ratelimits import record_hit
from verdigris.storage.sandbox import Settings, settings_of, settings_of_token

BASE_PATH = "/developer_api/v1"
HIDDEN_HEADERS = frozenset({"x-pw-accesstoken", "authorization", "cookie"})
PAGING_KEYS = ("page_number", "page_size", "sort_by", "sort_direction")
JOURNAL_BODY = 64 * 1024
"""Bodies up to this size are journaled; a larger one as its size only."""
HANG_CAP = 60.0
"""Seconds a `hang` holds a request at most when the client never gives up."""


@dataclass(frozen=True)
class SandboxOptions:
    """What `create_app(settings, sandbox=...)` needs to run in sandbox mode."""

    admin_token: str
    journal_limit: int = 10_000
    templates: tuple[str, ...] = ()


@dataclass
class Captured:
    """A response held back until the journal has it."""

    status: int = 0
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytearray = field(default_factory=bytearray)

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")

    def header(self, name: bytes) -> str | None:
        return next((v.decode() for k, v in self.headers if k.lower() == name), None)

    def set_header(self, name: bytes, value: str) -> None:
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name]
        self.headers.append((name, value.encode()))

    async def replay(self, send: Send) -> None:
        headers = [(k, v) for k, v in self.headers if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(self.body)).encode()))
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": bytes(self.body)})


@dataclass
class Incoming:
    """One request to the Copper API, read whole."""

    scope: Scope
    body: bytes
    seen: Seen
    token_hash: str | None
    headers: dict[str, str]
    started: float
    settings: Settings | None = None
    rules: list[sandbox_log.StoredRule] = field(default_factory=list)

    @property
    def account_id(self) -> int:
        return 0 if self.settings is None else self.settings.account_id


class SandboxMiddleware:
    def __init__(self, app: ASGIApp, options: SandboxOptions) -> None:
        self.app = app
        self.options = options

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(BASE_PATH):
            await self.app(scope, receive, send)
            return
        incoming = _incoming(scope, await _read_body(receive))
        state = scope["app"].state
        _lookup(state.engine, incoming)
        token = CURRENT.set(incoming.settings)
        try:
            await self._serve(state, incoming, receive, send)
        finally:
            CURRENT.reset(token)

    async def _serve(self, state: Any, incoming: Incoming, receive: Receive, send: Send) -> None:
        entry = _entry(incoming)
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
            await self.app(incoming.scope, _replay(incoming.body), answer.send)
        # The router leaves the endpoint it chose in the scope: none, a route we do not serve.
        entry["unmatched"] = "endpoint" not in incoming.scope
        for then in (t for t in interleaves if t.get("when") == "after"):
            effects += await self._interleave(incoming, then)
        entry["effects"] = [_effect(change) for _, change in changes]
        if interleaves:
            entry["interleaved"] = effects
        for then in (r["then"] for r in fired if r["then"]["type"] == "total"):
            _rewrite_total(answer, then)
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
            _describe(entry, answer)
            await self._journal(state, incoming, entry, Captured(0))
            await drop(incoming.scope, channel[0], channel[1], terminal["drop"], answer)
            return
        failure = status_answer({"status": 504, **terminal, "type": "status"})
        await self._finish(state, incoming, entry, failure, channel[1])

    async def _finish(self, state: Any, incoming: Incoming, entry: dict[str, Any],
                      answer: Captured, send: Send) -> None:  # fmt: skip
        _describe(entry, answer)
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
                await self.app(scope, _replay(body), captured.send)
            done.append({"method": scope["method"], "path": scope["path"],
                         "status": captured.status,
                         "effects": [_effect(c) for _, c in changes]})  # fmt: skip
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


async def _read_body(receive: Receive) -> bytes:
    """The body, kept up to one byte past the API's limit (the app then answers 413)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        if size <= MAX_BODY:
            chunks.append(chunk[: MAX_BODY + 1 - size])
            size += len(chunks[-1])
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, then: Receive | None = None) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        if then is not None:
            return await then()
        await asyncio.Event().wait()  # nothing more: wait to be cancelled
        return {"type": "http.disconnect"}  # pragma: no cover

    return receive


def _incoming(scope: Scope, body: bytes) -> Incoming:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    path = scope["path"]
    route = "/" + path[len(BASE_PATH) :].strip("/")
    query = _query(scope.get("query_string", b""))
    parsed = _json(body)
    seen = Seen(scope["method"], route, query, _match_body(parsed, query),
                headers.get("x-pw-useremail"))  # fmt: skip
    token = headers.get("x-pw-accesstoken")
    return Incoming(scope, body, seen, hash_token(token) if token else None, headers,
                    time.perf_counter())  # fmt: skip


def _lookup(engine: Engine, incoming: Incoming) -> None:
    """The caller (left in the scope for `authenticate`, which then reads nothing), its
    account's settings and fault rules: one short read, on the event loop (as
    authentication reads, decision 0001)."""
    if incoming.token_hash is None:
        return
    with read(engine) as conn:
        principal = _principal(conn, incoming)
        if principal is not None:
            incoming.scope[PRINCIPAL] = principal
            incoming.settings = settings_of(conn, principal.account_id)
        else:  # a 401 to come: journaled in the token's account, if it has one
            incoming.settings = settings_of_token(conn, incoming.token_hash)
        if incoming.settings is not None:
            incoming.rules = sandbox_log.rules(conn, incoming.settings.account_id)


def _principal(conn: Connection, incoming: Incoming) -> Principal | None:
    headers = incoming.headers
    token, email = headers.get("x-pw-accesstoken"), headers.get("x-pw-useremail")
    if not token or not email or headers.get("x-pw-application") != APPLICATION:
        return None
    try:
        return authenticate(conn, token, email)
    except Unauthorized:
        return None


def _query(raw: bytes) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))


def _json(body: bytes) -> Any:
    if not body.strip():
        return None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return body[:2000].decode("utf-8", "replace")


def _match_body(body: Any, query: dict[str, str]) -> Any:
    """The body as Verdigris reads it: paging given in the query counts as in the body."""
    if body is not None and not isinstance(body, dict):
        return body
    merged = dict(body or {})
    for key in PAGING_KEYS:
        if merged.get(key) is None and query.get(key):
            raw = query[key]
            merged[key] = int(raw) if raw.strip().lstrip("-").isdigit() else raw
    return merged


def _paging(seen: Seen) -> dict[str, Any] | None:
    if not seen.route.endswith("/search") or not isinstance(seen.body, dict):
        return None
    return {"page_number": seen.body.get("page_number", 1),
            "page_size": seen.body.get("page_size", DEFAULT_PAGE_SIZE)}  # fmt: skip


def _entry(incoming: Incoming) -> dict[str, Any]:
    seen, scope = incoming.seen, incoming.scope
    headers = {k: v for k, v in incoming.headers.items() if k not in HIDDEN_HEADERS}
    return {
        "at": time.time(),
        "account_id": incoming.account_id,
        "user_email": seen.user_email,
        "token": None if incoming.token_hash is None else "sha256:" + incoming.token_hash[:8],
        "method": seen.method,
        "path": scope["path"],
        "route": seen.route,
        "original_url": incoming.headers.get("x-verdigris-original-url"),
        "query": seen.query,
        "headers": headers,
        "body": _json(incoming.body)
        if len(incoming.body) <= JOURNAL_BODY
        else {"verdigris_body_bytes": len(incoming.body)},  # fmt: skip
        "paging": _paging(seen),
        "effects": [],
        "unmatched": False,
    }


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


GATEWAY_PAGE = (
    "<html><head><title>{status} Bad Gateway</title></head><body><center>"
    "<h1>{status}</h1></center><hr><center>nginx</center></body></html>"
)


def status_answer(then: dict[str, Any]) -> Captured:
    """An error answer without touching data: Copper's error body, a gateway's HTML page,
    nothing, or the JSON given."""
    status = int(then.get("status", 503))
    body = then.get("body", "copper")
    headers: list[tuple[bytes, bytes]] = []
    if body == "html":
        content, kind = GATEWAY_PAGE.format(status=status).encode(), b"text/html"
    elif body == "empty":
        content, kind = b"", b"text/plain"
    elif body == "copper":
        message = then.get("message") or f"injected fault: status {status}"
        content = orjson.dumps({"success": False, "status": status, "message": message})
        kind = b"application/json"
    else:
        content, kind = orjson.dumps(body), b"application/json"
    headers.append((b"content-type", kind))
    if then.get("retry_after") is not None:
        headers.append((b"retry-after", str(int(then["retry_after"])).encode()))
    for name, value in (then.get("headers") or {}).items():
        headers.append((str(name).lower().encode(), str(value).encode()))
    return Captured(status, headers, bytearray(content))


async def drop(
    scope: Scope, receive: Receive, send: Send, how: str, answer: Captured | None
) -> None:
    """A network failure: `close` sends no byte, `truncate` the headers and half the
    body, `hang` nothing until the client gives up (at most HANG_CAP seconds)."""
    transport = scope.get("verdigris.transport")
    if how == "hang":
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(receive(), HANG_CAP)
    elif how == "truncate":
        body = bytes(answer.body) if answer is not None else b'{"id": 1, "name": "' + b"x" * 64
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body) * 2).encode())]})  # fmt: skip
        await send({"type": "http.response.body", "body": body[: max(1, len(body) // 2)],
                    "more_body": True})  # fmt: skip
    if transport is not None:
        transport.abort()
        return
    raise ConnectionAbortedError(f"injected fault: drop {how}")


def _describe(entry: dict[str, Any], answer: Captured) -> None:
    """Status, X-PW-TOTAL and the ids an answer shows."""
    total = answer.header(b"x-pw-total")
    entry["total"] = int(total) if total and total.lstrip("-").isdigit() else None
    entry["result_ids"] = _result_ids(answer)


def _result_ids(answer: Captured) -> list[int] | None:
    if not answer.body or answer.status >= 400 or bytes(answer.body[:1]) not in (b"[", b"{"):
        return None
    try:
        value = orjson.loads(answer.body)
    except orjson.JSONDecodeError:
        return None
    if isinstance(value, dict):
        return [value["id"]] if isinstance(value.get("id"), int) else None
    if isinstance(value, list):
        return [v["id"] for v in value if isinstance(v, dict) and isinstance(v.get("id"), int)]
    return None


def _rewrite_total(answer: Captured, then: dict[str, Any]) -> None:
    total = answer.header(b"x-pw-total")
    if total is None or not total.isdigit():
        return
    value = int(then["set"]) if "set" in then else int(total) + int(then["add"])
    answer.set_header(b"x-pw-total", str(max(0, value)))


def _effect(change: Change) -> dict[str, Any]:
    return {"type": change.type, "id": change.id, "op": change.event}


def _inner_scope(scope: Scope, method: str, path: str, body: bytes) -> Scope:
    path = BASE_PATH + "/" + path.lstrip("/") if not path.startswith(BASE_PATH) else path
    keep = [(k, v) for k, v in scope["headers"] if k.lower() not in (b"content-length",)]
    keep.append((b"content-length", str(len(body)).encode()))
    return {**scope, "method": method.upper(), "path": path, "raw_path": path.encode(),
            "query_string": b"", "headers": keep}  # fmt: skip
