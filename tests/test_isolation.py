"""Another account's token never sees or changes a record, on any endpoint."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import JIM, OTHER
from tests.copper import API

# Records of account 1 (Dunder Mifflin): person 3, lead 5, company 2, opportunity 4.
FOREIGN = [
    ("GET", "/people/3", None),
    ("PUT", "/people/3", {"title": "stolen"}),
    ("DELETE", "/people/3", None),
    ("GET", "/leads/5", None),
    ("PUT", "/leads/5", {"title": "stolen"}),
    ("DELETE", "/leads/5", None),
    ("POST", "/leads/5/convert", {"details": {}}),
    ("POST", "/people/3/follow", None),
    ("DELETE", "/leads/5/follow", None),
    ("GET", "/companies/2", None),
    ("PUT", "/companies/2", {"name": "stolen"}),
    ("DELETE", "/companies/2", None),
    ("GET", "/opportunities/4", None),
    ("PUT", "/opportunities/4", {"name": "stolen"}),
    ("DELETE", "/opportunities/4", None),
    ("GET", "/users/2", None),
    ("GET", "/custom_field_definitions/12", None),
    ("GET", "/custom_activity_types/4", None),
    ("PUT", "/custom_activity_types/4", {"name": "stolen"}),
    ("GET", "/pipeline_stages/pipeline/3", None),
]


@pytest.mark.parametrize(("method", "path", "body"), FOREIGN)
def test_foreign_records_are_not_found(
    sample_client: TestClient, method: str, path: str, body: dict[str, object] | None
) -> None:
    response = sample_client.request(method, API + path, json=body, headers=OTHER)
    assert response.status_code == 404, response.text
    # ... and nothing changed for their owner.
    if method != "GET" and path.count("/") == 2:
        assert sample_client.get(API + path, headers=JIM).status_code == 200


def test_foreign_activity_parent_is_refused(sample_client: TestClient) -> None:
    body = {"parent": {"type": "person", "id": 3}, "type": {"category": "user", "id": 0},
            "details": "x", "activity_date": 1516000000}  # fmt: skip
    response = sample_client.post(API + "/activities", json=body, headers=OTHER)
    assert response.status_code in (400, 404), response.text
    person = sample_client.get(API + "/people/3", headers=JIM).json()
    assert person["interaction_count"] == 0


@pytest.mark.parametrize(
    "path", ["/people/search", "/leads/search", "/companies/search", "/opportunities/search",
             "/activities/search", "/users/search"],
)  # fmt: skip
def test_searches_see_only_their_account(sample_client: TestClient, path: str) -> None:
    mine = sample_client.post(API + path, json={"page_size": 200}, headers=OTHER)
    assert mine.status_code == 200, mine.text
    theirs = sample_client.post(API + path, json={"page_size": 200}, headers=JIM)
    mine_ids = {r["id"] for r in mine.json()}
    their_ids = {r["id"] for r in theirs.json()}
    if path == "/leads/search":
        assert mine_ids == {9150547, 9150552, 9150578}
    assert not (mine_ids & their_ids)


def test_foreign_email_is_not_found_nor_a_duplicate(sample_client: TestClient) -> None:
    body = {"email": "jhalpert@prosperworks.com"}
    response = sample_client.post(API + "/people/fetch_by_email", json=body, headers=OTHER)
    assert response.status_code == 404
    person = {"name": "Jim Elsewhere", "emails": [{"email": "jhalpert@prosperworks.com",
                                                   "category": "work"}]}  # fmt: skip
    assert sample_client.post(API + "/people", json=person, headers=OTHER).status_code == 200


def test_lookups_are_per_account(sample_client: TestClient) -> None:
    statuses = sample_client.get(API + "/lead_statuses", headers=OTHER).json()
    assert [s["id"] for s in statuses] == [208231]
    assert sample_client.get(API + "/account", headers=OTHER).json()["id"] == 2
