"""The /people/search and /leads/search routes: response shape, header, loose clients;
and no 500 for any JSON body on them and on /companies/search, /opportunities/search."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import JIM
from tests.copper import API
from tests.search.strategies import JSON, KEYS


def test_bare_array_and_total_header(sample_client: TestClient) -> None:
    response = sample_client.post(API + "/leads/search", json={"page_size": 1}, headers=JIM)
    assert response.status_code == 200
    assert [r["id"] for r in response.json()] == [6]
    assert response.headers["X-PW-TOTAL"] == "3"
    assert response.json()[0]["status"] == "Unqualified"


def test_non_object_bodies_are_400(sample_client: TestClient) -> None:
    for raw in (b"[]", b"3", b'"x"', b"null", b"{", b"\xff"):
        headers = {**JIM, "Content-Type": "application/json"}
        response = sample_client.post(API + "/people/search", content=raw, headers=headers)
        assert response.status_code == 400, raw


def test_page_past_the_cap_is_empty(sample_client: TestClient) -> None:
    response = sample_client.post(
        API + "/people/search", json={"page_size": 200, "page_number": 501}, headers=JIM
    )
    assert (response.status_code, response.json(), response.headers["X-PW-TOTAL"]) == (200, [], "5")


def test_query_string_sort(sample_client: TestClient) -> None:
    url = API + "/people/search?sort_by=phone&sort_direction=DESC"
    response = sample_client.post(url, headers=JIM)
    assert [r["id"] for r in response.json()] == [7, 3, 4, 5, 6]
    assert sample_client.post(API + "/people/search?page_size=0", headers=JIM).status_code == 400


CUSTOM = st.lists(
    st.fixed_dictionaries(
        {"custom_field_definition_id": st.sampled_from([3, 4, 5, 6, 7, 8, 9, 10, 11, 12])},
        optional=dict.fromkeys(
            ["value", "option", "allow_empty", "minimum_value", "maximum_value"], JSON
        ),
    ),
    max_size=2,
)
BODIES = st.dictionaries(st.sampled_from(KEYS), JSON, max_size=5) | st.fixed_dictionaries(
    {"custom_fields": CUSTOM}
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=BODIES,
    path=st.sampled_from(
        ["/people/search", "/leads/search", "/companies/search", "/opportunities/search"]
    ),
)
def test_any_json_body_is_200_or_400(
    sample_client: TestClient, body: dict[str, Any], path: str
) -> None:
    response = sample_client.post(API + path, content=json.dumps(body), headers=JIM)
    assert response.status_code in (200, 400), (body, response.text)
    if response.status_code == 200:
        assert int(response.headers["X-PW-TOTAL"]) >= len(response.json())
