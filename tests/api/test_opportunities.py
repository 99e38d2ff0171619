"""/opportunities over HTTP: CRUD, related people, search, errors and isolation."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import JIM, OTHER
from tests.copper import API, OPPORTUNITY_KEYS, add_pipeline, error
from tests.copper import create as create_record
from tests.copper import put as put_record


def create(client: TestClient, **fields: Any) -> dict[str, Any]:
    return create_record(client, "opportunities", **fields)


def put(client: TestClient, record_id: int, **fields: Any) -> Any:
    return put_record(client, "opportunities", record_id, **fields)


def test_create_renders_copper_opportunity(sample_client: TestClient) -> None:
    opp = create(
        sample_client, name="Chairs", company_id=3, primary_contact_id=5, monetary_value=2500.0,
        monetary_unit="USD", priority="high", tags=["q1"], win_probability=40,
        close_date="1/17/2018", related_people=[3, 4],
    )  # fmt: skip
    assert tuple(opp) == OPPORTUNITY_KEYS
    assert opp["status"] == "Open" and opp["priority"] == "High"
    assert opp["company_name"] == "Dunder Mifflin (sample)"
    assert opp["monetary_value"] == 2500 and opp["win_probability"] == 40
    assert opp["custom_fields"] == [] or all("value" in c for c in opp["custom_fields"])
    assert sample_client.get(f"{API}/opportunities/{opp['id']}", headers=JIM).json() == opp
    path = f"{API}/opportunities/{opp['id']}/related"
    people = sample_client.get(f"{path}/people", headers=JIM).json()
    assert people == [{"id": 5, "type": "person"}, {"id": 3, "type": "person"},
                      {"id": 4, "type": "person"}]  # fmt: skip
    related = sample_client.get(path, headers=JIM).json()
    assert related[:2] == [{"id": 3, "type": "company"}, {"id": 5, "type": "person"}]
    assert len(related) == 4


def test_related_people_drive_people_search(sample_client: TestClient) -> None:
    opp = create(sample_client, name="Reams", primary_contact_id=3, related_people=[4])
    body = {"opportunity_ids": [opp["id"]]}
    response = sample_client.post(f"{API}/people/search", json=body, headers=JIM)
    if response.status_code == 404:
        pytest.skip("people search not there yet")
    assert sorted(p["id"] for p in response.json()) == [3, 4]


def test_update_is_partial(sample_client: TestClient, clock: Any, engine: Engine) -> None:
    add_pipeline(engine, 1, 9, [7])
    opp = create(sample_client, name="Toner", details="d", related_people=[3])
    assert (opp["pipeline_id"], opp["pipeline_stage_id"], opp["win_probability"]) == (3, 10, 5)
    clock.advance(10)
    path = f"{API}/opportunities/{opp['id']}"
    changed = sample_client.put(path, json={"status": "Won", "pipeline_stage_id": 7}, headers=JIM)
    body = changed.json()
    assert body["status"] == "Won" and body["details"] == "d" and body["name"] == "Toner"
    assert body["date_modified"] == body["date_stage_changed"] == 1_700_000_010
    assert (body["pipeline_id"], body["pipeline_stage_id"], body["win_probability"]) == (9, 7, 0)
    cleared = sample_client.put(path, json={"details": None, "related_people": []}, headers=JIM)
    assert cleared.json()["details"] is None
    assert sample_client.get(f"{path}/related", headers=JIM).json() == []


def test_delete(sample_client: TestClient) -> None:
    response = sample_client.delete(f"{API}/opportunities/4", headers=JIM)
    assert response.json() == {"id": 4, "is_deleted": True}
    error(sample_client.get(f"{API}/opportunities/4", headers=JIM), 404)
    error(sample_client.delete(f"{API}/opportunities/4", headers=JIM), 404)


def test_deleting_a_company_clears_it_from_opportunities(sample_client: TestClient) -> None:
    opp = create(sample_client, name="Desk", company_id=4)
    sample_client.delete(f"{API}/companies/4", headers=JIM)
    got = sample_client.get(f"{API}/opportunities/{opp['id']}", headers=JIM).json()
    assert got["company_id"] is None and got["company_name"] is None


def test_search(sample_client: TestClient) -> None:
    for name in ("b paper", "A Paper", "c"):
        create(sample_client, name=name)
    found = sample_client.post(f"{API}/opportunities/search", json={"name": "paper"}, headers=JIM)
    assert [o["name"] for o in found.json()] == ["A Paper", "b paper", "Paper order (sample)"]
    assert found.headers["X-PW-TOTAL"] == "3"
    desc = sample_client.post(
        f"{API}/opportunities/search?page_size=1&sort_direction=DESC", headers=JIM
    )
    assert [o["name"] for o in desc.json()] == ["Paper order (sample)"]
    assert desc.headers["X-PW-TOTAL"] == "5"
    error(
        sample_client.post(f"{API}/opportunities/search", json={"sort_by": "x"}, headers=JIM), 400
    )
    error(sample_client.post(f"{API}/opportunities/search?page_size=0", headers=JIM), 400)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 422), ({"name": ""}, 422), ({"name": 1}, 400), ({"name": "x", "status": "Done"}, 400),
        ({"name": "x", "priority": 3}, 400), ({"name": "x", "win_probability": 101}, 400),
        ({"name": "x", "company_id": 999}, 400), ({"name": "x", "primary_contact_id": 999}, 400),
        ({"name": "x", "related_people": [3, 999]}, 400),
        ({"name": "x", "related_people": "a"}, 400),
        ({"name": "x", "monetary_value": "1"}, 400), ({"name": "x", "pipeline_id": 1.5}, 400),
        ({"name": "x", "customer_source_id": 999}, 400),
        ({"name": "x", "custom_fields": [{"custom_field_definition_id": 3, "value": "a"}]}, 400),
    ],
)  # fmt: skip
def test_create_errors(sample_client: TestClient, body: dict[str, Any], status: int) -> None:
    message = error(sample_client.post(f"{API}/opportunities", json=body, headers=JIM), status)
    for key in body:
        if key != "name" or status == 422:
            assert key in message or status == 422


def test_update_errors(sample_client: TestClient) -> None:
    error(sample_client.put(f"{API}/opportunities/999", json={}, headers=JIM), 404)
    error(sample_client.put(f"{API}/opportunities/4", json={"name": None}, headers=JIM), 422)
    error(sample_client.put(f"{API}/opportunities/4", content=b"[1]", headers=JIM), 400)
    error(sample_client.get(f"{API}/opportunities/4", headers={**JIM, "X-PW-UserEmail": "x"}), 401)


def test_other_account_never_sees_or_changes(sample_client: TestClient) -> None:
    error(sample_client.get(f"{API}/opportunities/4", headers=OTHER), 404)
    error(sample_client.get(f"{API}/opportunities/4/related", headers=OTHER), 404)
    error(sample_client.put(f"{API}/opportunities/4", json={"name": "x"}, headers=OTHER), 404)
    error(sample_client.delete(f"{API}/opportunities/4", headers=OTHER), 404)
    found = sample_client.post(f"{API}/opportunities/search", headers=OTHER)
    assert found.json() == [] and found.headers["X-PW-TOTAL"] == "0"
    body = {"name": "x", "primary_contact_id": 5}
    error(sample_client.post(f"{API}/opportunities", json=body, headers=OTHER), 400)
    assert (
        sample_client.get(f"{API}/opportunities/4", headers=JIM).json()["name"]
        == "Paper order (sample)"
    )
