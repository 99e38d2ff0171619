"""`/{entity}/{id}/activities` (a company's include its people's) and
`PUT /activities/{id}`, which moves an interaction's contact date with it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import JIM, OTHER
from tests.copper import API, error

CALL = {"category": "user", "id": 1}
NOTE = {"category": "user", "id": 0}


def log(client: TestClient, kind: str, parent_id: int, when: int, type_: Any = CALL) -> Any:
    body = {"parent": {"type": kind, "id": parent_id}, "type": type_, "activity_date": when}
    response = client.post(f"{API}/activities", json=body, headers=JIM)
    assert response.status_code == 200, response.text
    return response.json()


def listed(client: TestClient, path: str, body: Any = None, method: str = "POST") -> Any:
    response = client.request(method, f"{API}/{path}/activities", json=body, headers=JIM)
    assert response.status_code == 200, response.text
    return [a["id"] for a in response.json()], response.headers["X-PW-TOTAL"]


def test_each_record_lists_its_own_and_a_company_its_peoples(sample_client: TestClient) -> None:
    jon = log(sample_client, "person", 3, 1_700_000_000)
    jack = log(sample_client, "person", 4, 1_700_000_100, NOTE)
    pam = log(sample_client, "lead", 5, 1_700_000_200)
    assert listed(sample_client, "people/3") == ([jon["id"]], "1")
    assert listed(sample_client, "people/3", method="GET") == ([jon["id"]], "1")
    assert listed(sample_client, "leads/5") == ([pam["id"]], "1")
    # people 3 and 4 work at company 2; newest first
    assert listed(sample_client, "companies/2") == ([jack["id"], jon["id"]], "2")
    assert listed(sample_client, "companies/2", {"page_size": 1, "page_number": 2}) == (
        [jon["id"]], "2"
    )  # fmt: skip
    assert listed(sample_client, "companies/2", {"activity_types": [NOTE]}) == ([jack["id"]], "1")
    assert listed(sample_client, "opportunities/4") == ([], "0")


def test_unknown_and_other_accounts_records_are_404(sample_client: TestClient) -> None:
    for path in ("people/999", "companies/999", "leads/5"):
        headers = OTHER if path == "leads/5" else JIM
        error(sample_client.post(f"{API}/{path}/activities", headers=headers), 404)


def test_put_changes_details_and_moves_the_contact_date(sample_client: TestClient) -> None:
    first = log(sample_client, "person", 3, 1_700_000_000)
    log(sample_client, "person", 3, 1_600_000_000)
    path = f"{API}/activities/{first['id']}"
    changed = sample_client.put(path, json={"details": "called back"}, headers=JIM).json()
    assert changed == first | {"details": "called back", "date_modified": changed["date_modified"]}
    person = sample_client.get(f"{API}/people/3", headers=JIM).json()
    assert person["date_last_contacted"] == 1_700_000_000
    moved = sample_client.put(path, json={"activity_date": 1_500_000_000}, headers=JIM).json()
    assert moved["activity_date"] == 1_500_000_000 and moved["details"] == "called back"
    person = sample_client.get(f"{API}/people/3", headers=JIM).json()
    assert person["date_last_contacted"] == 1_600_000_000  # the latest call left
    assert person["interaction_count"] == 2
    sample_client.put(path, json={"activity_date": 1_800_000_000}, headers=JIM)
    person = sample_client.get(f"{API}/people/3", headers=JIM).json()
    assert person["date_last_contacted"] == 1_800_000_000


def test_put_errors(sample_client: TestClient) -> None:
    activity = log(sample_client, "person", 3, 1_700_000_000)
    path = f"{API}/activities/{activity['id']}"
    error(sample_client.put(path, json={"activity_date": "soon"}, headers=JIM), 400)
    error(sample_client.put(path, json={"details": 5}, headers=JIM), 400)
    error(sample_client.put(path, json={"details": "x"}, headers=OTHER), 404)
    error(sample_client.put(f"{API}/activities/999999", json={}, headers=JIM), 404)


def test_activity_search_accepts_sort_by_date_modified(sample_client: TestClient) -> None:
    log(sample_client, "person", 3, 1_700_000_000)
    body = {"sort_by": "date_modified", "page_size": 200}
    response = sample_client.post(f"{API}/activities/search", json=body, headers=JIM)
    assert response.status_code == 200 and response.headers["X-PW-TOTAL"] == "1"
