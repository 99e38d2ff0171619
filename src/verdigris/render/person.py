"""A people row (joined with its company's name) -> Copper's person record."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from verdigris.domain.definitions import Definition
from verdigris.domain.types import Record
from verdigris.render.parts import address, custom_fields, json_list

TYPE_NAME = "person"


def render_person(row: Mapping[str, Any], definitions: Sequence[Definition]) -> Record:
    """`row` has the people columns plus `company_name` (NULL when no such company)."""
    return {
        "id": row["id"],
        "name": row["name"],
        "prefix": row["prefix"],
        "first_name": row["first_name"],
        "middle_name": row["middle_name"],
        "last_name": row["last_name"],
        "suffix": row["suffix"],
        "address": address(row["address"]),
        "assignee_id": row["assignee_id"],
        "company_id": row["company_id"],
        "company_name": row["company_name"],
        "contact_type_id": row["contact_type_id"],
        "details": row["details"],
        "emails": json_list(row["emails"]),
        "phone_numbers": json_list(row["phone_numbers"]),
        "socials": json_list(row["socials"]),
        "tags": json_list(row["tags"]),
        "title": row["title"],
        "websites": json_list(row["websites"]),
        "custom_fields": custom_fields(row["custom_fields"], definitions, TYPE_NAME),
        "date_created": row["date_created"],
        "date_modified": row["date_modified"],
        "date_last_contacted": row["date_last_contacted"],
        "interaction_count": row["interaction_count"],
        "leads_converted_from": json_list(row["leads_converted_from"]),
        "date_lead_created": row["date_lead_created"],
    }
