"""render/records.py: a people row -> Copper's person, without a database."""

from __future__ import annotations

from typing import Any

import orjson

from tests.copper import PERSON_KEYS
from verdigris.domain.definitions import Definition, Option
from verdigris.domain.types import RecordType
from verdigris.render.parts import custom_fields, number
from verdigris.render.records import renderer

DEFINITIONS = (
    Definition(3, "Code", "String", ("lead",)),
    Definition(6, "First Met", "Date", ("lead", "person")),
    Definition(7, "Newsletter", "Checkbox", ("person",)),
    Definition(
        8, "Region", "Dropdown", ("person",), (Option(20, "East", 0), Option(21, "West", 1))
    ),
    Definition(12, "Interests", "MultiSelect", ("person",), (Option(8, "Paper", 0),)),
)


render_person = renderer(RecordType.PERSON)


def row(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": 7, "name": "Jim Halpert", "prefix": None, "first_name": "Jim",
        "middle_name": None, "last_name": "Halpert", "suffix": None,
        "address": '{"city":"Vancouver","street":"221 Main","state":"BC","postal_code":"A1A",'
                   '"country":"CA"}',
        "assignee_id": None, "company_id": 2, "company_name": "ProsperWorks",
        "contact_type_id": 8, "details": None,
        "emails": '[{"email":"jhalpert@prosperworks.com","category":"work"}]',
        "phone_numbers": '[{"number":"4158546956","category":"work"}]', "socials": "[]",
        "tags": '["tag1"]', "title": "Business Development", "websites": "[]",
        "custom_fields": '{"6":1515744000,"12":[8],"99":"gone"}', "date_created": 1516262400,
        "date_modified": 1516313340, "date_last_contacted": 1516313330, "interaction_count": 2,
        "leads_converted_from": "[]", "date_lead_created": None,
    }  # fmt: skip
    return base | overrides


def test_keys_are_copper_order() -> None:
    assert tuple(render_person(row(), DEFINITIONS)) == PERSON_KEYS


def test_json_columns_are_parsed() -> None:
    person = render_person(row(), DEFINITIONS)
    assert person["emails"] == [{"email": "jhalpert@prosperworks.com", "category": "work"}]
    assert person["tags"] == ["tag1"]
    assert person["leads_converted_from"] == []
    assert list(person["address"]) == ["street", "city", "state", "postal_code", "country"]


def test_null_address_and_empty_lists() -> None:
    person = render_person(row(address=None, tags="[]", emails="[]"), DEFINITIONS)
    assert person["address"] is None
    assert person["tags"] == [] and person["emails"] == []


def test_custom_fields_list_every_available_definition_in_id_order() -> None:
    person = render_person(row(), DEFINITIONS)
    assert person["custom_fields"] == [
        {"custom_field_definition_id": 6, "value": 1515744000},
        {"custom_field_definition_id": 7, "value": False},
        {"custom_field_definition_id": 8, "value": None},
        {"custom_field_definition_id": 12, "value": [8]},
    ]


def test_unset_defaults_and_values_of_deleted_definitions() -> None:
    shown = custom_fields(orjson.dumps({"99": 1}).decode(), DEFINITIONS, "person")
    assert [e["value"] for e in shown] == [None, False, None, []]


def test_removed_options_are_not_shown() -> None:
    shown = custom_fields('{"8": 22, "12": [8, 9]}', DEFINITIONS, "person")
    assert shown[2:] == [
        {"custom_field_definition_id": 8, "value": None},
        {"custom_field_definition_id": 12, "value": [8]},
    ]


def test_company_name_comes_from_the_row() -> None:
    assert render_person(row(company_name=None), DEFINITIONS)["company_name"] is None


def test_integral_floats_render_as_int() -> None:
    assert number(2500.0) == 2500 and isinstance(number(2500.0), int)
    assert number(12.5) == 12.5
    assert number(None) is None
