"""Rows of the lookups Copper seeds for a new account (pipelines and their stages, loss
reasons, user activity types), from their snapshot sections; and the seeding itself
(domain/lookup_defaults.py has the defaults)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, Table

from verdigris.domain.lookup_defaults import DEFAULT_SECTIONS
from verdigris.storage import schema

Rows = list[dict[str, Any]]


def pipeline_rows(account_id: int, sections: Mapping[str, Any]) -> list[tuple[Table, Rows]]:
    """Pipelines, their stages (placed in list order) and loss reasons."""
    base = {"account_id": account_id}
    pipelines = sections.get("pipelines") or []
    stages = [
        base | {"id": s["id"], "name": s["name"], "pipeline_id": p["id"],
                "win_probability": s.get("win_probability"), "position": position}
        for p in pipelines
        for position, s in enumerate(p.get("stages") or [])
    ]  # fmt: skip
    return [
        (schema.pipelines, [base | {"id": p["id"], "name": p["name"]} for p in pipelines]),
        (schema.pipeline_stages, stages),
        (schema.loss_reasons, [base | {"id": r["id"], "name": r["name"]}
                               for r in sections.get("loss_reasons") or []]),
    ]  # fmt: skip


def activity_type_rows(account_id: int, types: list[dict[str, Any]] | None) -> Rows:
    return [
        {"account_id": account_id, "id": t["id"], "category": t["category"], "name": t["name"],
         "count_as_interaction": bool(t.get("count_as_interaction")),
         "icon_type": t.get("icon_type"), "is_disabled": bool(t.get("is_disabled")),
         "is_default_task_type": True if t.get("is_default_task_type") else None}
        for t in types or []
    ]  # fmt: skip


def seed_defaults(conn: Connection, account_id: int) -> None:
    """Give a new account (no lookup rows yet) Copper's defaults."""
    sections = {name: make() for name, make in DEFAULT_SECTIONS.items()}
    tables = pipeline_rows(account_id, sections)
    types = activity_type_rows(account_id, sections["activity_types"])
    tables.append((schema.activity_types, types))
    for table, rows in tables:
        if rows:
            conn.execute(table.insert(), rows)
