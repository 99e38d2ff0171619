"""Every error source answers with Copper's body {"success": false, "status", "message"}."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.conftest import JIM
from tests.copper import API


def assert_error(response: Response, status: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False
    assert body["status"] == status
    assert isinstance(body["message"], str) and body["message"]
    assert response.headers["content-type"].startswith("application/json")


# One route of each family with a JSON body, and one that reads a record by id.
BODY_ROUTES = [
    ("POST", "/people/search"),
    ("POST", "/leads/search"),
    ("POST", "/people"),
    ("PUT", "/people/3"),
    ("POST", "/leads"),
    ("PUT", "/leads/5"),
    ("POST", "/people/fetch_by_email"),
    ("POST", "/companies"),
    ("POST", "/opportunities"),
    ("POST", "/activities"),
    ("PUT", "/leads/upsert"),
    ("POST", "/leads/5/convert"),
    ("POST", "/users/search"),
    ("POST", "/custom_field_definitions"),
    ("POST", "/custom_activity_types"),
    ("PUT", "/custom_activity_types/4"),
    ("POST", "/companies/search"),
    ("POST", "/opportunities/search"),
]
RECORD_ROUTES = [
    "/people/999999",
    "/leads/999999",
    "/companies/999999",
    "/opportunities/999999",
    "/activities/999999",
    "/users/999999",
    "/custom_field_definitions/999999",
    "/custom_activity_types/999999",
    "/pipeline_stages/pipeline/999999",
]


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
def test_malformed_json_is_400(sample_client: TestClient, method: str, path: str) -> None:
    headers = {**JIM, "Content-Type": "application/json"}
    response = sample_client.request(method, API + path, content=b'{"page_size": ', headers=headers)
    assert_error(response, 400)


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
@pytest.mark.parametrize("body", [b"[]", b"3", b'"text"', b"null"])
def test_non_object_json_is_400(
    sample_client: TestClient, method: str, path: str, body: bytes
) -> None:
    response = sample_client.request(method, API + path, content=body, headers=JIM)
    assert_error(response, 400)


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
def test_body_over_one_mebibyte_is_413(sample_client: TestClient, method: str, path: str) -> None:
    body = b'{"details": "' + b"x" * (1024 * 1024) + b'"}'
    response = sample_client.request(method, API + path, content=body, headers=JIM)
    assert_error(response, 413)


@pytest.mark.parametrize("path", RECORD_ROUTES)
def test_unknown_record_is_404(sample_client: TestClient, path: str) -> None:
    assert_error(sample_client.get(API + path, headers=JIM), 404)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {k: v for k, v in JIM.items() if k != "X-PW-AccessToken"},
        {k: v for k, v in JIM.items() if k != "X-PW-UserEmail"},
        {k: v for k, v in JIM.items() if k != "X-PW-Application"},
        {**JIM, "X-PW-Application": "something_else"},
        {**JIM, "X-PW-AccessToken": "not-a-token"},
        {**JIM, "X-PW-UserEmail": "admin@dundermifflin.com"},
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/people/search"), ("GET", "/people/3"), ("GET", "/account"), ("DELETE", "/leads/5")],
)
def test_authentication_is_401(
    sample_client: TestClient, headers: dict[str, str], method: str, path: str
) -> None:
    assert_error(sample_client.request(method, API + path, headers=headers), 401)


def test_user_email_is_case_insensitive(sample_client: TestClient) -> None:
    headers = {**JIM, "X-PW-UserEmail": "Jim.Halpert@DunderMifflin.com"}
    assert sample_client.get(API + "/people/3", headers=headers).status_code == 200


@pytest.mark.parametrize("path", ["/nothing", "/people/3/nothing", "/", "/people/abc"])
def test_unknown_route_is_404(sample_client: TestClient, path: str) -> None:
    assert_error(sample_client.get(API + path, headers=JIM), 404)


def test_unknown_route_outside_the_api_is_404(sample_client: TestClient) -> None:
    assert_error(sample_client.get("/nothing"), 404)


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/people/search"), ("PATCH", "/people/3"), ("DELETE", "/people"),
     ("GET", "/leads/upsert"), ("PUT", "/account")],
)  # fmt: skip
def test_wrong_method_is_405(sample_client: TestClient, method: str, path: str) -> None:
    assert_error(sample_client.request(method, API + path, headers=JIM), 405)


def test_wrong_type_names_the_field(sample_client: TestClient) -> None:
    response = sample_client.post(API + "/people/search", json={"page_size": "many"}, headers=JIM)
    assert_error(response, 400)
    assert "page_size" in response.json()["message"]


def test_duplicate_email_is_422(sample_client: TestClient) -> None:
    email = {"email": "JHALPERT@prosperworks.com", "category": "work"}
    body = {"name": "Jim Again", "emails": [email]}
    assert_error(sample_client.post(API + "/people", json=body, headers=JIM), 422)


def test_missing_name_is_422(sample_client: TestClient) -> None:
    assert_error(sample_client.post(API + "/leads", json={"title": "CEO"}, headers=JIM), 422)


def _every_route(client: TestClient) -> list[tuple[str, str]]:
    """(method, path) of every route the OpenAPI document lists, ids filled in."""
    found = []
    for path, operations in client.get("/openapi.json").json()["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "1", path).replace("/people/1", "/people/3")
        found += [(method.upper(), concrete[len(API) :]) for method in sorted(operations)]
    return found


def test_every_route_refuses_an_oversized_body_before_acting(sample_client: TestClient) -> None:
    body = b"x" * (1024 * 1024 + 1)
    routes = _every_route(sample_client)
    assert ("POST", "/people/3/follow") in routes
    for method, path in routes:
        assert_error(sample_client.request(method, API + path, content=body, headers=JIM), 413)
    followed = sample_client.post(API + "/people/search", json={"followed": 1}, headers=JIM)
    assert 3 not in [person["id"] for person in followed.json()]


def test_a_streamed_body_over_the_limit_is_413(sample_client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(17):
            yield b"x" * 65536

    response = sample_client.post(API + "/people/3/follow", content=chunks(), headers=JIM)
    assert_error(response, 413)
