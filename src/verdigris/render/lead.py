"""A leads row (joined with its status's name) -> Copper's lead record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from verdigris.domain.definitions import Definition
from verdigris.domain.types import Record
from verdigris.render.parts import address, custom_fields, json_list, number, parse_json

TYPE_NAME = "lead"


def render_lead(row: Mapping[str, Any], definitions: Sequence[Definition]) -> Record:
    """`row` has the leads columns plus `status` (NULL when no such status)."""
    return {
        "id": row["id"],
        "name": row["name"],
        "prefix": row["prefix"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "middle_name": row["middle_name"],
        "suffix": row["suffix"],
        "address": address(row["address"]),
        "assignee_id": row["assignee_id"],
        "company_name": row["company_name"],
        "customer_source_id": row["customer_source_id"],
        "details": row["details"],
        "email": parse_json(row["email"], None),
        "interaction_count": row["interaction_count"],
        "monetary_unit": row["monetary_unit"],
        "monetary_value": number(row["monetary_value"]),
        "socials": json_list(row["socials"]),
        "status": row["status"],
        "status_id": row["status_id"],
        "tags": json_list(row["tags"]),
        "title": row["title"],
        "websites": json_list(row["websites"]),
        "phone_numbers": json_list(row["phone_numbers"]),
        "custom_fields": custom_fields(row["custom_fields"], definitions, TYPE_NAME),
        "date_created": row["date_created"],
        "date_modified": row["date_modified"],
        "date_last_contacted": row["date_last_contacted"],
        "converted_opportunity_id": row["converted_opportunity_id"],
        "converted_contact_id": row["converted_contact_id"],
        "converted_at": row["converted_at"],
    }
