"""Apply `?custom_field_computed_values=true` to any answer carrying records.

One middleware instead of a line in every route: get, create, update, search, upsert,
convert and fetch-by-email all answer records, and routes added later are covered too.
It acts only when the flag is given and the answer is a successful JSON body."""

from __future__ import annotations

from urllib.parse import parse_qs

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from verdigris.render.computed_values import with_computed_values
from verdigris.storage.engine import read
from verdigris.storage.records import custom_field_definitions

FLAG = "custom_field_computed_values"
ACCOUNT = "verdigris_account"
"""Where authentication leaves the account id in the request's state."""


def wanted(scope: Scope) -> bool:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return any(value.strip().lower() == "true" for value in query.get(FLAG, []))


class ComputedValues:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not wanted(scope):
            await self.app(scope, receive, send)
            return
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await self.app(scope, receive, hold)
        for message in await _rewritten(scope, held):
            await send(message)


async def _rewritten(scope: Scope, held: list[Message]) -> list[Message]:
    start, parts = held[0], held[1:]
    account = scope.get("state", {}).get(ACCOUNT)
    if start.get("status") != 200 or account is None:
        return held
    body = b"".join(m.get("body", b"") for m in parts if m["type"] == "http.response.body")
    try:
        content = orjson.loads(body)
    except orjson.JSONDecodeError:
        return held
    with read(scope["app"].state.engine) as conn:
        definitions = {d.id: d for d in custom_field_definitions(conn, account)}
    new_body = orjson.dumps(with_computed_values(content, definitions))
    headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(new_body)).encode()))
    return [{**start, "headers": headers}, {"type": "http.response.body", "body": new_body}]
