"""A sandbox request read whole: its body, account, rules and journal entry."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.types import Message, Receive, Scope

from verdigris.api.deps import APPLICATION, PRINCIPAL
from verdigris.api.limits import MAX_BODY
from verdigris.api.sandbox.rules import Seen
from verdigris.domain.paging import DEFAULT_PAGE_SIZE
from verdigris.errors import Unauthorized
from verdigris.storage import sandbox_log
from verdigris.storage.accounts import Principal, authenticate, hash_token
from verdigris.storage.engine import Connection, Engine, read
from verdigris.storage.sandbox import Settings, settings_of, settings_of_token

BASE_PATH = "/developer_api/v1"
HIDDEN_HEADERS = frozenset({"x-pw-accesstoken", "authorization", "cookie"})
PAGING_KEYS = ("page_number", "page_size", "sort_by", "sort_direction")
JOURNAL_BODY = 64 * 1024
"""Bodies up to this size are journaled; a larger one as its size only."""


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


async def read_body(receive: Receive) -> bytes:
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


def replayed(body: bytes, then: Receive | None = None) -> Receive:
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


def read_incoming(scope: Scope, body: bytes) -> Incoming:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    path = scope["path"]
    route = "/" + path[len(BASE_PATH) :].strip("/")
    query = parse_query(scope.get("query_string", b""))
    parsed = body_json(body)
    seen = Seen(scope["method"], route, query, match_body(parsed, query),
                headers.get("x-pw-useremail"))  # fmt: skip
    token = headers.get("x-pw-accesstoken")
    return Incoming(scope, body, seen, hash_token(token) if token else None, headers,
                    time.perf_counter())  # fmt: skip


def look_up(engine: Engine, incoming: Incoming) -> None:
    """The caller (left in the scope for `authenticate`, which then reads nothing), its
    account's settings and fault rules: one short read, on the event loop (as
    authentication reads, decision 0001)."""
    if incoming.token_hash is None:
        return
    with read(engine) as conn:
        principal = principal_of(conn, incoming)
        if principal is not None:
            incoming.scope[PRINCIPAL] = principal
            incoming.settings = settings_of(conn, principal.account_id)
        else:  # a 401 to come: journaled in the token's account, if it has one
            incoming.settings = settings_of_token(conn, incoming.token_hash)
        if incoming.settings is not None:
            incoming.rules = sandbox_log.rules(conn, incoming.settings.account_id)


def principal_of(conn: Connection, incoming: Incoming) -> Principal | None:
    headers = incoming.headers
    token, email = headers.get("x-pw-accesstoken"), headers.get("x-pw-useremail")
    if not token or not email or headers.get("x-pw-application") != APPLICATION:
        return None
    try:
        return authenticate(conn, token, email)
    except Unauthorized:
        return None


def parse_query(raw: bytes) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))


def body_json(body: bytes) -> Any:
    if not body.strip():
        return None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return body[:2000].decode("utf-8", "replace")


def match_body(body: Any, query: dict[str, str]) -> Any:
    """The body as Verdigris reads it: paging given in the query counts as in the body."""
    if body is not None and not isinstance(body, dict):
        return body
    merged = dict(body or {})
    for key in PAGING_KEYS:
        if merged.get(key) is None and query.get(key):
            raw = query[key]
            merged[key] = int(raw) if raw.strip().lstrip("-").isdigit() else raw
    return merged


def effective_paging(seen: Seen) -> dict[str, Any] | None:
    if not seen.route.endswith("/search") or not isinstance(seen.body, dict):
        return None
    return {"page_number": seen.body.get("page_number", 1),
            "page_size": seen.body.get("page_size", DEFAULT_PAGE_SIZE)}  # fmt: skip


def journal_entry(incoming: Incoming) -> dict[str, Any]:
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
        "body": body_json(incoming.body)
        if len(incoming.body) <= JOURNAL_BODY
        else {"verdigris_body_bytes": len(incoming.body)},  # fmt: skip
        "paging": effective_paging(seen),
        "effects": [],
        "unmatched": False,
    }
