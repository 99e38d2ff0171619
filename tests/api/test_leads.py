"""/leads over HTTP: create, read, update, delete, default status, status change stamp."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import JIM, OTHER, FakeClock
from tests.copper import API, LEAD_KEYS, Owner, error
from tests.copper import create as create_record
from tests.copper import put as put_record
from verdigris.storage import schema
from verdigris.storage.engine import create_db_engine


def status_changed(db_url: str, lead_id: int) -> int:
    engine = create_db_engine(db_url)
    with engine.connect() as conn:
        lead = schema.leads
        value = conn.execute(
            select(lead.c.date_status_changed).where(lead.c.account_id == 1, lead.c.id == lead_id)
        ).scalar_one()
    engine.dispose()
    return int(value)


def create(client: TestClient, headers: dict[str, str] = JIM, **fields: Any) -> dict[str, Any]:
    return create_record(client, "leads", headers, **fields)


def put(client: TestClient, record_id: int, **fields: Any) -> Any:
    return put_record(client, "leads", record_id, **fields)


def test_create_renders_every_key_in_order(sample_client: TestClient) -> None:
    lead = create(
        sample_client,
        name="Holly Flax",
        email={"email": "holly@dundermifflin.com", "category": "work"},
        monetary_value=2500.0,
        monetary_unit="USD",
        customer_source_id=3,
        company_name="Dunder Mifflin",
        custom_fields=[{"custom_field_definition_id": 7, "value": True},
                       {"custom_field_definition_id": 3, "value": "REF-1"}],
    )  # fmt: skip
    assert tuple(lead) == LEAD_KEYS
    assert lead["id"] == 13  # after the sample's largest lead id (12)
    assert (lead["first_name"], lead["last_name"]) == ("Holly", "Flax")
    assert (lead["status_id"], lead["status"]) == (5, "New")  # first by order
    assert lead["monetary_value"] == 2500 and isinstance(lead["monetary_value"], int)
    values = {e["custom_field_definition_id"]: e["value"] for e in lead["custom_fields"]}
    assert list(values) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert values[3] == "REF-1" and values[7] is True and values[12] == []
    assert sample_client.get(f"{API}/leads/13", headers=JIM).json() == lead


def test_default_status_is_the_marked_one(sample_client: TestClient, db_url: str) -> None:
    engine = create_db_engine(db_url)
    with engine.begin() as conn:
        s = schema.lead_statuses
        conn.execute(s.update().where(s.c.account_id == 1, s.c.id == 8).values(is_default=True))
    engine.dispose()
    assert create(sample_client, name="A")["status"] == "Qualified"


def test_account_without_statuses_gets_one(client: TestClient, owner: Owner) -> None:
    lead = create(client, owner.headers, name="First Lead")
    assert (lead["status_id"], lead["status"]) == (1, "New")
    statuses = client.get(f"{API}/lead_statuses", headers=owner.headers).json()
    assert statuses == [{"id": 1, "name": "New", "order": 1, "is_default": True}]


def test_status_change_is_stamped(sample_client: TestClient, clock: FakeClock, db_url: str) -> None:
    lead = create(sample_client, name="B", status_id=6)
    assert lead["status"] == "Contacted"
    assert status_changed(db_url, lead["id"]) == 1_700_000_000
    clock.advance(100)
    put(sample_client, lead["id"], title="same status", status_id=6)
    assert status_changed(db_url, lead["id"]) == 1_700_000_000
    clock.advance(100)
    assert put(sample_client, lead["id"], status_id=8).json()["status"] == "Qualified"
    assert status_changed(db_url, lead["id"]) == 1_700_000_200
    assert put(sample_client, lead["id"], status_id=None).json()["status_id"] == 5


def test_partial_update(sample_client: TestClient, clock: FakeClock) -> None:
    before = sample_client.get(f"{API}/leads/6", headers=JIM).json()
    clock.advance(5)
    after = put(sample_client, 6, monetary_value=10.5, email=None, status="ignored").json()
    changed = {k for k in LEAD_KEYS if before[k] != after[k]}
    assert changed == {"monetary_value", "email", "date_modified"}
    assert after["monetary_value"] == 10.5 and after["date_modified"] == 1_700_000_005


def test_custom_fields_merge(sample_client: TestClient) -> None:
    after = put(sample_client, 6, custom_fields=[{"custom_field_definition_id": 9, "value": 0}])
    values = {e["custom_field_definition_id"]: e["value"] for e in after.json()["custom_fields"]}
    assert values[9] == 0 and values[6] == 1515744000 and values[12] == [8]


def test_update_name_parts(sample_client: TestClient) -> None:
    lead = put(sample_client, 6, first_name="Jim", last_name="Halpert").json()
    assert lead["name"] == "Jim Halpert"


def test_absent_and_foreign_are_404(sample_client: TestClient) -> None:
    assert error(sample_client.get(f"{API}/leads/999", headers=JIM), 404)
    assert error(sample_client.get(f"{API}/leads/9150547", headers=JIM), 404)
    assert error(sample_client.get(f"{API}/leads/5", headers=OTHER), 404)
    assert error(put(sample_client, 9150547, title="x"), 404)
    assert error(sample_client.delete(f"{API}/leads/9150547", headers=JIM), 404)


def test_delete(sample_client: TestClient) -> None:
    assert sample_client.delete(f"{API}/leads/12", headers=JIM).json() == {
        "id": 12, "is_deleted": True
    }  # fmt: skip
    assert error(sample_client.get(f"{API}/leads/12", headers=JIM), 404)
    assert create(sample_client, name="After")["id"] == 13


def test_missing_name_is_422(sample_client: TestClient) -> None:
    response = sample_client.post(f"{API}/leads", json={"title": "x"}, headers=JIM)
    assert "name" in error(response, 422)


BAD_FIELDS = [
    ({"email": "holly@x.com"}, "email"),
    ({"email": {"email": "nope"}}, "email.email"),
    ({"email": {"email": "a@b.com", "category": "mobile"}}, "email.category"),
    ({"monetary_value": "2500"}, "monetary_value"),
    ({"monetary_value": True}, "monetary_value"),
    ({"monetary_unit": 5}, "monetary_unit"),
    ({"company_name": ["x"]}, "company_name"),
    ({"status_id": 999}, "status_id"),
    ({"status_id": 208231}, "status_id"),  # the other account's
    ({"customer_source_id": 1}, "customer_source_id"),
    ({"custom_fields": [{"custom_field_definition_id": 7, "value": "yes"}]},
     "custom_fields[0].value"),
    ({"custom_fields": [{"custom_field_definition_id": 3, "value": 5}]},
     "custom_fields[0].value"),
    ({"custom_fields": [{"custom_field_definition_id": 100764, "value": "x"}]},
     "no custom field definition 100764"),
]  # fmt: skip


@pytest.mark.parametrize(("fields", "field"), BAD_FIELDS)
def test_bad_field_is_400_naming_it(
    sample_client: TestClient, fields: dict[str, Any], field: str
) -> None:
    created = sample_client.post(f"{API}/leads", json={"name": "X", **fields}, headers=JIM)
    assert field in error(created, 400)
    assert field in error(put(sample_client, 6, **fields), 400)
