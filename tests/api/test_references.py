"""Deleting a person or lead takes its activities with it and unlinks its opportunities."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import JIM
from tests.copper import API


def _log_call(client: TestClient, parent_type: str, parent_id: int) -> int:
    body = {"parent": {"type": parent_type, "id": parent_id},
            "type": {"category": "user", "id": 1}, "activity_date": 1516400000}  # fmt: skip
    response = client.post(API + "/activities", json=body, headers=JIM)
    assert response.status_code == 200, response.text
    return int(response.json()["id"])


def test_deleting_a_person_unlinks_opportunities_and_drops_activities(
    sample_client: TestClient,
) -> None:
    activity = _log_call(sample_client, "person", 5)
    assert sample_client.delete(API + "/people/5", headers=JIM).status_code == 200
    assert sample_client.get(f"{API}/activities/{activity}", headers=JIM).status_code == 404
    opportunity = sample_client.get(API + "/opportunities/4", headers=JIM).json()
    assert opportunity["primary_contact_id"] is None
    search = sample_client.post(API + "/people/search", json={"opportunity_ids": [4]}, headers=JIM)
    assert search.json() == []
    assert search.headers["X-PW-TOTAL"] == "0"


def test_deleting_a_lead_drops_its_activities(sample_client: TestClient) -> None:
    activity = _log_call(sample_client, "lead", 6)
    assert sample_client.delete(API + "/leads/6", headers=JIM).status_code == 200
    assert sample_client.get(f"{API}/activities/{activity}", headers=JIM).status_code == 404


def test_a_renamed_person_is_found_by_the_new_name_only(sample_client: TestClient) -> None:
    renamed = sample_client.put(API + "/people/7", json={"name": "Dwight Schrute"}, headers=JIM)
    assert renamed.status_code == 200, renamed.text

    def found(name: str) -> list[int]:
        body = {"name": name}
        response = sample_client.post(API + "/people/search", json=body, headers=JIM)
        return [p["id"] for p in response.json()]

    assert found("Schrute") == [7]
    assert found("Halpert") == []
