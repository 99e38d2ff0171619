"""Related items over HTTP (SPEC.md 7): one relation store behind every route, a person's
company, an opportunity's people, a task's related resource; limits, errors, isolation."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import JIM, OTHER
from tests.copper import API, create, error, put


def related(client: TestClient, path: str, headers: dict[str, str] = JIM) -> Any:
    """GET /{path}/related, or the path itself when it names a related list."""
    url = f"{API}/{path}" if "/related" in path else f"{API}/{path}/related"
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def relate(client: TestClient, path: str, kind: str, other: int, headers: Any = JIM) -> Any:
    body = {"resource": {"id": other, "type": kind}}
    return client.post(f"{API}/{path}/related", json=body, headers=headers)


def unrelate(client: TestClient, path: str, kind: str, other: int, headers: Any = JIM) -> Any:
    body = {"resource": {"id": other, "type": kind}}
    return client.request("DELETE", f"{API}/{path}/related", json=body, headers=headers)


def test_relating_a_person_to_a_company_sets_company_id(sample_client: TestClient) -> None:
    person = create(sample_client, "people", name="Kevin Malone")
    response = relate(sample_client, "companies/3", "person", person["id"])
    assert response.json() == {"added": True, "resource": {"id": person["id"], "type": "person"}}
    assert related(sample_client, f"people/{person['id']}")[0] == {"id": 3, "type": "company"}
    assert related(sample_client, f"people/{person['id']}")[0] == {"id": 3, "type": "company"}
    shown = sample_client.get(f"{API}/people/{person['id']}", headers=JIM).json()
    assert shown["company_id"] == 3 and shown["company_name"] == "Dunder Mifflin (sample)"
    assert relate(sample_client, f"people/{person['id']}", "company", 3).status_code == 200
    assert "remove that relation first" in error(
        relate(sample_client, f"people/{person['id']}", "company", 4), 422
    )
    removed = unrelate(sample_client, f"people/{person['id']}", "company", 3)
    assert removed.json()["removed"] is True
    shown = sample_client.get(f"{API}/people/{person['id']}", headers=JIM).json()
    assert shown["company_id"] is None
    assert {"id": person["id"], "type": "person"} not in related(sample_client, "companies/3")


def test_put_company_id_shows_in_related(sample_client: TestClient) -> None:
    person = create(sample_client, "people", name="Oscar Martinez", company_id=3)
    assert {"id": 3, "type": "company"} in related(sample_client, f"people/{person['id']}")
    put(sample_client, "people", person["id"], company_id=4)
    mine = related(sample_client, f"people/{person['id']}/related/companies")
    assert mine == [{"id": 4, "type": "company"}]
    assert {"id": person["id"], "type": "person"} in related(sample_client, "companies/4")
    assert {"id": person["id"], "type": "person"} not in related(sample_client, "companies/3")


def test_opportunity_people_and_the_people_filter(sample_client: TestClient) -> None:
    opp = create(sample_client, "opportunities", name="Reams", primary_contact_id=3)
    assert relate(sample_client, f"opportunities/{opp['id']}", "person", 4).status_code == 200
    assert relate(sample_client, "people/5", "opportunity", opp["id"]).status_code == 200
    people = related(sample_client, f"opportunities/{opp['id']}/related/people")
    assert people == [{"id": 3, "type": "person"}, {"id": 4, "type": "person"},
                      {"id": 5, "type": "person"}]  # fmt: skip
    body = {"opportunity_ids": [opp["id"]]}
    found = sample_client.post(f"{API}/people/search", json=body, headers=JIM).json()
    assert sorted(p["id"] for p in found) == [3, 4, 5]
    unrelate(sample_client, f"opportunities/{opp['id']}", "person", 3)  # the primary contact
    assert (
        sample_client.get(f"{API}/opportunities/{opp['id']}", headers=JIM).json()[
            "primary_contact_id"
        ]
        is None
    )
    found = sample_client.post(f"{API}/people/search", json=body, headers=JIM).json()
    assert sorted(p["id"] for p in found) == [4, 5]


def test_a_task_relates_to_one_record(sample_client: TestClient) -> None:
    task = create(sample_client, "tasks", name="Follow up")
    assert relate(sample_client, f"tasks/{task['id']}", "lead", 5).status_code == 200
    shown = sample_client.get(f"{API}/tasks/{task['id']}", headers=JIM).json()
    assert shown["related_resource"] == {"id": 5, "type": "lead"}
    assert related(sample_client, "leads/5/related/tasks") == [{"id": task["id"], "type": "task"}]
    assert "remove that relation first" in error(
        relate(sample_client, "people/5", "task", task["id"]), 422
    )
    unrelate(sample_client, "leads/5", "task", task["id"])
    shown = sample_client.get(f"{API}/tasks/{task['id']}", headers=JIM).json()
    assert shown["related_resource"] == {"id": None, "type": None}


def test_projects_relate_to_many(sample_client: TestClient) -> None:
    project = create(sample_client, "projects", name="Expo",
                     related_resource={"id": 3, "type": "company"})  # fmt: skip
    path = f"projects/{project['id']}"
    for kind, other in (("person", 5), ("opportunity", 4), ("company", 4)):
        assert relate(sample_client, path, kind, other).status_code == 200
    assert related(sample_client, path) == [
        {"id": 3, "type": "company"}, {"id": 5, "type": "person"},
        {"id": 4, "type": "company"}, {"id": 4, "type": "opportunity"},
    ]  # fmt: skip
    assert related(sample_client, f"{path}/related/companies") == [
        {"id": 3, "type": "company"}, {"id": 4, "type": "company"},
    ]  # fmt: skip


def test_deleting_a_record_drops_its_relations(sample_client: TestClient) -> None:
    task = create(sample_client, "tasks", name="Call", related_resource={"id": 5, "type": "person"})
    project = create(sample_client, "projects", name="P")
    relate(sample_client, f"projects/{project['id']}", "person", 5)
    sample_client.delete(f"{API}/people/5", headers=JIM)
    shown = sample_client.get(f"{API}/tasks/{task['id']}", headers=JIM).json()
    assert shown["related_resource"] == {"id": None, "type": None}
    assert related(sample_client, f"projects/{project['id']}") == []


@pytest.mark.parametrize(
    ("path", "body", "status", "fragment"),
    [
        ("people/5/related", {"resource": {"id": 5, "type": "lead"}}, 422, "cannot be related"),
        ("people/5/related", {"resource": {"id": 999, "type": "company"}}, 404, "company 999"),
        ("people/999/related", {"resource": {"id": 3, "type": "company"}}, 404, "person 999"),
        ("people/5/related", {"resource": {"id": 3}}, 400, "resource.type"),
        ("people/5/related", {"resource": {"id": "3", "type": "company"}}, 400, "resource.id"),
        ("people/5/related", {}, 400, "resource"),
        ("widgets/5/related", {"resource": {"id": 3, "type": "company"}}, 404, "widgets"),
    ],
)  # fmt: skip
def test_bad_relations(
    sample_client: TestClient, path: str, body: dict[str, Any], status: int, fragment: str
) -> None:
    assert fragment in error(sample_client.post(f"{API}/{path}", json=body, headers=JIM), status)


def test_unrelating_what_is_not_related_is_422(sample_client: TestClient) -> None:
    message = error(unrelate(sample_client, "people/3", "opportunity", 4), 422)
    assert "Resources are not related" in message


def test_relations_stay_in_their_account(sample_client: TestClient) -> None:
    error(relate(sample_client, "companies/3", "person", 5, OTHER), 404)
    error(sample_client.get(f"{API}/people/5/related", headers=OTHER), 404)
    mine = create(sample_client, "people", name="Toby Flenderson")
    error(relate(sample_client, f"people/{mine['id']}", "company", 3, OTHER), 404)
