"""Bulk create and update (SPEC.md 7): each item alone, Copper's per-item results, the
limit of 10 (more is 422 and changes nothing), `--bulk-limit` to raise it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import JIM, OTHER, SAMPLE
from tests.copper import API, error
from verdigris.api.app import create_app
from verdigris.config import Settings
from verdigris.snapshot.load import load_snapshot


def bulk(client: TestClient, path: str, body: Any, headers: dict[str, str] = JIM) -> Any:
    response = client.post(f"{API}/{path}", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def total(client: TestClient, plural: str) -> int:
    found = client.post(f"{API}/{plural}/search", json={}, headers=JIM)
    return int(found.headers["X-PW-TOTAL"])


@pytest.mark.parametrize("plural", ["people", "leads", "companies"])
def test_bulk_create_keeps_the_good_items(sample_client: TestClient, plural: str) -> None:
    before = total(sample_client, plural)
    items = [{"name": "Bulk One"}, {"name": 5}, {"name": "Bulk Two", "tags": ["bulk"]}]
    results = bulk(sample_client, f"{plural}/bulk_create", {plural: items})
    assert [r.get("name") for r in results] == ["Bulk One", None, "Bulk Two"]
    assert results[1] == {
        "success": False,
        "message": {"name": [{"error": results[1]["message"]["name"][0]["error"]}]},
    }
    assert total(sample_client, plural) == before + 2
    one = sample_client.get(f"{API}/{plural}/{results[0]['id']}", headers=JIM).json()
    assert one == results[0]


@pytest.mark.parametrize(("plural", "record_id"), [("people", 3), ("leads", 5), ("companies", 2)])
def test_bulk_update_answers_each_item(
    sample_client: TestClient, plural: str, record_id: int
) -> None:
    items = [{"id": record_id, "details": "bulk"}, {"id": 999999, "details": "x"},
             {"id": record_id, "tags": "not a list of strings", "details": "never"}]  # fmt: skip
    results = bulk(sample_client, f"{plural}/bulk_update", {plural: items})
    assert results[0]["id"] == record_id and results[0]["details"] == "bulk"
    assert results[1]["success"] is False and results[1]["id"] == 999999
    assert results[2]["success"] is False and results[2]["id"] == record_id
    shown = sample_client.get(f"{API}/{plural}/{record_id}", headers=JIM).json()
    assert shown["details"] == "bulk"  # the failed third item changed nothing


def test_bulk_create_activities(sample_client: TestClient) -> None:
    call = {"parent": {"type": "person", "id": 3}, "type": {"category": "user", "id": 1},
            "activity_date": 1_700_000_000}  # fmt: skip
    bad = call | {"parent": {"type": "person", "id": 999}}
    results = bulk(sample_client, "activities/bulk_create", {"activities": [call, bad]})
    assert results[0]["parent"] == {"id": 3, "type": "person"}
    assert results[1]["success"] is False
    person = sample_client.get(f"{API}/people/3", headers=JIM).json()
    assert person["interaction_count"] == 1


def test_over_the_limit_is_422_and_changes_nothing(sample_client: TestClient) -> None:
    before = total(sample_client, "people")
    items = [{"name": f"P{i}"} for i in range(11)]
    response = sample_client.post(f"{API}/people/bulk_create", json={"people": items}, headers=JIM)
    assert response.status_code == 422
    assert response.json() == {"error": "Request size too large, limit is 10"}
    assert total(sample_client, "people") == before


def test_bad_bodies_and_isolation(sample_client: TestClient) -> None:
    error(sample_client.post(f"{API}/people/bulk_create", json={}, headers=JIM), 400)
    results = bulk(sample_client, "people/bulk_create", {"people": ["not an object"]})
    assert results[0]["success"] is False
    results = bulk(sample_client, "people/bulk_update", {"people": [{"id": 3, "details": "x"}]},
                   OTHER)  # fmt: skip
    assert results[0]["success"] is False and results[0]["id"] == 3


@pytest.fixture
def roomy_client(db_url: str, engine: Engine) -> Iterator[TestClient]:
    load_snapshot(engine, SAMPLE)
    settings = Settings(database_url=db_url, migrate_on_start=False, bulk_limit=200)
    with TestClient(create_app(settings)) as client:
        yield client


def test_a_raised_limit_takes_200(roomy_client: TestClient) -> None:
    items = [{"name": f"Roomy {i}", "emails": [{"email": f"r{i}@x.example", "category": "work"}]}
             for i in range(200)]  # fmt: skip
    results = bulk(roomy_client, "people/bulk_create", {"people": items})
    assert len({r["id"] for r in results}) == 200


def test_a_bulk_item_is_the_record_a_single_create_makes(sample_client: TestClient) -> None:
    company = sample_client.post(f"{API}/companies", json={"name": "Twin Co"}, headers=JIM)
    body = {"name": "Ann Twin", "emails": [{"email": "ann@twin.example", "category": "work"}],
            "tags": ["Twin"], "title": "Buyer", "company_id": company.json()["id"],
            "phone_numbers": [{"number": "555 0100", "category": "mobile"}]}  # fmt: skip
    made = bulk(sample_client, "people/bulk_create", {"people": [body]})[0]
    sample_client.delete(f"{API}/people/{made['id']}", headers=JIM)
    single = sample_client.post(f"{API}/people", json=body, headers=JIM).json()
    differ = {"id", "date_created", "date_modified"}
    assert {k: v for k, v in made.items() if k not in differ} == {
        k: v for k, v in single.items() if k not in differ
    }
    assert list(made) == list(single)
    found = sample_client.post(f"{API}/people/search", json={"name": "Ann Twin"}, headers=JIM)
    assert [p["id"] for p in found.json()] == [single["id"]]
    assert made["company_name"] == "Twin Co"


def test_items_of_one_bulk_cannot_share_an_email(sample_client: TestClient) -> None:
    email = {"email": "Same@One.example", "category": "work"}
    items = [{"name": "First", "emails": [email]}, {"name": ""},  # fails: no name
             {"name": "Second", "emails": [email | {"email": "same@one.EXAMPLE"}]},
             {"name": 7}, {"name": "Third"}]  # fmt: skip
    results = bulk(sample_client, "people/bulk_create", {"people": items})
    first, third = results[0], results[4]
    assert results[2] == {"success": False, "message": {"emails": [
        {"error": f"same@one.example is already used by person {first['id']}"}]}}  # fmt: skip
    assert results[1]["success"] is False and results[3]["success"] is False
    assert third["id"] == first["id"] + 1  # a failed item takes no id
    after = sample_client.post(f"{API}/people", json={"name": "After"}, headers=JIM).json()
    assert after["id"] == third["id"] + 1


def test_items_of_one_bulk_cannot_share_a_company_domain(sample_client: TestClient) -> None:
    items = [{"name": "Dom A", "email_domain": "shared.example"},
             {"name": "Dom B", "email_domain": "SHARED.example"}]  # fmt: skip
    results = bulk(sample_client, "companies/bulk_create", {"companies": items})
    assert results[0]["email_domain"] == "shared.example"
    assert results[1]["success"] is False
    assert str(results[0]["id"]) in results[1]["message"]["email_domain"][0]["error"]
