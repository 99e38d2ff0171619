"""/tasks and /projects over HTTP: CRUD in Copper's shapes, completed_date following the
status, related resources, search filters and sort keys, errors and isolation."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import JIM, OTHER, FakeClock
from tests.copper import API, create, error, put

TASK_KEYS = (
    "id", "name", "related_resource", "assignee_id", "due_date", "reminder_date",
    "completed_date", "priority", "status", "details", "tags", "custom_fields",
    "date_created", "date_modified", "custom_activity_type_id",
)  # fmt: skip
PROJECT_KEYS = (
    "id", "name", "related_resource", "assignee_id", "status", "details", "tags",
    "custom_fields", "date_created", "date_modified",
)  # fmt: skip


def search(client: TestClient, plural: str, body: dict[str, Any]) -> tuple[list[int], int]:
    response = client.post(f"{API}/{plural}/search", json=body, headers=JIM)
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()], int(response.headers["X-PW-TOTAL"])


def test_task_in_copper_shape(sample_client: TestClient) -> None:
    task = create(sample_client, "tasks", name="Call Jim", due_date=1_700_100_000,
                  related_resource={"id": 5, "type": "person"}, tags=["q1"],
                  priority="high", details="about paper")  # fmt: skip
    assert tuple(task) == TASK_KEYS
    assert task["related_resource"] == {"id": 5, "type": "person"}
    assert task["status"] == "Open" and task["priority"] == "High"
    assert task["completed_date"] is None and task["date_created"] == 1_700_000_000
    assert sample_client.get(f"{API}/tasks/{task['id']}", headers=JIM).json() == task
    bare = create(sample_client, "tasks", name="Nothing")
    assert bare["related_resource"] == {"id": None, "type": None}


def test_completed_date_follows_the_status(sample_client: TestClient, clock: FakeClock) -> None:
    task = create(sample_client, "tasks", name="File reports")
    clock.advance(60)
    done = put(sample_client, "tasks", task["id"], status="Completed").json()
    assert done["completed_date"] == 1_700_000_060
    clock.advance(60)
    renamed = put(sample_client, "tasks", task["id"], name="File the reports").json()
    assert renamed["completed_date"] == 1_700_000_060  # stays while completed
    reopened = put(sample_client, "tasks", task["id"], status="open").json()
    assert reopened["status"] == "Open" and reopened["completed_date"] is None
    ignored = put(sample_client, "tasks", task["id"], completed_date=5).json()
    assert ignored["completed_date"] is None  # kept by the server


def test_project_in_copper_shape(sample_client: TestClient) -> None:
    project = create(sample_client, "projects", name="Website", assignee_id=1)
    assert tuple(project) == PROJECT_KEYS
    assert project["related_resource"] is None and project["status"] == "Open"
    linked = put(sample_client, "projects", project["id"],
                 related_resource={"id": 3, "type": "company"}).json()  # fmt: skip
    assert linked["related_resource"] == {"id": 3, "type": "company"}


@pytest.mark.parametrize(
    ("plural", "body", "field", "status"),
    [
        ("tasks", {}, "name", 422),
        ("tasks", {"name": " "}, "name", 422),
        ("tasks", {"name": "x", "status": "Done"}, "status", 400),
        ("tasks", {"name": "x", "due_date": "tomorrow"}, "due_date", 400),
        ("tasks", {"name": "x", "related_resource": {"id": 5, "type": "user"}},
         "related_resource.type", 400),
        ("tasks", {"name": "x", "related_resource": {"id": 999, "type": "person"}},
         "related_resource.id", 400),
        ("tasks", {"name": "x", "assignee_id": 999}, "assignee_id", 400),
        ("projects", {"name": "x", "status": "Won"}, "status", 400),
        ("projects", {"name": "x", "related_resource": {"id": 5, "type": "lead"}},
         "related_resource.type", 400),
    ],
)  # fmt: skip
def test_bad_bodies(
    sample_client: TestClient, plural: str, body: dict[str, Any], field: str, status: int
) -> None:
    assert field in error(sample_client.post(f"{API}/{plural}", json=body, headers=JIM), status)


def test_task_search_filters_and_sorts(sample_client: TestClient, clock: FakeClock) -> None:
    project = create(sample_client, "projects", name="Launch")
    opp = 4  # the sample's opportunity
    a = create(sample_client, "tasks", name="Alpha call", due_date=300, assignee_id=1,
               related_resource={"id": project["id"], "type": "project"})  # fmt: skip
    b = create(sample_client, "tasks", name="beta mail", due_date=100,
               related_resource={"id": opp, "type": "opportunity"}, tags=["x"])  # fmt: skip
    c = create(sample_client, "tasks", name="Gamma", status="Completed")
    ids = [a["id"], b["id"], c["id"]]
    assert search(sample_client, "tasks", {}) == ([b["id"], a["id"], c["id"]], 3)
    assert search(sample_client, "tasks", {"statuses": ["completed"]}) == ([c["id"]], 1)
    assert search(sample_client, "tasks", {"project_ids": [project["id"]]})[0] == [a["id"]]
    assert search(sample_client, "tasks", {"project_ids": [-2]})[0] == [b["id"], c["id"]]
    assert search(sample_client, "tasks", {"opportunity_ids": [opp]})[0] == [b["id"]]
    assert search(sample_client, "tasks", {"assignee_ids": [-2]})[1] == 2
    assert search(sample_client, "tasks", {"name": "ALPHA"})[0] == [a["id"]]
    assert search(sample_client, "tasks", {"tags": ["X"]})[0] == [b["id"]]
    assert search(sample_client, "tasks", {"maximum_due_date": 200})[0] == [b["id"]]
    by_name = search(sample_client, "tasks", {"sort_by": "name", "sort_direction": "desc"})
    assert by_name[0] == [c["id"], b["id"], a["id"]]
    assert sorted(search(sample_client, "tasks", {"sort_by": "related_to"})[0]) == sorted(ids)
    error(sample_client.post(f"{API}/tasks/search", json={"sort_by": "x"}, headers=JIM), 400)
    error(sample_client.post(f"{API}/tasks/search", json={"statuses": ["Done"]}, headers=JIM),
          400)  # fmt: skip


def test_project_status_filters(sample_client: TestClient) -> None:
    open_one = create(sample_client, "projects", name="Open one")
    done = create(sample_client, "projects", name="Done one", status="Completed")
    assert search(sample_client, "projects", {"status_ids": [1]}) == ([done["id"]], 1)
    assert search(sample_client, "projects", {"statuses": ["Open"]})[0] == [open_one["id"]]
    assert search(sample_client, "projects", {"name": "one"})[0] == [done["id"], open_one["id"]]
    error(sample_client.post(f"{API}/projects/search", json={"status_ids": [2]}, headers=JIM),
          400)  # fmt: skip


def test_other_accounts_never_see_tasks_or_projects(sample_client: TestClient) -> None:
    task = create(sample_client, "tasks", name="Mine")
    project = create(sample_client, "projects", name="Mine too")
    for path in (f"tasks/{task['id']}", f"projects/{project['id']}"):
        error(sample_client.get(f"{API}/{path}", headers=OTHER), 404)
        error(sample_client.put(f"{API}/{path}", json={"name": "x"}, headers=OTHER), 404)
        error(sample_client.delete(f"{API}/{path}", headers=OTHER), 404)
    theirs = sample_client.post(f"{API}/tasks/search", json={}, headers=OTHER)
    assert theirs.json() == [] and theirs.headers["X-PW-TOTAL"] == "0"
    bad = {"name": "x", "related_resource": {"id": 5, "type": "person"}}
    error(sample_client.post(f"{API}/tasks", json=bad, headers=OTHER), 400)


def test_delete_task_and_project(sample_client: TestClient) -> None:
    task = create(sample_client, "tasks", name="Gone")
    deleted = sample_client.delete(f"{API}/tasks/{task['id']}", headers=JIM).json()
    assert deleted == {"id": task["id"], "is_deleted": True}
    error(sample_client.get(f"{API}/tasks/{task['id']}", headers=JIM), 404)
    assert search(sample_client, "tasks", {}) == ([], 0)
