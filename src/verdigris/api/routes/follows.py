"""Routes of /{plural}/{id}/follow (our extension; Copper has none): the requesting user
follows or stops following a record, which the `followed` search filter reads."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from verdigris.api.deps import Auth, json_response
from verdigris.domain.declarations import DECLARATIONS, Declaration
from verdigris.domain.declarations.declaration import FilterKind
from verdigris.storage.engine import Connection
from verdigris.storage.follows import set_following

router = APIRouter(tags=["following"])


def _follow_routes(decl: Declaration) -> None:
    path = f"/{decl.plural}/{{record_id:int}}/follow"

    async def set_to(ctx: Auth, record_id: int, follow: bool) -> Response:
        def work(conn: Connection) -> dict[str, Any]:
            return set_following(
                conn, ctx.account_id, ctx.user_id, decl.record_type, record_id, follow
            )

        return json_response(await ctx.write(work))

    @router.post(path, name=f"follow_{decl.name}")
    async def follow(ctx: Auth, record_id: int) -> Response:
        return await set_to(ctx, record_id, True)

    @router.delete(path, name=f"unfollow_{decl.name}")
    async def unfollow(ctx: Auth, record_id: int) -> Response:
        return await set_to(ctx, record_id, False)


for _decl in DECLARATIONS:
    if any(f.kind is FilterKind.FOLLOWED for f in _decl.filters):
        _follow_routes(_decl)
