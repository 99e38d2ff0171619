"""Published Copper clients' habits (copper-surface 10), replayed as they send them."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import JIM
from tests.copper import API

SEARCHES = ["people", "leads", "companies", "opportunities", "tasks", "projects", "activities"]
LISTS = ["/users", "/contact_types", "/customer_sources", "/lead_statuses", "/activity_types",
         "/custom_field_definitions", "/pipelines", "/pipeline_stages", "/loss_reasons",
         "/tags", "/custom_activity_types", "/account", "/users/me", "/people/3"]  # fmt: skip


@pytest.mark.parametrize("route", SEARCHES)
def test_tap_copper_sorts_every_search_by_date_modified(
    sample_client: TestClient, route: str
) -> None:
    """tap-copper: `sort_by: date_modified` on every search, page_size in the query."""
    body = {"sort_by": "date_modified", "sort_direction": "asc"}
    answer = sample_client.post(f"{API}/{route}/search?page_size=100", json=body, headers=JIM)
    assert answer.status_code == 200, answer.text
    found = answer.json()
    stamps = [r["date_modified"] for r in found]
    assert route == "activities" or stamps == sorted(stamps)
    assert int(answer.headers["X-PW-TOTAL"]) == len(found)


@pytest.mark.parametrize("path", LISTS)
def test_parsons_junk_query_string_on_gets(sample_client: TestClient, path: str) -> None:
    """parsons sends `params=json.dumps({})`: a literal `?{}` on every GET."""
    clean = sample_client.get(API + path, headers=JIM)
    junk = sample_client.get(API + path + "?{}", headers=JIM)
    assert clean.status_code == junk.status_code == 200
    assert junk.json() == clean.json()


@pytest.mark.parametrize("path", ["/companies/search/", "/people/3/", "/users/", "/pipelines/",
                                  "/loss_reasons/", "/tasks/search/"])  # fmt: skip
def test_prospyr_trailing_slashes(sample_client: TestClient, path: str) -> None:
    method = "POST" if path.endswith("search/") else "GET"
    answer = sample_client.request(method, API + path, headers=JIM)
    assert answer.status_code == 200, answer.text


def _create_or_update(client: TestClient, name: str, fields: dict[str, Any]) -> Any:
    """Pipedream's "create or update person": search by name, update the exact match
    if there is one, else create."""
    found = client.post(f"{API}/people/search", json={"name": name}, headers=JIM).json()
    exact = [p for p in found if p["name"] == name]
    if exact:
        return client.put(f"{API}/people/{exact[0]['id']}", json=fields, headers=JIM).json()
    return client.post(f"{API}/people", json={"name": name} | fields, headers=JIM).json()


def test_pipedream_create_or_update_by_name(sample_client: TestClient) -> None:
    created = _create_or_update(sample_client, "Erin Hannon", {"title": "Receptionist"})
    updated = _create_or_update(sample_client, "Erin Hannon", {"title": "Office Manager"})
    assert updated["id"] == created["id"] and updated["title"] == "Office Manager"
    again = sample_client.post(f"{API}/people/search", json={"name": "Erin Hannon"}, headers=JIM)
    assert [p["id"] for p in again.json() if p["name"] == "Erin Hannon"] == [created["id"]]
