"""`?custom_field_computed_values=true` (SPEC.md 7): every answer carrying records shows
each custom field's `computed_value` (option names for Dropdown and MultiSelect)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import JIM
from tests.copper import API

FLAG = "?custom_field_computed_values=true"


def entries(record: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {e["custom_field_definition_id"]: e for e in record["custom_fields"]}


def test_get_and_search_show_option_names(sample_client: TestClient) -> None:
    plain = sample_client.get(f"{API}/people/3", headers=JIM).json()
    shown = sample_client.get(f"{API}/people/3{FLAG}", headers=JIM).json()
    assert "computed_value" not in entries(plain)[12]
    assert entries(shown)[12] == {"custom_field_definition_id": 12, "value": [9],
                                  "computed_value": ["Printers"]}  # fmt: skip
    assert {k: v for k, v in shown.items() if k != "custom_fields"} == {
        k: v for k, v in plain.items() if k != "custom_fields"
    }
    found = sample_client.post(f"{API}/people/search{FLAG}", json={"ids": [3]}, headers=JIM)
    assert found.json() == [shown] and found.headers["X-PW-TOTAL"] == "1"


def test_writes_show_computed_values(sample_client: TestClient) -> None:
    body = {"name": "Dee Dropdown", "custom_fields": [
        {"custom_field_definition_id": 8, "value": 21},
        {"custom_field_definition_id": 3, "value": "plain text"},
    ]}  # fmt: skip
    created = sample_client.post(f"{API}/leads{FLAG}", json=body, headers=JIM).json()
    assert entries(created)[8]["computed_value"] == "West"
    assert entries(created)[3]["computed_value"] == "plain text"
    path = f"{API}/leads/{created['id']}/convert{FLAG}"
    converted = sample_client.post(path, json={"details": {}}, headers=JIM).json()
    assert entries(converted["person"])[8]["computed_value"] == "West"


def test_other_answers_are_untouched(sample_client: TestClient) -> None:
    missing = sample_client.get(f"{API}/people/999{FLAG}", headers=JIM)
    assert missing.status_code == 404 and "computed_value" not in missing.text
    lookups = sample_client.get(f"{API}/contact_types{FLAG}", headers=JIM)
    assert lookups.json() == sample_client.get(f"{API}/contact_types", headers=JIM).json()
