"""A sandbox answer held back for the journal, and the answers faults make."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any

import orjson
from starlette.types import Message, Receive, Scope, Send

from verdigris.storage.events import Change

HANG_CAP = 60.0
"""Seconds a `hang` holds a request at most when the client never gives up."""


GATEWAY_PAGE = (
    "<html><head><title>{status} Bad Gateway</title></head><body><center>"
    "<h1>{status}</h1></center><hr><center>nginx</center></body></html>"
)


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


def describe(entry: dict[str, Any], answer: Captured) -> None:
    """Status, X-PW-TOTAL and the ids an answer shows."""
    total = answer.header(b"x-pw-total")
    entry["total"] = int(total) if total and total.lstrip("-").isdigit() else None
    entry["result_ids"] = result_ids(answer)


def result_ids(answer: Captured) -> list[int] | None:
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


def rewrite_total(answer: Captured, then: dict[str, Any]) -> None:
    total = answer.header(b"x-pw-total")
    if total is None or not total.isdigit():
        return
    value = int(then["set"]) if "set" in then else int(total) + int(then["add"])
    answer.set_header(b"x-pw-total", str(max(0, value)))


def effect_of(change: Change) -> dict[str, Any]:
    return {"type": change.type, "id": change.id, "op": change.event}
