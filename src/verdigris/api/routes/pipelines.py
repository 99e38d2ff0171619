"""Routes of the opportunity lookups (SPEC.md 7): pipelines with their stages, pipeline
stages, loss reasons; and GET /tags. Plain arrays, no paging."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from verdigris.api.deps import Auth, json_response
from verdigris.storage import pipelines, tags

router = APIRouter(tags=["lookups"])


@router.get("/pipelines")
async def list_pipelines(ctx: Auth) -> Response:
    with ctx.read() as conn:
        return json_response(pipelines.pipelines(conn, ctx.account_id))


@router.get("/pipeline_stages")
async def list_stages(ctx: Auth) -> Response:
    with ctx.read() as conn:
        return json_response(pipelines.stages(conn, ctx.account_id))


@router.get("/pipeline_stages/pipeline/{pipeline_id:int}")
async def stages_of_pipeline(ctx: Auth, pipeline_id: int) -> Response:
    with ctx.read() as conn:
        return json_response(pipelines.stages(conn, ctx.account_id, pipeline_id))


@router.get("/loss_reasons")
async def list_loss_reasons(ctx: Auth) -> Response:
    with ctx.read() as conn:
        return json_response(pipelines.loss_reasons(conn, ctx.account_id))


@router.get("/tags")
async def list_tags(ctx: Auth) -> Response:
    with ctx.read() as conn:
        return json_response(tags.list_tags(conn, ctx.account_id))
