"""Lookups over HTTP: contact types, sources, statuses, activity types, users, account,
and custom field definitions (create, update, delete and what that does to records)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import JIM, OTHER
from tests.copper import API, error


def get(client: TestClient, path: str, headers: dict[str, str] = JIM) -> Any:
    response = client.get(API + path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def values(record: dict[str, Any]) -> dict[int, Any]:
    return {e["custom_field_definition_id"]: e["value"] for e in record["custom_fields"]}


def test_named_lookups(sample_client: TestClient) -> None:
    assert get(sample_client, "/contact_types")[0] == {"id": 5, "name": "Potential Customer"}
    assert [s["id"] for s in get(sample_client, "/customer_sources")] == [3, 4, 5]
    assert get(sample_client, "/contact_types", OTHER) == [
        {"id": 451490, "name": "Potential Customer"}
    ]  # fmt: skip


def test_lead_statuses(sample_client: TestClient) -> None:
    statuses = get(sample_client, "/lead_statuses")
    assert statuses[0] == {"id": 5, "name": "New", "order": 1, "is_default": False}
    assert [s["order"] for s in statuses] == [1, 2, 3, 4]


def test_activity_types(sample_client: TestClient) -> None:
    types = get(sample_client, "/activity_types")
    assert list(types) == ["user", "system"]
    assert types["user"][1] == {
        "id": 1, "category": "user", "name": "Phone Call", "is_disabled": False,
        "count_as_interaction": True,
    }  # fmt: skip


def test_account_and_users(sample_client: TestClient) -> None:
    assert get(sample_client, "/account") == {"id": 1, "name": "Dunder Mifflin (sample)"}
    assert get(sample_client, "/users/2") == {
        "id": 2, "name": "Jim Halpert", "email": "jim.halpert@dundermifflin.com"
    }  # fmt: skip
    assert [u["id"] for u in get(sample_client, "/users")] == [1, 2]
    assert error(sample_client.get(f"{API}/users/3", headers=JIM), 404)  # another account's
    assert error(sample_client.get(f"{API}/users/{2**70}", headers=JIM), 404)


def test_users_me_is_the_token_owner(sample_client: TestClient) -> None:
    assert get(sample_client, "/users/me") == get(sample_client, "/users/2")
    assert get(sample_client, "/users/me", OTHER)["email"] == OTHER["X-PW-UserEmail"]
    assert get(sample_client, "/users/me/") == get(sample_client, "/users/2")
    error(sample_client.get(f"{API}/users/me", headers={**JIM, "X-PW-AccessToken": "x"}), 401)


def test_users_search_pages(sample_client: TestClient) -> None:
    first = sample_client.post(f"{API}/users/search", json={"page_size": 1}, headers=JIM)
    assert [u["id"] for u in first.json()] == [1] and first.headers["X-PW-TOTAL"] == "2"
    second = sample_client.post(f"{API}/users/search?page_size=1&page_number=2", headers=JIM)
    assert [u["id"] for u in second.json()] == [2]
    past = sample_client.post(f"{API}/users/search", json={"page_number": 9}, headers=JIM)
    assert past.json() == [] and past.headers["X-PW-TOTAL"] == "2"


@pytest.mark.parametrize("body", [{"page_size": 0}, {"page_size": 201}, {"page_number": 0},
                                  {"page_size": "ten"}, {"page_number": True}])  # fmt: skip
def test_users_search_bad_paging(sample_client: TestClient, body: dict[str, Any]) -> None:
    response = sample_client.post(f"{API}/users/search", json=body, headers=JIM)
    assert next(iter(body)) in error(response, 400)


def test_definitions(sample_client: TestClient) -> None:
    found = get(sample_client, "/custom_field_definitions")
    assert [d["id"] for d in found] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert get(sample_client, "/custom_field_definitions/8") == {
        "id": 8, "name": "Region", "canSearch": True, "data_type": "Dropdown",
        "available_on": ["lead", "person"],
        "options": [{"id": 20, "name": "East", "rank": 0}, {"id": 21, "name": "West", "rank": 1}],
    }  # fmt: skip
    assert get(sample_client, "/custom_field_definitions/3")["options"] == []
    assert error(sample_client.get(f"{API}/custom_field_definitions/100764", headers=JIM), 404)


def create_definition(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post(f"{API}/custom_field_definitions", json=body, headers=JIM)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_create_definition_assigns_ids(sample_client: TestClient) -> None:
    created = create_definition(
        sample_client, name="Size", data_type="MultiSelect", available_on=["person"],
        options=[{"name": "S", "rank": 2}, {"name": "L"}],
    )  # fmt: skip
    assert created["id"] == 13  # after the largest definition id (12)
    assert created["options"] == [
        {"id": 22, "name": "L", "rank": 1}, {"id": 23, "name": "S", "rank": 2}
    ] or created["options"] == [
        {"id": 23, "name": "L", "rank": 1}, {"id": 22, "name": "S", "rank": 2}
    ]  # fmt: skip
    person = get(sample_client, "/people/3")
    assert values(person)[13] == []
    assert 13 not in values(get(sample_client, "/leads/5"))


BAD_DEFINITIONS = [
    ({"data_type": "String"}, "name"),
    ({"name": "", "data_type": "String"}, "name"),
    ({"name": "X", "data_type": "Number"}, "data_type"),
    ({"name": "X"}, "data_type"),
    ({"name": "X", "data_type": "String", "available_on": ["invoice"]}, "available_on"),
    ({"name": "X", "data_type": "String", "available_on": "person"}, "available_on"),
    ({"name": "X", "data_type": "String", "options": [{"name": "a"}]}, "options"),
    ({"name": "X", "data_type": "Dropdown", "options": [{"rank": 1}]}, "options[0].name"),
    ({"name": "X", "data_type": "Dropdown", "options": [{"name": "a", "rank": "1"}]},
     "options[0]"),
    ({"name": "X", "data_type": "Dropdown", "options": [{"name": "a"}, {"name": "A"}]},
     "options"),
    ({"name": "X", "data_type": "Dropdown", "options": [{"id": 20, "name": "a"}]}, "options"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "field"), BAD_DEFINITIONS)
def test_bad_definition_is_400(sample_client: TestClient, body: dict[str, Any], field: str) -> None:
    response = sample_client.post(f"{API}/custom_field_definitions", json=body, headers=JIM)
    assert field in error(response, 400)


def test_update_definition(sample_client: TestClient) -> None:
    url = f"{API}/custom_field_definitions/12"
    body = {"name": "Likes", "available_on": ["person"],
            "options": [{"id": 8, "name": "Paper!"}, {"id": 10, "name": "Software", "rank": 2},
                        {"name": "Desks", "rank": 3}]}  # fmt: skip
    updated = sample_client.put(url, json=body, headers=JIM).json()
    assert updated["name"] == "Likes" and updated["available_on"] == ["person"]
    assert [(o["name"], o["rank"]) for o in updated["options"]] == [
        ("Paper!", 0), ("Software", 2), ("Desks", 3)
    ]  # fmt: skip
    assert updated["options"][2]["id"] == 22  # after the largest option id (21)
    # option 9 was removed: Jon Lee (3) held [9]; nothing holds it any more
    assert values(get(sample_client, "/people/3"))[12] == []
    assert values(get(sample_client, "/people/7"))[12] == [8]
    assert 12 not in values(get(sample_client, "/leads/6"))  # no longer on leads
    assert "data_type" in error(
        sample_client.put(url, json={"data_type": "Text"}, headers=JIM), 400
    )
    assert "options[0].id" in error(
        sample_client.put(url, json={"options": [{"id": 20, "name": "x"}]}, headers=JIM), 400
    )
    assert error(sample_client.put(f"{API}/custom_field_definitions/99", json={}, headers=JIM), 404)


def test_removed_option_no_longer_matches_a_write(sample_client: TestClient) -> None:
    sample_client.put(f"{API}/custom_field_definitions/8", json={"options": [{"id": 20}]},
                      headers=JIM)  # fmt: skip
    body = {"custom_fields": [{"custom_field_definition_id": 8, "value": 21}]}
    response = sample_client.put(f"{API}/people/7", json=body, headers=JIM)
    assert "option 21" in error(response, 400)


def test_delete_definition(sample_client: TestClient) -> None:
    response = sample_client.delete(f"{API}/custom_field_definitions/12", headers=JIM)
    assert response.json() == {"id": 12, "is_deleted": True}
    assert 12 not in values(get(sample_client, "/people/7"))
    assert error(sample_client.get(f"{API}/custom_field_definitions/12", headers=JIM), 404)
    assert error(sample_client.delete(f"{API}/custom_field_definitions/12", headers=JIM), 404)
    # ids are never reused, and the old values do not come back
    created = create_definition(sample_client, name="New", data_type="MultiSelect",
                                available_on=["person"], options=[{"name": "x"}])  # fmt: skip
    assert created["id"] == 13
    assert values(get(sample_client, "/people/7"))[13] == []


def test_definitions_are_per_account(sample_client: TestClient) -> None:
    assert [d["id"] for d in get(sample_client, "/custom_field_definitions", OTHER)] == [
        100764, 103481
    ]  # fmt: skip
    response = sample_client.delete(f"{API}/custom_field_definitions/3", headers=OTHER)
    assert error(response, 404)


def test_openapi_describes_bodies(sample_client: TestClient) -> None:
    paths = sample_client.get("/openapi.json").json()["paths"]
    routes = [("/people", "post"), ("/people/{record_id}", "put"), ("/leads", "post"),
              ("/leads/{record_id}", "put"), ("/people/fetch_by_email", "post"),
              ("/users/search", "post"), ("/custom_field_definitions", "post")]  # fmt: skip
    for path, method in routes:
        assert "requestBody" in paths[API + path][method], path
