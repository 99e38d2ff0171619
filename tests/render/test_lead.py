"""render/records.py: a leads row -> Copper's lead, without a database."""

from __future__ import annotations

from typing import Any

from tests.copper import LEAD_KEYS
from verdigris.domain.definitions import Definition
from verdigris.domain.types import RecordType
from verdigris.render.records import renderer

DEFINITIONS = (
    Definition(3, "Code", "String", ("lead",)),
    Definition(6, "First Met", "Date", ("person",)),
    Definition(7, "Newsletter", "Checkbox", ("lead",)),
    Definition(12, "Interests", "MultiSelect", ("lead",)),
)


render_lead = renderer(RecordType.LEAD)


def row(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": 6, "name": "Jim Halpert (sample2)", "prefix": None,
        "first_name": "Jim Halpert (sample2)", "middle_name": None, "last_name": None,
        "suffix": None, "address": None, "assignee_id": 2,
        "company_name": "Dunder Mifflin, Inc.", "customer_source_id": 4, "details": None,
        "email": '{"email":"jim@dundermifflin.com","category":"work"}',
        "interaction_count": 1, "monetary_unit": "USD", "monetary_value": 2501.0,
        "socials": "[]", "status": "New", "status_id": 5, "tags": '["blah"]', "title": None,
        "websites": "[]", "phone_numbers": "[]", "custom_fields": '{"3":"ABC"}',
        "date_created": 1515434872, "date_modified": 1516743967,
        "date_last_contacted": 1515796263, "converted_opportunity_id": None,
        "converted_contact_id": None, "converted_at": None, "date_status_changed": 1,
    }  # fmt: skip
    return base | overrides


def test_keys_are_copper_order() -> None:
    lead = render_lead(row(), DEFINITIONS)
    assert tuple(lead) == LEAD_KEYS
    assert "date_status_changed" not in lead


def test_email_object_and_status() -> None:
    lead = render_lead(row(), DEFINITIONS)
    assert lead["email"] == {"email": "jim@dundermifflin.com", "category": "work"}
    assert (lead["status"], lead["status_id"]) == ("New", 5)
    assert render_lead(row(email=None), DEFINITIONS)["email"] is None


def test_monetary_value() -> None:
    assert render_lead(row(), DEFINITIONS)["monetary_value"] == 2501
    assert isinstance(render_lead(row(), DEFINITIONS)["monetary_value"], int)
    assert render_lead(row(monetary_value=10.25), DEFINITIONS)["monetary_value"] == 10.25
    assert render_lead(row(monetary_value=None), DEFINITIONS)["monetary_value"] is None


def test_custom_fields_only_lead_definitions() -> None:
    assert render_lead(row(), DEFINITIONS)["custom_fields"] == [
        {"custom_field_definition_id": 3, "value": "ABC"},
        {"custom_field_definition_id": 7, "value": False},
        {"custom_field_definition_id": 12, "value": []},
    ]
