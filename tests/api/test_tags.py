"""GET /tags: every tag in use, with live counts per record type (converted leads
included), by name, shown in its first spelling; each account sees its own."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import JIM, OTHER
from tests.copper import API, Owner, create, error, put

KEYS = ["name", "count", "count_people", "count_leads", "count_companies",
        "count_opportunities", "count_projects", "count_tasks"]  # fmt: skip


def tags(client: TestClient, headers: dict[str, str] = JIM) -> dict[str, dict[str, Any]]:
    response = client.get(f"{API}/tags", headers=headers)
    assert response.status_code == 200, response.text
    found = response.json()
    assert [list(t) for t in found] == [KEYS] * len(found)
    assert [t["name"].casefold() for t in found] == sorted(t["name"].casefold() for t in found)
    return {t["name"]: t for t in found}


def counts(tag: dict[str, Any]) -> tuple[int, ...]:
    return tuple(tag[k] for k in KEYS[1:])


def test_sample_tags(sample_client: TestClient) -> None:
    found = tags(sample_client)
    assert list(found) == ["blah", "Customer", "paper", "partner", "sample", "tag1"]
    assert counts(found["Customer"]) == (2, 0, 0, 2, 0, 0, 0)  # "customer" on company 4
    assert counts(found["paper"]) == (2, 0, 0, 1, 1, 0, 0)
    assert counts(found["sample"]) == (1, 0, 1, 0, 0, 0, 0)
    assert counts(found["tag1"]) == (1, 1, 0, 0, 0, 0, 0)
    assert tags(sample_client, OTHER) == {}  # its records have no tags


def test_counts_follow_every_write(client: TestClient, owner: Owner) -> None:
    h = owner.headers
    assert tags(client, h) == {}
    person = create(client, "people", h, name="Ann", tags=["VIP", "east"])
    lead = create(client, "leads", h, name="Bo", tags=["vip"])
    company = create(client, "companies", h, name="Co", tags=["Vip"])
    create(client, "opportunities", h, name="Deal", tags=["vip", "q1"])
    found = tags(client, h)
    assert list(found) == ["east", "q1", "VIP"]
    assert counts(found["VIP"]) == (4, 1, 1, 1, 1, 0, 0)
    put(client, "people", person["id"], h, tags=["east"])
    client.delete(f"{API}/companies/{company['id']}", headers=h)
    convert = {"details": {"person": {"name": "Bo Converted"}}}
    response = client.post(f"{API}/leads/{lead['id']}/convert", json=convert, headers=h)
    assert response.status_code == 200, response.text
    found = tags(client, h)
    # the converted lead still counts, and its person took its tags
    assert counts(found["VIP"]) == (3, 1, 1, 0, 1, 0, 0)
    assert counts(found["east"]) == (1, 1, 0, 0, 0, 0, 0)


def test_unused_tags_leave_and_the_first_spelling_stays(client: TestClient, owner: Owner) -> None:
    h = owner.headers
    person = create(client, "people", h, name="Ann", tags=["Blue"])
    create(client, "people", h, name="Bea", tags=["BLUE"])
    assert list(tags(client, h)) == ["Blue"]
    put(client, "people", person["id"], h, tags=[])
    client.delete(f"{API}/people/{person['id'] + 1}", headers=h)
    assert tags(client, h) == {}


def test_errors(sample_client: TestClient) -> None:
    error(sample_client.get(f"{API}/tags", headers={**JIM, "X-PW-AccessToken": "nope"}), 401)
    assert sample_client.get(f"{API}/tags/", headers=JIM).status_code == 200
    assert sample_client.get(f"{API}/tags?{{}}", headers=JIM).status_code == 200
