"""parsing/records.py: each writable field of each declared type is read strictly, and
a wrong value is a 400 naming the field; other keys are ignored."""

from __future__ import annotations

from typing import Any

import pytest

from verdigris.domain.declarations import DECLARATIONS, LEAD, PERSON, Declaration
from verdigris.domain.declarations.fields import CustomFields
from verdigris.domain.definitions import Definition, Option
from verdigris.errors import BadRequest
from verdigris.parsing.records import parse_changes

DEFINITIONS = [
    Definition(8, "Region", "Dropdown", ("person",), (Option(20, "East", 0),)),
    Definition(9, "Size", "Float", ("person", "lead")),
]
WRONG: list[Any] = [{"nested": [1]}, True, 2**70, "\x00", [[[]]]]


def parse(decl: Declaration, body: dict[str, Any]) -> Any:
    return parse_changes(decl, body, lambda: DEFINITIONS)


@pytest.mark.parametrize("decl", DECLARATIONS, ids=lambda d: d.name)
def test_every_writable_field_refuses_a_wrong_value_by_name(decl: Declaration) -> None:
    for field in decl.writable:
        if isinstance(field, CustomFields):
            continue
        refused = 0
        for value in WRONG:
            try:
                parse(decl, {field.name: value})
            except BadRequest as error:
                assert error.message.startswith(field.name), (field.name, error.message)
                refused += 1
        assert refused >= 3, field.name


def test_only_writable_keys_are_read() -> None:
    changes = parse(PERSON, {"id": 9, "date_created": 1, "interaction_count": 5, "title": "T",
                             "unknown": {"deep": [1]}})  # fmt: skip
    assert dict(changes.values) == {"title": "T"} and changes.custom is None


def test_values_are_normalised() -> None:
    changes = parse(PERSON, {"first_name": "  Jim ", "tags": ["a", " A", "b"],
                             "emails": [{"email": " j@x.example "}]})  # fmt: skip
    assert changes.values["first_name"] == "Jim"
    assert changes.values["tags"] == ["a", "b"]
    assert changes.values["emails"] == [{"email": "j@x.example", "category": "other"}]


@pytest.mark.parametrize("value", [1e308, -(2**60), float("inf")])
def test_numbers_beyond_what_every_layer_holds_are_refused(value: float) -> None:
    with pytest.raises(BadRequest, match="monetary_value"):
        parse(LEAD, {"monetary_value": value})
    with pytest.raises(BadRequest, match=r"custom_fields\[0\].value"):
        parse(LEAD, {"custom_fields": [{"custom_field_definition_id": 9, "value": value}]})


def test_custom_fields_are_checked_against_definitions() -> None:
    changes = parse(PERSON, {"custom_fields": [{"custom_field_definition_id": 8, "value": 20}]})
    assert changes.custom == {8: 20}
    with pytest.raises(BadRequest, match="not an option"):
        parse(PERSON, {"custom_fields": [{"custom_field_definition_id": 8, "value": 21}]})
    with pytest.raises(BadRequest, match="not available on lead"):
        parse(LEAD, {"custom_fields": [{"custom_field_definition_id": 8, "value": 20}]})
