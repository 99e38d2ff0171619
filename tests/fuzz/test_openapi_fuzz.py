"""Schemathesis against /openapi.json: every route, on a real server, on both databases.

A bounded run by default (CI stays fast); `VERDIGRIS_FUZZ_EXAMPLES=500` runs the long
profile. Every answer must be below 500, every error must carry Copper's error body, and
a request the OpenAPI document calls valid must not be refused as malformed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, Response
from schemathesis.checks import not_a_server_error

from tests.conftest import JIM, new_postgres_database
from tests.e2e.server import running_server
from verdigris.api.app import create_app
from verdigris.config import Settings

EXAMPLES = int(os.environ.get("VERDIGRIS_FUZZ_EXAMPLES", "8"))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzz_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        with running_server(str(tmp_path_factory.mktemp("fuzz") / "fuzz.db")) as url:
            yield url
        return
    with new_postgres_database() as db, running_server(db) as url:
        yield url


def _operations() -> list[APIOperation]:
    """Every operation of the OpenAPI document, read from the app itself."""
    document = create_app(Settings(database_url="sqlite://")).openapi()
    found = schemathesis.openapi.from_dict(document).get_all_operations()
    return [result.ok() for result in found]


OPERATIONS = _operations()


def assert_error_shape(response: Response, path: str) -> None:
    if response.status_code < 400:
        return
    body = response.json()
    if response.status_code == 422 and "/bulk_" in path:  # Copper's own shape for this one
        assert set(body) == {"error"} and body["error"].startswith("Request size too large")
        return
    assert body["success"] is False and body["status"] == response.status_code, body
    assert isinstance(body["message"], str) and body["message"], body


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method} {op.path}")
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
@given(data=st.data())
def test_no_server_error_and_copper_error_bodies(
    fuzz_server: str, operation: APIOperation, data: st.DataObject
) -> None:
    case = data.draw(operation.as_strategy())
    response = case.call(base_url=fuzz_server, headers=JIM, timeout=30)
    case.validate_response(response, checks=[not_a_server_error])
    assert_error_shape(response, operation.path)
    if _fully_described(operation):
        assert_accepted(response)


def _fully_described(operation: APIOperation) -> bool:
    """Reads and searches: their OpenAPI schemas say all the server checks, so a request
    valid by the schema is answered. (Write bodies also have rules a JSON schema does not
    carry, such as "a name or a first or last name".)"""
    return operation.method == "get" or operation.path.endswith("/search")


MISSING_REFERENCE = re.compile(r"\bno [a-z ]+ -?\d+( in this account)?$")


def assert_accepted(response: Response) -> None:
    """A schema-valid request is not refused as malformed. Allowed: naming a record that
    does not exist (Copper answers 400 there, decision 0102), and a custom field filter
    whose value does not suit the definition it names (the schema cannot know it)."""
    if response.status_code in (400, 422):
        message = response.json()["message"]
        assert MISSING_REFERENCE.search(message) or message.startswith("custom_fields"), message
