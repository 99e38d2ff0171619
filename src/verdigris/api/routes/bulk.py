"""Copper's bulk routes (SPEC.md 7, copper-surface 7): `POST /{people,leads,companies}/
bulk_create` and `bulk_update`, `POST /activities/bulk_create`.

Items are applied in one transaction (decision 0703): a bulk create checks every item,
then stores the good ones together (writes.create_records); a bulk update applies each
in its own savepoint. A bad item changes nothing and is answered in its place as
`{"success": false, "message": {field: [{"error": ...}]}}` (with its `id` on updates);
the others are kept. More items than
the limit (Copper: 10; `serve --bulk-limit`) is `422 {"error": ...}` and changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import orjson
from fastapi import APIRouter
from fastapi.responses import Response

from verdigris.api import openapi
from verdigris.api.deps import Auth, Body, Context, json_response
from verdigris.domain.declarations import declaration
from verdigris.domain.types import Record, RecordType
from verdigris.errors import BadRequest, VerdigrisError
from verdigris.parsing import values as v
from verdigris.parsing.activities import parse_activity
from verdigris.parsing.records import Changes, parse_changes
from verdigris.storage import activities, writes
from verdigris.storage.batch_create import create_records
from verdigris.storage.engine import Connection
from verdigris.storage.records import custom_field_definitions

router = APIRouter(tags=["bulk"])
Apply = Callable[[Connection, dict[str, Any]], Record]
Memo = list[Any]
_FIELD = re.compile(r"^([a-z_]+)(?:[\[.][^:]*)?: (.+)$", re.S)


def _items(ctx: Context, body: dict[str, Any], key: str) -> list[Any] | Response:
    """The body's items, or the 422 Copper answers for too many."""
    items = v.listed(body.get(key)) if body.get(key) is not None else None
    if items is None:
        raise BadRequest(f"{key}: required, a list of objects")
    limit = ctx.settings.bulk_limit
    if len(items) > limit:
        content = orjson.dumps({"error": f"Request size too large, limit is {limit}"})
        return Response(content, 422, media_type="application/json")
    return items


def failure(error: VerdigrisError, item_id: Any = None) -> dict[str, Any]:
    """Copper's failed item: the message keyed by the field it names."""
    found = _FIELD.match(error.message)
    field, text = (found.group(1), found.group(2)) if found else ("base", error.message)
    result: dict[str, Any] = {"success": False, "message": {field: [{"error": text}]}}
    return result | ({"id": item_id} if item_id is not None else {})


async def _bulk(ctx: Context, items: list[Any], apply: Apply, updating: bool) -> Response:
    def work(conn: Connection) -> list[Any]:
        results = []
        for item in items:
            item_id = item.get("id") if updating and isinstance(item, dict) else None
            try:
                with conn.begin_nested():
                    results.append(apply(conn, v.mapping("item", item)))
            except VerdigrisError as error:
                results.append(failure(error, item_id))
        return results

    return json_response(await ctx.write(work))


def _parsed(parse: Callable[[dict[str, Any]], Changes], item: Any) -> Changes | VerdigrisError:
    try:
        return parse(v.mapping("item", item))
    except VerdigrisError as error:
        return error


def _record_routes(kind: RecordType) -> None:
    decl = declaration(kind)
    key = decl.plural
    schema = openapi.body({"type": "object", "properties": {key: {"type": "array"}}}, True)

    def changes(conn: Connection, ctx: Context, item: dict[str, Any], read: Memo) -> Any:
        if not read:  # once per request: no item of a bulk changes the definitions
            read.append(custom_field_definitions(conn, ctx.account_id))
        return parse_changes(decl, item, lambda: read[0])

    async def bulk_create(ctx: Auth, body: Body) -> Response:
        items = _items(ctx, body, key)
        if isinstance(items, Response):
            return items

        def work(conn: Connection) -> list[Any]:
            read: Memo = []
            bodies = [_parsed(lambda item: changes(conn, ctx, item, read), i) for i in items]
            made = create_records(conn, ctx.account_id, kind, bodies, ctx.now())
            return [failure(m) if isinstance(m, VerdigrisError) else m for m in made]

        return json_response(await ctx.write(work))

    async def bulk_update(ctx: Auth, body: Body) -> Response:
        items = _items(ctx, body, key)
        if isinstance(items, Response):
            return items

        read: Memo = []

        def update(conn: Connection, item: dict[str, Any]) -> Record:
            record_id = v.integer("id", item.get("id"))
            new = changes(conn, ctx, item, read)
            return writes.update_record(conn, ctx.account_id, kind, record_id, new, ctx.now())

        return await _bulk(ctx, items, update, updating=True)

    for verb, endpoint in (("create", bulk_create), ("update", bulk_update)):
        router.add_api_route(f"/{key}/bulk_{verb}", endpoint, methods=["POST"],
                             name=f"bulk_{verb}_{key}", openapi_extra=schema)  # fmt: skip


for _kind in (RecordType.PERSON, RecordType.LEAD, RecordType.COMPANY):
    _record_routes(_kind)


_ACTIVITIES = openapi.body(
    {"type": "object", "properties": {"activities": {"type": "array"}}}, True
)


@router.post("/activities/bulk_create", openapi_extra=_ACTIVITIES)
async def bulk_create_activities(ctx: Auth, body: Body) -> Response:
    items = _items(ctx, body, "activities")
    if isinstance(items, Response):
        return items

    def create(conn: Connection, item: dict[str, Any]) -> Record:
        activity = parse_activity(item)
        return activities.create_activity(conn, ctx.account_id, ctx.user_id, activity, ctx.now())

    return await _bulk(ctx, items, create, updating=False)
