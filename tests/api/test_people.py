"""/people over HTTP: create, read, update, delete, fetch_by_email, and every 400/404/422."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import JIM, OTHER, FakeClock
from tests.copper import API, PERSON_KEYS, error
from tests.copper import create as create_record
from tests.copper import put as put_record


def create(client: TestClient, headers: dict[str, str] = JIM, **fields: Any) -> dict[str, Any]:
    return create_record(client, "people", headers, **fields)


def put(client: TestClient, record_id: int, **fields: Any) -> Any:
    return put_record(client, "people", record_id, **fields)


def test_create_renders_every_key_in_order(sample_client: TestClient) -> None:
    person = create(
        sample_client,
        name="Dwight Schrute",
        emails=[{"email": "dwight@dundermifflin.com", "category": "work"}],
        company_id=3,
        contact_type_id=6,
        assignee_id=2,
        address={"city": "Scranton", "state": "PA"},
        tags=["beets"],
        custom_fields=[{"custom_field_definition_id": 12, "value": [8, 10]}],
    )
    assert tuple(person) == PERSON_KEYS
    assert person["id"] == 8  # after the sample's largest person id (7)
    assert (person["first_name"], person["last_name"]) == ("Dwight", "Schrute")
    assert person["company_name"] == "Dunder Mifflin (sample)"
    assert person["address"] == {
        "street": None, "city": "Scranton", "state": "PA", "postal_code": None, "country": None
    }  # fmt: skip
    assert person["custom_fields"] == [
        {"custom_field_definition_id": 6, "value": None},
        {"custom_field_definition_id": 8, "value": None},
        {"custom_field_definition_id": 11, "value": None},
        {"custom_field_definition_id": 12, "value": [8, 10]},
    ]
    assert person["date_created"] == person["date_modified"] == 1_700_000_000
    assert person["interaction_count"] == 0 and person["leads_converted_from"] == []
    assert sample_client.get(f"{API}/people/8", headers=JIM).json() == person


def test_name_from_parts(sample_client: TestClient) -> None:
    person = create(sample_client, first_name="Robert", middle_name="J.", last_name="California",
                    suffix="Jr.", name="ignored when parts are given")  # fmt: skip
    assert person["name"] == "Robert J. California, Jr."


def test_parts_from_name(sample_client: TestClient) -> None:
    person = create(sample_client, name="  Gabe  Lewis Jr ")
    assert person["name"] == "Gabe  Lewis Jr"
    assert (person["first_name"], person["middle_name"], person["last_name"]) == (
        "Gabe", None, "Lewis Jr"
    )  # fmt: skip


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "  "}, {"prefix": "Dr."},
                                  {"name": None, "first_name": None}])  # fmt: skip
def test_missing_name_is_422(sample_client: TestClient, body: dict[str, Any]) -> None:
    response = sample_client.post(f"{API}/people", json=body, headers=JIM)
    assert "name" in error(response, 422)


def test_read_only_keys_are_ignored(sample_client: TestClient) -> None:
    ignored = {"id": 1, "date_created": 5, "company_name": "X", "interaction_count": 9,
               "date_last_contacted": 5, "leads_converted_from": [{"x": 1}]}  # fmt: skip
    person = create(sample_client, name="Kevin Malone", **ignored)
    assert person["id"] == 8 and person["date_created"] == 1_700_000_000
    assert person["company_name"] is None and person["interaction_count"] == 0
    assert person["date_last_contacted"] is None and person["leads_converted_from"] == []


def test_get_absent_and_foreign_is_404(sample_client: TestClient) -> None:
    assert "person 999" in error(sample_client.get(f"{API}/people/999", headers=JIM), 404)
    assert error(sample_client.get(f"{API}/people/3", headers=OTHER), 404)
    huge = f"{API}/people/{2**70}"
    assert error(sample_client.get(huge, headers=JIM), 404)


def test_get_ignores_a_body(sample_client: TestClient) -> None:
    response = sample_client.request("GET", f"{API}/people/3", content=b"{oops", headers=JIM)
    assert response.status_code == 200 and response.json()["name"] == "Jon Lee"


def test_partial_update(sample_client: TestClient, clock: FakeClock) -> None:
    before = sample_client.get(f"{API}/people/7", headers=JIM).json()
    clock.advance(60)
    after = put(sample_client, 7, title="Sales", details=None).json()
    changed = {k for k in PERSON_KEYS if before[k] != after[k]}
    assert changed == {"title", "date_modified"}  # details was already null
    assert after["date_modified"] == 1_700_000_060


def test_null_clears_and_lists_are_replaced(sample_client: TestClient) -> None:
    socials = [{"url": "https://x.example/jim", "category": "twitter"}]
    after = put(sample_client, 7, address=None, tags=["a", "A", "b"], phone_numbers=None,
                socials=socials).json()  # fmt: skip
    assert after["address"] is None and after["phone_numbers"] == []
    assert after["tags"] == ["a", "b"]
    assert after["socials"] == [{"url": "https://x.example/jim", "category": "twitter"}]
    assert after["emails"] == [{"email": "jhalpert@prosperworks.com", "category": "work"}]


def test_custom_fields_merge_by_definition(sample_client: TestClient) -> None:
    after = put(sample_client, 7, custom_fields=[
        {"custom_field_definition_id": 11, "value": 1000},
        {"custom_field_definition_id": 8, "value": 21},
    ]).json()  # fmt: skip
    assert after["custom_fields"] == [
        {"custom_field_definition_id": 6, "value": 1515744000},
        {"custom_field_definition_id": 8, "value": 21},
        {"custom_field_definition_id": 11, "value": 1000},
        {"custom_field_definition_id": 12, "value": [8]},
    ]
    cleared = put(sample_client, 7, custom_fields=[
        {"custom_field_definition_id": 12, "value": None},
        {"custom_field_definition_id": 11, "value": 0},
    ]).json()  # fmt: skip
    values = {e["custom_field_definition_id"]: e["value"] for e in cleared["custom_fields"]}
    assert values == {6: 1515744000, 8: 21, 11: 0, 12: []}


def test_update_names(sample_client: TestClient) -> None:
    assert put(sample_client, 7, last_name="Halpert-Beesly").json()["name"] == "Jim Halpert-Beesly"
    renamed = put(sample_client, 7, name="James Duncan Halpert").json()
    assert (renamed["first_name"], renamed["middle_name"], renamed["last_name"]) == (
        "James", None, "Duncan Halpert"
    )  # fmt: skip
    assert put(sample_client, 7, suffix="Sr.").json()["name"] == "James Duncan Halpert, Sr."
    assert "name" in error(put(sample_client, 7, name=None), 422)


def test_update_company_renders_its_name(sample_client: TestClient) -> None:
    assert put(sample_client, 7, company_id=4).json()["company_name"] == "Sabre Inc (sample)"
    assert put(sample_client, 7, company_id=None).json()["company_name"] is None


def test_update_absent_or_foreign_is_404(sample_client: TestClient) -> None:
    assert error(put(sample_client, 999, title="x"), 404)
    response = sample_client.put(f"{API}/people/3", json={"title": "x"}, headers=OTHER)
    assert error(response, 404)


def test_delete(sample_client: TestClient) -> None:
    response = sample_client.delete(f"{API}/people/7", headers=JIM)
    assert response.json() == {"id": 7, "is_deleted": True}
    assert error(sample_client.get(f"{API}/people/7", headers=JIM), 404)
    assert error(sample_client.delete(f"{API}/people/7", headers=JIM), 404)
    # the email is free again, and the deleted id is never handed out again
    person = create(sample_client, name="Jim", emails=[{"email": "jhalpert@prosperworks.com"}])
    assert person["id"] == 8


def test_fetch_by_email(sample_client: TestClient) -> None:
    url = f"{API}/people/fetch_by_email"
    found = sample_client.post(url, json={"email": " JHalpert@ProsperWorks.com"}, headers=JIM)
    assert found.json()["id"] == 7
    assert error(sample_client.post(url, json={"email": "nobody@x.com"}, headers=JIM), 404)
    assert error(sample_client.post(url, json={"email": "jhalpert@prosperworks.com"},
                                    headers=OTHER), 404)  # fmt: skip
    assert "email" in error(sample_client.post(url, json={"email": 3}, headers=JIM), 400)
    assert "email" in error(sample_client.post(url, json={}, headers=JIM), 400)


def test_duplicate_email_is_422(sample_client: TestClient) -> None:
    taken = [{"email": "JONLEE@prosperworks.com", "category": "work"}]
    message = error(sample_client.post(f"{API}/people", json={"name": "X", "emails": taken},
                                       headers=JIM), 422)  # fmt: skip
    assert "person 3" in message
    assert error(put(sample_client, 7, emails=taken), 422)
    # a person keeps its own email; another account may use it
    assert put(sample_client, 3, emails=taken).status_code == 200
    assert create(sample_client, OTHER, name="X", emails=taken)["emails"][0]["email"] == (
        "JONLEE@prosperworks.com"
    )  # fmt: skip


BAD_FIELDS = [
    ({"title": 3}, "title"),
    ({"first_name": ["Jim"]}, "first_name"),
    ({"details": {"a": 1}}, "details"),
    ({"assignee_id": "2"}, "assignee_id"),
    ({"assignee_id": True}, "assignee_id"),
    ({"assignee_id": 2**64 - 1}, "assignee_id"),
    ({"assignee_id": 99}, "assignee_id"),
    ({"company_id": 99}, "company_id"),
    ({"contact_type_id": 451490}, "contact_type_id"),  # the other account's
    ({"address": "Scranton"}, "address"),
    ({"address": {"city": 5}}, "address.city"),
    ({"emails": {"email": "a@b.com"}}, "emails"),
    ({"emails": ["a@b.com"]}, "emails[0]"),
    ({"emails": [{"email": "not-an-email"}]}, "emails[0].email"),
    ({"emails": [{"email": "a@b.com", "category": "home"}]}, "emails[0].category"),
    ({"phone_numbers": [{"number": "call me"}]}, "phone_numbers[0].number"),
    ({"phone_numbers": [{"number": 5551234}]}, "phone_numbers[0].number"),
    ({"socials": [{"url": "", "category": "linkedin"}]}, "socials[0].url"),
    ({"socials": [{"url": "x.com/a", "category": "myspace"}]}, "socials[0].category"),
    ({"websites": [{"url": "a b.com"}]}, "websites[0].url"),
    ({"tags": "one"}, "tags"),
    ({"tags": ["ok", ""]}, "tags[1]"),
    ({"tags": ["ok", 1]}, "tags[1]"),
    ({"title": "a\x00b"}, "title"),
    ({"custom_fields": {}}, "custom_fields"),
    ({"custom_fields": [3]}, "custom_fields[0]"),
    ({"custom_fields": [{"custom_field_definition_id": "6"}]},
     "custom_fields[0].custom_field_definition_id"),
    ({"custom_fields": [{"custom_field_definition_id": 999, "value": 1}]},
     "custom_fields[0].custom_field_definition_id: no custom field definition 999"),
    ({"custom_fields": [{"custom_field_definition_id": 3, "value": "x"}]},
     "definition 3 is not available on person"),
    ({"custom_fields": [{"custom_field_definition_id": 6, "value": 1},
                        {"custom_field_definition_id": 6, "value": "2020-01-01"}]},
     "custom_fields[1].value"),
    ({"custom_fields": [{"custom_field_definition_id": 11, "value": "lots"}]},
     "custom_fields[0].value"),
    ({"custom_fields": [{"custom_field_definition_id": 8, "value": 99}]},
     "custom_fields[0].value: option 99 is not an option of definition 8"),
    ({"custom_fields": [{"custom_field_definition_id": 12, "value": 8}]},
     "custom_fields[0].value"),
    ({"custom_fields": [{"custom_field_definition_id": 12, "value": [8, 20]}]},
     "custom_fields[0].value[1]: option 20 is not an option of definition 12"),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "field"), BAD_FIELDS)
def test_bad_field_is_400_naming_it(
    sample_client: TestClient, fields: dict[str, Any], field: str
) -> None:
    created = sample_client.post(f"{API}/people", json={"name": "X", **fields}, headers=JIM)
    assert field in error(created, 400)
    assert field in error(put(sample_client, 7, **fields), 400)


def test_failed_update_changes_nothing(sample_client: TestClient) -> None:
    before = sample_client.get(f"{API}/people/7", headers=JIM).json()
    response = put(sample_client, 7, title="Boss", emails=[{"email": "jonlee@prosperworks.com"}])
    assert error(response, 422)
    assert sample_client.get(f"{API}/people/7", headers=JIM).json() == before


def test_failed_create_leaves_nothing(sample_client: TestClient) -> None:
    taken = [{"email": "jonlee@prosperworks.com"}]
    assert error(sample_client.post(f"{API}/people", json={"name": "Y", "emails": taken},
                                    headers=JIM), 422)  # fmt: skip
    assert error(sample_client.get(f"{API}/people/8", headers=JIM), 404)
    assert create(sample_client, name="Z")["id"] == 8  # the id was not used up either


def test_write_failing_midway_is_rolled_back(
    sample_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from verdigris.storage import writes

    def explode(*_args: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(writes, "get_record", explode)  # after the rows were written
    assert sample_client.post(f"{API}/people", json={"name": "Q"}, headers=JIM).status_code == 500
    assert sample_client.put(f"{API}/people/7", json={"title": "Q"}, headers=JIM).status_code == 500
    monkeypatch.undo()
    assert error(sample_client.get(f"{API}/people/8", headers=JIM), 404)
    assert (
        sample_client.get(f"{API}/people/7", headers=JIM).json()["title"] == "Business Development"
    )


def test_empty_account(client: TestClient, auth: dict[str, str]) -> None:
    response = client.post(f"{API}/people", json={"last_name": "Solo"}, headers=auth)
    assert response.json()["id"] == 1 and response.json()["name"] == "Solo"
    assert response.json()["custom_fields"] == []
