"""A record projected into its row (storage) and rendered back (render) is the record
again, for every declared type: the two derivations of one declaration agree."""

from __future__ import annotations

from typing import Any

import pytest

from verdigris.domain.custom_fields import AVAILABLE_ON
from verdigris.domain.declarations import DECLARATIONS, Declaration
from verdigris.domain.declarations.fields import Joined, Null
from verdigris.domain.definitions import Definition, Option
from verdigris.render.records import renderer
from verdigris.storage.projection import table_row

DEFINITIONS = (
    Definition(6, "First Met", "Date", AVAILABLE_ON),
    Definition(
        8,
        "Region",
        "Dropdown",
        AVAILABLE_ON,
        (Option(20, "East", 0),),
    ),  # fmt: skip
)
VALUES: dict[str, Any] = {
    "id": 41, "name": "Jim Halpert", "prefix": "Mr", "first_name": "Jim", "middle_name": None,
    "last_name": "Halpert", "suffix": None, "details": "d", "title": "Sales",
    "address": {"street": "1 Main", "city": "Scranton", "state": "PA", "postal_code": "18503",
                "country": "US"},
    "assignee_id": 2, "company_id": 3, "contact_type_id": 4, "customer_source_id": 5,
    "status_id": 6, "loss_reason_id": 7, "pipeline_id": 8, "pipeline_stage_id": 9,
    "primary_contact_id": 10, "emails": [{"email": "jim@x.example", "category": "work"}],
    "email": {"email": "jim@x.example", "category": "work"},
    "phone_numbers": [{"number": "570 555", "category": "work"}],
    "socials": [{"url": "x.example/jim", "category": "other"}], "tags": ["a", "B"],
    "websites": [{"url": "x.example", "category": "work"}],
    "custom_fields": [{"custom_field_definition_id": 6, "value": 1_600_000_000},
                      {"custom_field_definition_id": 8, "value": 20}],
    "date_created": 1_500_000_000, "date_modified": 1_500_000_100,
    "date_last_contacted": 1_500_000_050, "interaction_count": 3,
    "leads_converted_from": [{"lead_id": 1, "converted_timestamp": 1}],
    "date_lead_created": 1_400_000_000, "company_name": "Dunder Mifflin",
    "monetary_unit": "USD", "monetary_value": 2500, "converted_opportunity_id": 11,
    "converted_contact_id": 12, "converted_at": 1_500_000_200, "email_domain": "x.example",
    "close_date": "1/15/2018", "priority": "High", "status": "Won", "win_probability": 40,
    "date_stage_changed": 1_500_000_300, "converted_unit": None, "converted_value": None,
    "related_resource": {"id": 5, "type": "person"}, "due_date": 1_500_000_400,
    "reminder_date": 1_500_000_350, "completed_date": None, "custom_activity_type_id": 3,
}  # fmt: skip


@pytest.mark.parametrize("decl", DECLARATIONS, ids=lambda d: d.name)
def test_projected_then_rendered_is_the_record(decl: Declaration) -> None:
    record = {f.name: VALUES[f.name] for f in decl.fields}
    row = table_row(1, decl.record_type, record)
    for joined in decl.joins:
        row[joined.name] = record[joined.name]  # what the read's join brings
    rendered = renderer(decl.record_type)(row, DEFINITIONS)
    assert list(rendered) == list(decl.keys)
    for field in decl.fields:
        if not isinstance(field, Joined | Null):
            assert rendered[field.name] == record[field.name], field.name
