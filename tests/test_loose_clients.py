"""The loose habits of real clients (SPEC.md 1) are served as if the request were clean."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import JIM
from tests.copper import API


def ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return [record["id"] for record in response.json()]


def test_trailing_slash_on_search_and_record(sample_client: TestClient) -> None:
    clean = sample_client.post(API + "/people/search", json={"sort_by": "name"}, headers=JIM)
    slashed = sample_client.post(API + "/people/search/", json={"sort_by": "name"}, headers=JIM)
    assert ids(slashed) == ids(clean)
    assert slashed.headers["X-PW-TOTAL"] == clean.headers["X-PW-TOTAL"]
    assert sample_client.get(API + "/people/3/", headers=JIM).json()["id"] == 3


def test_get_and_delete_with_a_json_body(sample_client: TestClient) -> None:
    body = b'{"ignored": true'  # not even valid JSON: a GET body is ignored
    response = sample_client.request("GET", API + "/people/3", content=body, headers=JIM)
    assert response.json()["id"] == 3
    response = sample_client.request("DELETE", API + "/leads/12", json={"x": 1}, headers=JIM)
    assert response.json() == {"id": 12, "is_deleted": True}


def test_search_post_with_no_body_and_no_content_type(sample_client: TestClient) -> None:
    response = sample_client.post(API + "/people/search", headers=JIM)
    assert ids(response) == [4, 7, 6, 3, 5]  # default sort: first_name
    assert response.headers["X-PW-TOTAL"] == "5"


def test_paging_in_the_query_string(sample_client: TestClient) -> None:
    url = API + "/people/search?page_size=2&page_number=2&sort_by=name"
    assert ids(sample_client.post(url, headers=JIM)) == [6, 3]


def test_body_paging_wins_over_the_query_string(sample_client: TestClient) -> None:
    url = API + "/people/search?page_size=2&page_number=2"
    body = {"page_size": 1, "page_number": 1, "sort_by": "name"}
    assert ids(sample_client.post(url, json=body, headers=JIM)) == [4]


def test_openapi_describes_every_route(sample_client: TestClient) -> None:
    document = sample_client.get("/openapi.json").json()
    paths = document["paths"]
    for path in (
        "/people/search",
        "/leads/search",
        "/people/{record_id}",
        "/leads/upsert",
        "/activities",
        "/companies/search",
        "/custom_field_definitions",
    ):
        assert API + path in paths, path
    search = paths[API + "/people/search"]["post"]
    assert "requestBody" in search
