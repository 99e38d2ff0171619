"""An opportunities row (joined with its company's name) -> Copper's opportunity record.

Fields beyond the table's columns live in its `doc` JSON column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from verdigris.domain.definitions import Definition
from verdigris.domain.types import Record
from verdigris.render.parts import custom_fields, number, parse_json

TYPE_NAME = "opportunity"
DOC_DEFAULTS: dict[str, Any] = {
    "assignee_id": None, "close_date": None, "customer_source_id": None, "details": None,
    "loss_reason_id": None, "pipeline_id": None, "pipeline_stage_id": None, "priority": "None",
    "status": "Open", "tags": [], "interaction_count": 0, "monetary_unit": None,
    "monetary_value": None, "win_probability": None, "date_stage_changed": None,
    "date_last_contacted": None, "leads_converted_from": [], "date_lead_created": None,
}  # fmt: skip
OPPORTUNITY_KEYS = (
    "id", "name", "assignee_id", "close_date", "company_id", "company_name",
    "customer_source_id", "details", "loss_reason_id", "pipeline_id", "pipeline_stage_id",
    "primary_contact_id", "priority", "status", "tags", "interaction_count", "monetary_unit",
    "monetary_value", "converted_unit", "converted_value", "win_probability",
    "date_stage_changed", "date_last_contacted", "leads_converted_from", "date_lead_created",
    "date_created", "date_modified", "custom_fields",
)  # fmt: skip


def render_opportunity(row: Mapping[str, Any], definitions: Sequence[Definition]) -> Record:
    """`row` has the opportunities columns plus `company_name` (NULL when no company)."""
    doc = DOC_DEFAULTS | parse_json(row["doc"], {})
    values = doc | {
        "id": row["id"],
        "name": row["name"],
        "company_id": row["company_id"],
        "company_name": row["company_name"],
        "primary_contact_id": row["primary_contact_id"],
        "monetary_value": number(doc["monetary_value"]),
        "converted_unit": None,
        "converted_value": None,
        "date_stage_changed": doc["date_stage_changed"] or row["date_created"],
        "date_created": row["date_created"],
        "date_modified": row["date_modified"],
        "custom_fields": custom_fields(
            _custom_text(doc.get("custom_fields")), definitions, TYPE_NAME
        ),
    }
    return {key: values[key] for key in OPPORTUNITY_KEYS}


def _custom_text(stored: Any) -> str | None:
    """The doc keeps custom values as an object; parts.custom_fields reads JSON text."""
    return orjson.dumps(stored).decode() if isinstance(stored, dict) else None
