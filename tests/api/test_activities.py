"""/activities over HTTP: logging moves interaction counts and contact dates, delete
moves them back, search filters and pages, errors and account isolation."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import JIM, OTHER
from tests.copper import API, error

KEYS = ("id", "parent", "type", "user_id", "details", "activity_date", "old_value", "new_value",
        "date_created", "date_modified")  # fmt: skip


def log(client: TestClient, kind: str, parent_id: int, type_id: int, when: int | None) -> Any:
    body = {"parent": {"type": kind, "id": parent_id}, "type": {"category": "user", "id": type_id},
            "details": "called", "activity_date": when}  # fmt: skip
    response = client.post(f"{API}/activities", json=body, headers=JIM)
    assert response.status_code == 200, response.text
    return response.json()


def counts(client: TestClient, kind: str, record_id: int) -> tuple[int, int | None]:
    record = client.get(f"{API}/{kind}/{record_id}", headers=JIM).json()
    return record["interaction_count"], record["date_last_contacted"]


def test_log_renders_copper_activity(sample_client: TestClient) -> None:
    activity = log(sample_client, "person", 3, 1, 1_600_000_000)
    assert tuple(activity) == KEYS
    assert activity["parent"] == {"id": 3, "type": "person"}
    assert activity["type"] == {"id": 1, "category": "user"}
    assert activity["user_id"] == 2 and activity["old_value"] is None
    assert sample_client.get(f"{API}/activities/{activity['id']}", headers=JIM).json() == activity
    now = log(sample_client, "lead", 5, 0, None)
    assert now["activity_date"] == 1_700_000_000


def test_interactions_count_and_move_contact_date_forward(sample_client: TestClient) -> None:
    assert counts(sample_client, "people", 7) == (2, 1516313330)
    log(sample_client, "person", 7, 0, 1_600_000_000)  # a Note is no interaction
    assert counts(sample_client, "people", 7) == (2, 1516313330)
    call = log(sample_client, "person", 7, 1, 1_600_000_000)
    assert counts(sample_client, "people", 7) == (3, 1_600_000_000)
    older = log(sample_client, "person", 7, 2, 1_500_000_000)
    assert counts(sample_client, "people", 7) == (4, 1_600_000_000)
    sample_client.delete(f"{API}/activities/{older['id']}", headers=JIM)
    assert counts(sample_client, "people", 7) == (3, 1_600_000_000)
    deleted = sample_client.delete(f"{API}/activities/{call['id']}", headers=JIM)
    assert deleted.json() == {"id": call["id"], "is_deleted": True}
    # The snapshot's own contact date has no activity row behind it: documented loss.
    assert counts(sample_client, "people", 7) == (2, None)
    error(sample_client.get(f"{API}/activities/{call['id']}", headers=JIM), 404)


def test_delete_falls_back_to_latest_remaining_and_never_below_zero(
    sample_client: TestClient,
) -> None:
    first = log(sample_client, "lead", 5, 1, 1_000)
    second = log(sample_client, "lead", 5, 2, 2_000)
    assert counts(sample_client, "leads", 5) == (2, 2_000)
    sample_client.delete(f"{API}/activities/{second['id']}", headers=JIM)
    assert counts(sample_client, "leads", 5) == (1, 1_000)
    sample_client.delete(f"{API}/activities/{first['id']}", headers=JIM)
    assert counts(sample_client, "leads", 5) == (0, None)


def test_interaction_shows_in_people_search(sample_client: TestClient) -> None:
    log(sample_client, "person", 3, 1, 1_650_000_000)
    body = {"minimum_interaction_count": 1, "minimum_interaction_date": 1_650_000_000}
    found = sample_client.post(f"{API}/people/search", json=body, headers=JIM)
    if found.status_code == 404:
        pytest.skip("people search not there yet")
    assert [p["id"] for p in found.json()] == [3]


def test_search(sample_client: TestClient) -> None:
    a = log(sample_client, "person", 3, 1, 100)
    b = log(sample_client, "person", 3, 0, 300)
    c = log(sample_client, "lead", 5, 1, 200)
    everything = sample_client.post(f"{API}/activities/search", headers=JIM)
    assert [x["id"] for x in everything.json()] == [b["id"], c["id"], a["id"]]
    assert everything.headers["X-PW-TOTAL"] == "3"
    body: dict[str, Any] = {"parent": {"type": "person", "id": 3}, "sort_direction": "asc"}
    found = sample_client.post(f"{API}/activities/search", json=body, headers=JIM)
    assert [x["id"] for x in found.json()] == [a["id"], b["id"]]
    body = {"activity_types": [{"category": "user", "id": 1}], "minimum_activity_date": 150}
    found = sample_client.post(f"{API}/activities/search", json=body, headers=JIM)
    assert [x["id"] for x in found.json()] == [c["id"]]
    body = {"maximum_activity_date": 250, "page_size": 1, "page_number": 2}
    found = sample_client.post(f"{API}/activities/search", json=body, headers=JIM)
    assert [x["id"] for x in found.json()] == [a["id"]] and found.headers["X-PW-TOTAL"] == "2"


@pytest.mark.parametrize(
    "body",
    [
        {}, {"parent": {"type": "company", "id": 2}, "type": {"category": "user", "id": 1}},
        {"parent": {"type": "person", "id": "3"}, "type": {"category": "user", "id": 1}},
        {"parent": {"type": "person", "id": 999}, "type": {"category": "user", "id": 1}},
        {"parent": {"type": "person", "id": 3}, "type": {"category": "user", "id": 99}},
        {"parent": {"type": "person", "id": 3}, "type": {"category": "system", "id": 1}},
        {"parent": {"type": "person", "id": 3}, "type": {"category": "user", "id": 1},
         "details": 5},
        {"parent": {"type": "person", "id": 3}, "type": {"category": "user", "id": 1},
         "activity_date": "today"},
        {"parent": {"type": "person", "id": 3}},
    ],
)  # fmt: skip
def test_create_errors_are_400(sample_client: TestClient, body: dict[str, Any]) -> None:
    error(sample_client.post(f"{API}/activities", json=body, headers=JIM), 400)


@pytest.mark.parametrize(
    "body",
    [
        {"parent": {"type": "x", "id": 1}}, {"activity_types": [{"category": "user"}]},
        {"minimum_activity_date": "x"}, {"page_size": 500}, {"sort_by": "name"},
    ],
)  # fmt: skip
def test_search_errors_are_400(sample_client: TestClient, body: dict[str, Any]) -> None:
    error(sample_client.post(f"{API}/activities/search", json=body, headers=JIM), 400)


def test_other_account_never_sees_or_changes(sample_client: TestClient) -> None:
    mine = log(sample_client, "person", 7, 1, 1_600_000_000)
    error(sample_client.get(f"{API}/activities/{mine['id']}", headers=OTHER), 404)
    error(sample_client.delete(f"{API}/activities/{mine['id']}", headers=OTHER), 404)
    found = sample_client.post(f"{API}/activities/search", headers=OTHER)
    assert found.json() == [] and found.headers["X-PW-TOTAL"] == "0"
    body = {"parent": {"type": "person", "id": 7}, "type": {"category": "user", "id": 1}}
    error(sample_client.post(f"{API}/activities", json=body, headers=OTHER), 400)
    assert counts(sample_client, "people", 7) == (3, 1_600_000_000)
    error(sample_client.get(f"{API}/activities/1", headers={**JIM, "X-PW-Application": "x"}), 401)
