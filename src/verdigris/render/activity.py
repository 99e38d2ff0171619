"""An activities row -> Copper's activity record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from verdigris.domain.types import Record, RecordType


def render_activity(row: Mapping[str, Any]) -> Record:
    return {
        "id": row["id"],
        "parent": {"id": row["parent_id"], "type": RecordType(row["parent_type"]).api_name},
        "type": {"id": row["type_id"], "category": row["type_category"]},
        "user_id": row["user_id"],
        "details": row["details"],
        "activity_date": row["activity_date"],
        "old_value": None,
        "new_value": None,
        "date_created": row["date_created"],
        "date_modified": row["date_modified"],
    }
