"""parsing/search.py: every 400 of SPEC.md 3, and the shapes valid bodies parse into."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.search.strategies import JSON, KEYS
from verdigris.domain.definitions import Definition, Option
from verdigris.domain.paging import Paging
from verdigris.domain.types import RecordType
from verdigris.errors import BadRequest
from verdigris.parsing.search import Search, parse_search
from verdigris.parsing.terms import Bounds, CustomFieldFilter, Equals, IdSet, Options


def _definition(
    definition_id: int, data_type: str, available_on: tuple[str, ...], options: Any
) -> Definition:
    found = tuple(Option(o, f"option {o}", o) for o in sorted(options))
    return Definition(definition_id, f"field {definition_id}", data_type, available_on, found)


def parse_people(body: dict[str, Any], query: dict[str, str], definitions: Any) -> Search:
    return parse_search(RecordType.PERSON, body, query, definitions)


def parse_leads(body: dict[str, Any], query: dict[str, str], definitions: Any) -> Search:
    return parse_search(RecordType.LEAD, body, query, definitions)


DEFINITIONS = {
    6: _definition(
        6,
        "Date",
        (
            "person",
            "lead",
        ),
        (),
    ),
    7: _definition(7, "Checkbox", ("lead",), ()),
    8: _definition(8, "Dropdown", ("person",), {20, 21}),
    9: _definition(9, "Float", ("person",), ()),
    12: _definition(12, "MultiSelect", ("person",), {8, 9, 10}),
    3: _definition(3, "String", ("person",), ()),
}


def people(body: dict[str, Any], query: dict[str, str] | None = None) -> Search:
    return parse_people(body, query or {}, lambda: list(DEFINITIONS.values()))


def bad(body: dict[str, Any], field: str, query: dict[str, str] | None = None) -> None:
    with pytest.raises(BadRequest) as caught:
        people(body, query)
    assert field in caught.value.message


def test_defaults() -> None:
    search = people({})
    assert (search.paging, search.sort_by, search.descending) == (
        Paging(1, 20),
        "first_name",
        False,
    )
    assert dict(search.filters) == {}
    assert parse_leads({}, {}, lambda: list(DEFINITIONS.values())).sort_by == "name"
    assert parse_leads({}, {}, lambda: list(DEFINITIONS.values())).include_converted is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 201}, "page_size"),
        ({"page_size": "20"}, "page_size"),
        ({"page_size": True}, "page_size"),
        ({"page_size": 2.5}, "page_size"),
        ({"page_number": 0}, "page_number"),
        ({"page_number": -1}, "page_number"),
        ({"page_number": [1]}, "page_number"),
        ({"sort_by": "shoe_size"}, "sort_by"),
        ({"sort_by": "value"}, "sort_by"),  # leads only
        ({"sort_by": 3}, "sort_by"),
        ({"sort_direction": "sideways"}, "sort_direction"),
        ({"sort_direction": 1}, "sort_direction"),
        ({"followed": 3}, "followed"),
        ({"followed": True}, "followed"),
        ({"followed": "1"}, "followed"),
        ({"ids": ["3"]}, "ids[0]"),
        ({"ids": [True]}, "ids[0]"),
        ({"ids": [2**63]}, "ids[0]"),
        ({"assignee_ids": [1, 2.5]}, "assignee_ids[1]"),
        ({"company_id": "2"}, "company_id"),
        ({"name": 5}, "name"),
        ({"name": ["Jim"]}, "name"),
        ({"phone_number": 4155551234}, "phone_number"),
        ({"emails": [{"email": "a@b.c"}]}, "emails[0]"),
        ({"city": 5}, "city"),
        ({"city": {"value": 5}}, "city.value"),
        ({"city": {"value": "x", "allow_empty": "yes"}}, "city.allow_empty"),
        ({"tags": {"option": "SOME", "value": ["a"]}}, "tags.option"),
        ({"tags": {"value": [1]}}, "tags.value[0]"),
        ({"tags": [None, 3]}, "tags[1]"),
        ({"socials": {"url": "x"}}, "socials[0]"),
        ({"age": "3600"}, "age"),
        ({"minimum_interaction_count": 1.5}, "minimum_interaction_count"),
        ({"maximum_created_date": False}, "maximum_created_date"),
        ({"name": "a\x00b"}, "name"),
        ({"custom_fields": [5]}, "custom_fields[0]"),
        ({"custom_fields": [{"value": 1}]}, "custom_fields[0].custom_field_definition_id"),
        ({"custom_fields": [{"custom_field_definition_id": 999, "value": 1}]}, "definition_id"),
        ({"custom_fields": [{"custom_field_definition_id": 7, "value": True}]}, "definition_id"),
        ({"custom_fields": [{"custom_field_definition_id": 8, "value": [22]}]}, "value"),
        ({"custom_fields": [{"custom_field_definition_id": 8, "value": "20"}]}, "value[0]"),
        ({"custom_fields": [{"custom_field_definition_id": 8, "minimum_value": 1}]}, "minimum"),
        (
            {"custom_fields": [{"custom_field_definition_id": 12, "option": "X", "value": 8}]},
            "option",
        ),
        ({"custom_fields": [{"custom_field_definition_id": 6, "value": 1}]}, ".value"),
        ({"custom_fields": [{"custom_field_definition_id": 6, "minimum_value": "1"}]}, "minimum"),
        ({"custom_fields": [{"custom_field_definition_id": 3, "value": 1}]}, ".value"),
    ],
)
def test_bad_requests_name_the_field(body: dict[str, Any], field: str) -> None:
    bad(body, field)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page_size": "many"}, "page_size"),
        ({"page_number": "1.0"}, "page_number"),
        ({"page_size": "500"}, "page_size"),
        ({"sort_by": "nope"}, "sort_by"),
        ({"page_number": "9" * 5000}, "page_number"),
    ],
)
def test_bad_query_strings(query: dict[str, str], field: str) -> None:
    bad({}, field, query)


def test_lead_only_keys() -> None:
    leads = {"include_converted_leads": "yes"}
    with pytest.raises(BadRequest, match="include_converted_leads"):
        parse_leads(leads, {}, lambda: list(DEFINITIONS.values()))
    with pytest.raises(BadRequest, match="minimum_monetary_value"):
        parse_leads({"minimum_monetary_value": "5"}, {}, lambda: list(DEFINITIONS.values()))
    # For people these keys are unknown, and unknown keys are ignored.
    assert dict(people({**leads, "status_ids": "x"}).filters) == {}


def test_body_wins_over_query_string() -> None:
    query = {"page_size": "2", "page_number": "3", "sort_by": "email", "sort_direction": "desc"}
    search = people({"page_size": 5, "sort_by": "name"}, query)
    assert (search.paging, search.sort_by, search.descending) == (Paging(3, 5), "name", True)


def test_null_means_not_given() -> None:
    body = dict.fromkeys(("ids", "name", "tags", "city", "followed", "custom_fields", "page_size"))
    assert dict(people(body).filters) == {}
    assert people(body).paging == Paging()


def test_scalars_become_lists_and_values_are_folded() -> None:
    search = people(
        {
            "ids": 3,
            "emails": " JO@Sabreinc.com ",
            "assignee_ids": [-2, 2, 2],
            "company_id": 4,
            "tags": "TAG1",
            "socials": ["X", ""],
            "city": {"value": " Scranton "},
            "state": {"allow_empty": True},
            "phone_number": "(415) 555-1234",
            "sort_direction": "DESC",
        }
    )
    assert dict(search.filters) == {
        "ids": (3,),
        "emails": ("jo@sabreinc.com",),
        "assignee_ids": IdSet((2,), True),
        "company_ids": IdSet((4,), False),
        "tags": Options("ANY", ("tag1",), False),
        "socials": ("x",),
        "city": Equals("scranton", False),
        "state": Equals(None, True),
        "phone_number": "4155551234",
    }
    assert search.descending


def test_empty_values_filter_nothing() -> None:
    body = {
        "name": "",
        "ids": [],
        "emails": [""],
        "city": " ",
        "tags": {"value": []},
        "phone_number": " ",
    }
    assert dict(people(body).filters) == {}
    assert people({"phone_number": "no digits"}).filters["phone_number"] == ""


def test_custom_field_shapes() -> None:
    search = people(
        {
            "custom_fields": [
                {"custom_field_definition_id": 8, "value": 20, "allow_empty": True},
                {"custom_field_definition_id": 12, "value": [9, 8], "option": "all"},
                {"custom_field_definition_id": 9, "value": 2.5, "minimum_value": 1},
                {"custom_field_definition_id": 6, "maximum_value": 10},
                {"custom_field_definition_id": 3, "value": "ÉTÉ", "name": "ignored"},
                {"custom_field_definition_id": 6, "minimum_value": None},
            ]
        }
    )
    assert search.filters["custom_fields"] == (
        CustomFieldFilter(8, "Dropdown", Options("ANY", (20,), True)),
        CustomFieldFilter(12, "MultiSelect", Options("ALL", (8, 9), False)),
        CustomFieldFilter(9, "Float", Bounds(2.5, 2.5)),
        CustomFieldFilter(6, "Date", Bounds(None, 10)),
        CustomFieldFilter(3, "String", "été"),
    )


def test_definitions_are_read_only_when_needed() -> None:
    def explode() -> dict[int, Definition]:
        raise AssertionError("definitions read")

    parse_people({"name": "x"}, {}, explode)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(KEYS), JSON, max_size=5))
def test_any_json_parses_or_is_a_bad_request(body: dict[str, Any]) -> None:
    for parse in (parse_people, parse_leads):
        try:
            parse(body, {}, lambda: list(DEFINITIONS.values()))
        except BadRequest as exc:
            assert exc.message
