"""Pipelines, their stages and loss reasons (read-only lookups, SPEC.md 7), and where a
new or moved opportunity lands in them: the pipeline and stage it names must agree, a
new one without a pipeline goes to the account's first, a pipeline without a stage
means its first stage, and `win_probability` follows the stage unless the body sets it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from verdigris.domain.numbers import fits_int64
from verdigris.domain.types import Record
from verdigris.errors import BadRequest, NotFound
from verdigris.parsing.records import Changes
from verdigris.storage import schema
from verdigris.storage.lookups import named

Row = dict[str, Any]
_p, _s = schema.pipelines, schema.pipeline_stages


def _stage_rows(conn: Connection, account_id: int, pipeline_id: int | None = None) -> list[Any]:
    query = select(_s.c.id, _s.c.name, _s.c.pipeline_id, _s.c.win_probability).where(
        _s.c.account_id == account_id
    )
    if pipeline_id is not None:
        query = query.where(_s.c.pipeline_id == pipeline_id)
    return list(conn.execute(query.order_by(_s.c.pipeline_id, _s.c.position, _s.c.id)))


def pipelines(conn: Connection, account_id: int) -> list[Row]:
    """[{id, name, stages: [{id, name, win_probability}]}] by id, stages in order."""
    stages: dict[int, list[Row]] = {}
    for s in _stage_rows(conn, account_id):
        stages.setdefault(s.pipeline_id, []).append(
            {"id": s.id, "name": s.name, "win_probability": s.win_probability}
        )
    return [{"id": p["id"], "name": p["name"], "stages": stages.get(p["id"], [])}
            for p in named(conn, account_id, _p)]  # fmt: skip


def stages(conn: Connection, account_id: int, pipeline_id: int | None = None) -> list[Row]:
    """[{id, name, pipeline_id, win_probability}] of every pipeline (or of one: 404 when
    it is not the account's), in pipeline order."""
    if pipeline_id is not None:
        found = (
            fits_int64(pipeline_id)
            and conn.execute(
                select(_p.c.id).where(_p.c.account_id == account_id, _p.c.id == pipeline_id)
            ).first()
        )
        if not found:
            raise NotFound(f"pipeline {pipeline_id} not found")
    return [
        {"id": s.id, "name": s.name, "pipeline_id": s.pipeline_id,
         "win_probability": s.win_probability}
        for s in _stage_rows(conn, account_id, pipeline_id)
    ]  # fmt: skip


def loss_reasons(conn: Connection, account_id: int) -> list[Row]:
    return named(conn, account_id, schema.loss_reasons)


def _first_pipeline(conn: Connection, account_id: int) -> int | None:
    query = select(_p.c.id).where(_p.c.account_id == account_id).order_by(_p.c.id).limit(1)
    return conn.execute(query).scalar()


def _first_stage(conn: Connection, account_id: int, pipeline_id: int) -> int | None:
    query = (
        select(_s.c.id)
        .where(_s.c.account_id == account_id, _s.c.pipeline_id == pipeline_id)
        .order_by(_s.c.position, _s.c.id)
        .limit(1)
    )
    return conn.execute(query).scalar()


def _stage(conn: Connection, account_id: int, stage_id: int) -> Any:
    query = select(_s.c.pipeline_id, _s.c.win_probability).where(
        _s.c.account_id == account_id, _s.c.id == stage_id
    )
    return conn.execute(query).one()  # the reference was checked to exist


def place_opportunity(
    conn: Connection, account_id: int, old: Record | None, new: Record, changes: Changes
) -> None:
    """Complete and check `new`'s pipeline, stage and win probability (references exist:
    writes.check_references ran first). An update that names neither is left alone."""
    sets_pipeline, sets_stage = "pipeline_id" in changes, "pipeline_stage_id" in changes
    if old is not None and not sets_pipeline and not sets_stage:
        return
    if old is None and new["pipeline_id"] is None and new["pipeline_stage_id"] is None:
        new["pipeline_id"] = _first_pipeline(conn, account_id)
    if new["pipeline_stage_id"] is not None:
        _agree(conn, account_id, new, sets_pipeline, sets_stage)
    if new["pipeline_id"] is not None and new["pipeline_stage_id"] is None:
        new["pipeline_stage_id"] = _first_stage(conn, account_id, new["pipeline_id"])
    stage_id = new["pipeline_stage_id"]
    moved = old is None or stage_id != old["pipeline_stage_id"]
    if moved and stage_id is not None and "win_probability" not in changes:
        new["win_probability"] = _stage(conn, account_id, stage_id).win_probability


def _agree(
    conn: Connection, account_id: int, new: Record, sets_pipeline: bool, sets_stage: bool
) -> None:
    """The stage names its pipeline when the body names no other one; a stage the body
    sets must be of the pipeline it sets (400); a kept stage of another pipeline than the
    one the body sets gives way to that pipeline's first stage."""
    pipeline_id = _stage(conn, account_id, new["pipeline_stage_id"]).pipeline_id
    if new["pipeline_id"] is None or not sets_pipeline:
        new["pipeline_id"] = pipeline_id
    elif new["pipeline_id"] != pipeline_id:
        if sets_stage:
            raise BadRequest(
                f"pipeline_stage_id: stage {new['pipeline_stage_id']} is not a stage of "
                f"pipeline {new['pipeline_id']}"
            )
        new["pipeline_stage_id"] = None
