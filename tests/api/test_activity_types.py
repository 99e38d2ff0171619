"""Custom activity types over HTTP (copper-surface section 4): Copper's shape and defaults,
create and update, errors, isolation; an activity of a type with `is_interaction` counts
as an interaction, and GET /activity_types shows the same types."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import JIM, OTHER
from tests.copper import API, Owner, error

PATH = f"{API}/custom_activity_types"


def get(client: TestClient, path: str, headers: dict[str, str] = JIM) -> Any:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_sample_types_in_copper_shape(sample_client: TestClient) -> None:
    found = get(sample_client, PATH)
    assert [t["name"] for t in found] == ["Phone Call", "Meeting", "To Do", "Custom Meeting"]
    assert found[2] == {
        "id": 3, "company_id": 1, "icon_type": "Todo", "is_disabled": False,
        "is_interaction": False, "name": "To Do", "is_default_task_type": True,
    }  # fmt: skip
    assert found[0]["is_default_task_type"] is None and found[0]["is_interaction"] is True
    assert get(sample_client, f"{PATH}/4")["name"] == "Custom Meeting"
    error(sample_client.get(f"{PATH}/0", headers=JIM), 404)  # Copper's Note is no custom type


def test_new_account_has_copper_defaults(client: TestClient, owner: Owner) -> None:
    found = get(client, PATH, owner.headers)
    assert [(t["id"], t["name"], t["icon_type"], t["is_interaction"]) for t in found] == [
        (1, "Phone Call", "Phone", True), (2, "Meeting", "Event", True),
        (3, "To Do", "Todo", False),
    ]  # fmt: skip
    assert {t["company_id"] for t in found} == {owner.account_id}
    user = get(client, f"{API}/activity_types", owner.headers)["user"]
    assert [t["name"] for t in user] == ["Note", "Phone Call", "Meeting", "To Do"]


def test_create_and_update(sample_client: TestClient) -> None:
    created = sample_client.post(PATH, json={"name": " Demo ", "icon_type": "phone"}, headers=JIM)
    assert created.status_code == 200, created.text
    new = created.json()
    assert new == {
        "id": 5, "company_id": 1, "icon_type": "Phone", "is_disabled": False,
        "is_interaction": False, "name": "Demo", "is_default_task_type": None,
    }  # fmt: skip
    changed = sample_client.put(f"{PATH}/5", json={"icon_type": "Todo"}, headers=JIM).json()
    assert changed == new | {"icon_type": "Todo"}
    flags = {"is_interaction": True, "is_disabled": True, "name": "Demo call"}
    changed = sample_client.put(f"{PATH}/5", json=flags, headers=JIM).json()
    assert changed == new | {"icon_type": "Todo"} | flags
    assert get(sample_client, f"{PATH}/5") == changed
    user = get(sample_client, f"{API}/activity_types")["user"]
    assert user[-1] == {"id": 5, "category": "user", "name": "Demo call", "is_disabled": True,
                        "count_as_interaction": True}  # fmt: skip
    assert sample_client.put(f"{PATH}/5/", json={}, headers=JIM).json() == changed


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"icon_type": "Phone"}, 422, "name"), ({"name": "x"}, 422, "icon_type"),
        ({"name": "x", "icon_type": "Rocket"}, 400, "icon_type"),
        ({"name": "  ", "icon_type": "Phone"}, 400, "name"),
        ({"name": 5, "icon_type": "Phone"}, 400, "name"),
        ({"name": "x", "icon_type": "Phone", "is_interaction": "yes"}, 400, "is_interaction"),
    ],
)  # fmt: skip
def test_create_errors(
    sample_client: TestClient, body: dict[str, Any], status: int, field: str
) -> None:
    assert field in error(sample_client.post(PATH, json=body, headers=JIM), status)


def test_errors_and_isolation(sample_client: TestClient) -> None:
    error(sample_client.get(f"{PATH}/99", headers=JIM), 404)
    error(sample_client.put(f"{PATH}/99", json={"name": "x"}, headers=JIM), 404)
    error(sample_client.put(f"{PATH}/0", json={"name": "x"}, headers=JIM), 404)
    error(sample_client.put(f"{PATH}/4", json={"icon_type": 1}, headers=JIM), 400)
    error(sample_client.put(f"{PATH}/4", content=b"[", headers=JIM), 400)
    error(sample_client.get(f"{PATH}/4", headers=OTHER), 404)
    error(sample_client.put(f"{PATH}/4", json={"name": "mine"}, headers=OTHER), 404)
    error(sample_client.get(PATH, headers={**JIM, "X-PW-UserEmail": "x@y.z"}), 401)
    assert get(sample_client, PATH, OTHER) == []  # its file lists Note only
    assert get(sample_client, f"{PATH}/4")["name"] == "Custom Meeting"


def _log(client: TestClient, type_id: int, when: int) -> None:
    body = {"parent": {"type": "person", "id": 3}, "type": {"category": "user", "id": type_id},
            "activity_date": when}  # fmt: skip
    response = client.post(f"{API}/activities", json=body, headers=JIM)
    assert response.status_code == 200, response.text


def test_interaction_types_count(sample_client: TestClient) -> None:
    before = get(sample_client, f"{API}/people/3")["interaction_count"]
    _log(sample_client, 4, 1_600_000_000)  # Custom Meeting: an interaction
    _log(sample_client, 3, 1_650_000_000)  # To Do: not one
    person = get(sample_client, f"{API}/people/3")
    assert person["interaction_count"] == before + 1
    assert person["date_last_contacted"] == 1_600_000_000
    created = sample_client.post(PATH, json={"name": "Visit", "icon_type": "Room",
                                             "is_interaction": True}, headers=JIM)  # fmt: skip
    _log(sample_client, created.json()["id"], 1_660_000_000)
    person = get(sample_client, f"{API}/people/3")
    assert person["interaction_count"] == before + 2
    assert person["date_last_contacted"] == 1_660_000_000
