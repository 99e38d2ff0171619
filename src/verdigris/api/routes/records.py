"""Create, read, update, delete and search of any declared record type: one router per
type, built from its declaration (bodies, OpenAPI schemas, filters and sorts)."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from fastapi.responses import Response

from verdigris.api import openapi
from verdigris.api.deps import Auth, Body, Context, json_response
from verdigris.domain.declarations import declaration
from verdigris.domain.types import Record, RecordType
from verdigris.parsing.records import Changes, Read, parse_changes
from verdigris.parsing.search import parse_search
from verdigris.search.execute import run_search
from verdigris.storage import writes
from verdigris.storage.engine import Connection
from verdigris.storage.records import custom_field_definitions, get_record, load_records


def record_router(
    record_type: RecordType,
    extras: Mapping[str, Read] | None = None,
    extra_schemas: openapi.Schema | None = None,
) -> APIRouter:
    """The routes of one record type; `extras` read body keys that are not its fields."""
    decl = declaration(record_type)
    router = APIRouter(tags=[decl.plural])
    base, one = f"/{decl.plural}", f"/{decl.plural}/{{record_id:int}}"
    body = openapi.body(openapi.record_body(decl, extra_schemas))

    def changes(conn: Connection, ctx: Context, given: Body) -> Changes:
        definitions = lambda: custom_field_definitions(conn, ctx.account_id)  # noqa: E731
        return parse_changes(decl, given, definitions, extras)

    @router.post(base, openapi_extra=body, name=f"create_{decl.name}")
    async def create(ctx: Auth, given: Body) -> Response:
        def work(conn: Connection) -> Record:
            new = changes(conn, ctx, given)
            return writes.create_record(conn, ctx.account_id, record_type, new, ctx.now())

        return json_response(await ctx.write(work))

    @router.get(one, name=f"get_{decl.name}")
    async def get(ctx: Auth, record_id: int) -> Response:
        with ctx.read() as conn:
            return json_response(get_record(conn, ctx.account_id, record_type, record_id))

    @router.put(one, openapi_extra=body, name=f"update_{decl.name}")
    async def update(ctx: Auth, record_id: int, given: Body) -> Response:
        def work(conn: Connection) -> Record:
            new = changes(conn, ctx, given)
            return writes.update_record(conn, ctx.account_id, record_type, record_id, new,
                                        ctx.now())  # fmt: skip

        return json_response(await ctx.write(work))

    @router.delete(one, name=f"delete_{decl.name}")
    async def delete(ctx: Auth, record_id: int) -> Response:
        def work(conn: Connection) -> object:
            return writes.delete_record(conn, ctx.account_id, record_type, record_id)

        return json_response(await ctx.write(work))

    search_body = openapi.body(openapi.search_body(decl))

    @router.post(f"{base}/search", openapi_extra=search_body, name=f"search_{decl.plural}")
    async def search(ctx: Auth, given: Body, request: Request) -> Response:
        with ctx.read() as conn:
            definitions = lambda: custom_field_definitions(conn, ctx.account_id)  # noqa: E731
            parsed = parse_search(record_type, given, request.query_params, definitions)
            ids, total = run_search(conn, ctx.account_id, ctx.user_id, ctx.now(), parsed)
            records = load_records(conn, ctx.account_id, record_type, ids)
        return json_response(records, headers={"X-PW-TOTAL": str(total)})

    return router
