"""A hostile client's values in every field of every write body: each answer is below
500 in Copper's error shape, nothing unreadable is stored, and reads and searches of the
account keep answering 200 afterwards."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import JIM
from tests.copper import API
from tests.test_error_shape import assert_error

# A raw JSON text, as a client's bytes: some of these are not producible by json.dumps.
HOSTILE = [
    "[" * 1000 + "]" * 1000,
    '{"a":' * 1000 + "1" + "}" * 1000,
    "1e308", "-1e308", "1e400", "-0.0", "NaN", "Infinity", "-Infinity",
    str(2**64), str(-(2**70)), "9007199254740993", "1.5",
    '"\\ud800"', '"\\udfff x"', '"\\u0000"', '"a\\u0000b"', '"\\uffff"', '"' + "é" * 5000 + '"',
    "[" + ",".join(["1"] * 100_000) + "]",
    "[" + ",".join(['"t"'] * 100_000) + "]",
    '{"number": "\\ud800", "category": "work"}', '[{"number": 1e308}]', "true", "null", "{}",
]  # fmt: skip
MATCH_NAME = {"field_name": "name", "field_value": "Up"}
NOTE = {"category": "user", "id": 0}
WRITE_ROUTES = [
    ("POST", "/people", {"name": "Hostile Person"}),
    ("PUT", "/people/3", {}),
    ("POST", "/leads", {"name": "Hostile Lead"}),
    ("PUT", "/leads/5", {}),
    ("POST", "/companies", {"name": "Hostile Co"}),
    ("PUT", "/companies/1", {}),
    ("POST", "/opportunities", {"name": "Hostile Deal"}),
    ("POST", "/tasks", {"name": "Hostile Task"}),
    ("POST", "/projects", {"name": "Hostile Project"}),
    ("PUT", "/leads/upsert", {"properties": {"name": "Up"}, "match": MATCH_NAME}),
    ("POST", "/leads/5/convert", {"details": {}}),
    ("POST", "/activities", {"parent": {"type": "person", "id": 3}, "type": NOTE}),
    ("POST", "/custom_field_definitions", {"name": "Hostile", "data_type": "String"}),
    ("POST", "/custom_activity_types", {"name": "Hostile", "icon_type": "Phone"}),
    ("POST", "/people/search", {}),
    ("POST", "/leads/search", {}),
]  # fmt: skip
FIELDS = [
    "name", "first_name", "details", "title", "tags", "emails", "email", "phone_numbers",
    "websites", "address", "assignee_id", "company_id", "monetary_value", "win_probability",
    "custom_fields", "related_resource", "status", "close_date", "options", "page_size",
    "parent", "type", "activity_date", "properties", "match", "data_type", "socials",
]  # fmt: skip
READS = ["people", "leads", "companies", "opportunities", "tasks", "projects", "activities"]


def _body(base: dict[str, Any], field: str, hostile: str, nested: bool) -> bytes:
    """`base` with `field` set to the raw hostile text (inside a one-item list of objects
    when `nested`), spliced in as text so invalid JSON stays invalid."""
    marker = "__HOSTILE__"
    value: Any = [{"number": marker, "category": marker}] if nested else marker
    text = json.dumps(base | {field: value})
    return re.sub(f'"{marker}"', lambda _: hostile, text).encode()


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    route=st.sampled_from(WRITE_ROUTES),
    field=st.sampled_from(FIELDS),
    hostile=st.sampled_from(HOSTILE),
    nested=st.booleans(),
)
def test_hostile_values_never_answer_500(
    sample_client: TestClient,
    route: tuple[str, str, dict[str, Any]],
    field: str,
    hostile: str,
    nested: bool,
) -> None:
    method, path, base = route
    content = _body(base, field, hostile, nested)
    headers = JIM | {"Content-Type": "application/json"}
    response = sample_client.request(method, API + path, content=content, headers=headers)
    if response.status_code >= 400:
        assert_error(response, response.status_code)
    assert response.status_code < 500, response.text
    for plural in READS:
        searched = sample_client.post(f"{API}/{plural}/search", json={}, headers=JIM)
        assert searched.status_code == 200, (plural, searched.text)
        for record in searched.json()[:3]:
            read = sample_client.get(f"{API}/{plural}/{record['id']}", headers=JIM)
            assert read.status_code == 200, (plural, read.text)
