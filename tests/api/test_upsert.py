"""PUT /leads/upsert: match by name, email or custom field; none creates, one updates,
2-30 are 422 with ids, more are 422 without; a 422 changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import JIM, OTHER
from tests.copper import API, error


def upsert(client: TestClient, properties: Any, field: str, value: Any, headers: Any = JIM) -> Any:
    body = {"properties": properties, "match": {"field_name": field, "field_value": value}}
    return client.put(f"{API}/leads/upsert", json=body, headers=headers)


def custom(value: dict[str, Any]) -> dict[str, Any]:
    return {"field_name": "custom", "field_value": value}


def lead_count(client: TestClient, headers: dict[str, str] = JIM) -> int:
    body = {"include_converted_leads": True}
    return int(client.post(f"{API}/leads/search", json=body, headers=headers).headers["X-PW-TOTAL"])


def test_no_match_creates(sample_client: TestClient) -> None:
    before = lead_count(sample_client)
    response = upsert(sample_client, {"name": "Kevin Malone", "email": {"email": "kevin@dm.com"}},
                      "email", "kevin@dm.com")  # fmt: skip
    assert response.status_code == 200, response.text
    lead = response.json()
    assert lead["name"] == "Kevin Malone" and lead["status"] == "New"
    assert lead_count(sample_client) == before + 1
    again = upsert(sample_client, {"title": "Accountant"}, "email", "KEVIN@dm.com")
    assert again.json()["id"] == lead["id"] and again.json()["title"] == "Accountant"
    assert again.json()["name"] == "Kevin Malone"
    assert lead_count(sample_client) == before + 1


def test_match_by_name_updates_partially(sample_client: TestClient, clock: Any) -> None:
    clock.advance(5)
    response = upsert(sample_client, {"title": "Receptionist"}, "name", "  pam beesly (SAMPLE) ")
    lead = response.json()
    assert lead["id"] == 5 and lead["title"] == "Receptionist"
    assert lead["email"]["email"] == "pam@dundermifflin.com"
    assert lead["date_modified"] == 1_700_000_005


def test_match_by_custom_field(sample_client: TestClient) -> None:
    code = {"custom_field_definition_id": 3, "value": "ABC-1"}
    created = upsert(sample_client, {"name": "Ref Lead", "custom_fields": [code]}, "custom", code)
    assert created.status_code == 200, created.text
    match = {"custom_field_definition_id": 3, "value": "abc-1"}
    updated = upsert(sample_client, {"details": "found"}, "custom", match)
    assert updated.json()["id"] == created.json()["id"] and updated.json()["details"] == "found"
    region = {"custom_field_definition_id": 8, "value": 21}
    west = upsert(sample_client, {"name": "Westerner", "custom_fields": [region]}, "custom", region)
    again = upsert(sample_client, {"title": "x"}, "custom", region)
    assert again.json()["id"] == west.json()["id"]


def test_two_to_thirty_matches_are_422_with_ids(sample_client: TestClient) -> None:
    before = lead_count(sample_client, OTHER)
    response = upsert(sample_client, {"title": "x"}, "name", "My Contact", headers=OTHER)
    error(response, 422)
    assert response.json()["ids"] == [9150547, 9150552, 9150578]
    assert lead_count(sample_client, OTHER) == before
    for lead_id in (9150547, 9150552, 9150578):
        got = sample_client.get(f"{API}/leads/{lead_id}", headers=OTHER).json()
        assert got["title"] is None
    # The first account's token never reaches the second account's leads.
    created = upsert(sample_client, {"name": "My Contact"}, "name", "My Contact")
    assert created.status_code == 200 and created.json()["id"] not in (9150547, 9150552, 9150578)


def test_more_than_thirty_matches_are_422_without_ids(sample_client: TestClient) -> None:
    for _ in range(31):
        sample_client.post(f"{API}/leads", json={"name": "Dwight Schrute"}, headers=JIM)
    response = upsert(sample_client, {"title": "x"}, "name", "Dwight Schrute")
    error(response, 422)
    assert "ids" not in response.json()


def test_converted_leads_are_not_matched(sample_client: TestClient) -> None:
    converted = sample_client.post(f"{API}/leads/6/convert", json={}, headers=JIM)
    assert converted.status_code == 200, converted.text
    response = upsert(sample_client, {"name": "Jim again"}, "email", "jim@dundermifflin.com")
    assert response.status_code == 200 and response.json()["id"] != 6


@pytest.mark.parametrize(
    "body",
    [
        {}, {"properties": {"name": "x"}}, {"match": {"field_name": "name", "field_value": "x"}},
        {"properties": [], "match": {"field_name": "name", "field_value": "x"}},
        {"properties": {}, "match": {"field_name": "phone", "field_value": "x"}},
        {"properties": {}, "match": {"field_name": "name", "field_value": ""}},
        {"properties": {}, "match": {"field_name": "email", "field_value": 3}},
        {"properties": {}, "match": {"field_name": "custom", "field_value": "x"}},
        {"properties": {}, "match": custom({"custom_field_definition_id": 999, "value": 1})},
        {"properties": {}, "match": custom({"custom_field_definition_id": 8, "value": 99})},
        {"properties": {}, "match": custom({"custom_field_definition_id": 3, "value": None})},
        {"properties": {"name": 5}, "match": {"field_name": "name", "field_value": "nobody"}},
        {"properties": {"title": 5}, "match": {"field_name": "name", "field_value": "Test User"}},
    ],
)  # fmt: skip
def test_bad_requests_are_400_and_change_nothing(
    sample_client: TestClient, body: dict[str, Any]
) -> None:
    before = lead_count(sample_client)
    error(sample_client.put(f"{API}/leads/upsert", json=body, headers=JIM), 400)
    assert lead_count(sample_client) == before


def test_create_without_name_is_422(sample_client: TestClient) -> None:
    error(upsert(sample_client, {"title": "x"}, "name", "Nobody Here"), 422)
    error(sample_client.put(f"{API}/leads/upsert", content=b"{", headers=JIM), 400)
    error(
        sample_client.put(f"{API}/leads/upsert", json={}, headers={**JIM, "X-PW-AccessToken": "x"}),
        401,
    )
