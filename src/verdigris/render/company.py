"""A companies row -> Copper's company record (list fields are [] when empty, never null)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from verdigris.domain.definitions import Definition
from verdigris.domain.types import Record
from verdigris.render.parts import address, custom_fields, json_list

TYPE_NAME = "company"


def render_company(row: Mapping[str, Any], definitions: Sequence[Definition]) -> Record:
    return {
        "id": row["id"],
        "name": row["name"],
        "address": address(row["address"]),
        "assignee_id": row["assignee_id"],
        "contact_type_id": row["contact_type_id"],
        "details": row["details"],
        "email_domain": row["email_domain"],
        "phone_numbers": json_list(row["phone_numbers"]),
        "socials": json_list(row["socials"]),
        "tags": json_list(row["tags"]),
        "websites": json_list(row["websites"]),
        "custom_fields": custom_fields(row["custom_fields"], definitions, TYPE_NAME),
        "interaction_count": row["interaction_count"],
        "date_created": row["date_created"],
        "date_modified": row["date_modified"],
    }
