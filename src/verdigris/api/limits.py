"""Refuse an oversized request body before any route sees the request.

A route that ignores its body (`POST /people/{id}/follow`) would otherwise act on a
request it should refuse; checking here makes the limit hold for every route, present
and future. The body is read in full (at most `MAX_BODY` bytes) before the app runs,
then replayed to it, so nothing happens for a request that ends up too large.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from verdigris.api.errors import error_response

MAX_BODY = 1024 * 1024
_TOO_LARGE = f"request body over {MAX_BODY} bytes"


class BodyLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > MAX_BODY:
            await error_response(413, _TOO_LARGE)(scope, receive, send)
            return
        messages = await _read_within_limit(receive)
        if messages is None:
            await error_response(413, _TOO_LARGE)(scope, receive, send)
            return
        await self.app(scope, _replay(messages, receive), send)


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


async def _read_within_limit(receive: Receive) -> list[Message] | None:
    """Every message of the body, or None once it passes the limit."""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages
        size += len(message.get("body", b""))
        if size > MAX_BODY:
            return None
        if not message.get("more_body", False):
            return messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        # After the body, pass on what the server sends next (a disconnect).
        return pending.pop(0) if pending else await receive()

    return replayed
