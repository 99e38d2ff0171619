"""Filters in the query string and no body, as n8n's Copper node sends every search
(SPEC.md 3): the same answers as the same filters in a body, on every /search route."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import JIM
from tests.copper import API, error

# (route, query string, the same filters as a body)
SAME = [
    ("people", "company_ids=2,3", {"company_ids": [2, 3]}),
    ("people", "ids=3&ids=4&ids=5", {"ids": [3, 4, 5]}),
    ("people", "name=jim&page_size=5", {"name": "jim", "page_size": 5}),
    ("people", "state=CA&sort_by=name", {"state": "CA", "sort_by": "name"}),
    ("people", "assignee_ids=-2", {"assignee_ids": [-2]}),
    ("people", "minimum_interaction_count=1", {"minimum_interaction_count": 1}),
    ("people", 'tags=["sample"]', {"tags": ["sample"]}),
    ("people", "emails=jonlee@prosperworks.com", {"emails": ["jonlee@prosperworks.com"]}),
    ("leads", "include_converted_leads=true", {"include_converted_leads": True}),
    ("leads", "status_ids=5,6", {"status_ids": [5, 6]}),
    ("companies", "name=SAMPLE&country=US", {"name": "SAMPLE", "country": "US"}),
    ("opportunities", "status_ids=0", {"status_ids": [0]}),
    ("opportunities", "minimum_monetary_value=1.5", {"minimum_monetary_value": 1.5}),
    ("tasks", "statuses=Open", {"statuses": ["Open"]}),
    ("projects", "name=a", {"name": "a"}),
    ("activities", "minimum_activity_date=0", {"minimum_activity_date": 0}),
    ("activities", 'parent={"type":"person","id":3}', {"parent": {"type": "person", "id": 3}}),
]


def ids(response: Any) -> tuple[list[int], str]:
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()], response.headers["X-PW-TOTAL"]


@pytest.mark.parametrize(("route", "query", "body"), SAME)
def test_query_string_filters_answer_as_a_body_does(
    sample_client: TestClient, route: str, query: str, body: dict[str, Any]
) -> None:
    path = f"{API}/{route}/search"
    from_query = ids(sample_client.post(f"{path}?{query}", headers=JIM))
    assert from_query == ids(sample_client.post(path, json=body, headers=JIM))


@pytest.mark.parametrize("route", ["people", "leads", "companies", "opportunities"])
def test_a_query_string_filter_filters(sample_client: TestClient, route: str) -> None:
    every, _ = ids(sample_client.post(f"{API}/{route}/search", headers=JIM))
    assert ids(sample_client.post(f"{API}/{route}/search?ids={every[0]}", headers=JIM)) == (
        [every[0]],
        "1",
    )


def test_a_body_wins_over_query_string_filters(sample_client: TestClient) -> None:
    path = f"{API}/people/search?ids=3"
    assert ids(sample_client.post(path, json={"ids": [4]}, headers=JIM))[0] == [4]


@pytest.mark.parametrize(
    ("query", "field"),
    [("ids=abc", "ids[0]"), ("minimum_interaction_count=lots", "minimum_interaction_count"),
     ("include_converted_leads=maybe", "include_converted_leads")],
)  # fmt: skip
def test_bad_query_values_are_400_naming_the_filter(
    sample_client: TestClient, query: str, field: str
) -> None:
    route = "leads" if "converted" in query else "people"
    response = sample_client.post(f"{API}/{route}/search?{query}", headers=JIM)
    assert field in error(response, 400)
