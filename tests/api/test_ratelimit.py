"""Rate limiting: off by default; N requests per rolling S seconds per token, then 429 with
Retry-After; one window shared by every app instance (worker) on the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient

from tests.conftest import JIM, OTHER, SAMPLE, FakeClock
from tests.copper import API, error
from verdigris.api.app import create_app
from verdigris.config import RateLimit, Settings
from verdigris.snapshot.load import load_snapshot
from verdigris.storage.engine import create_db_engine

ADMIN = {
    **JIM,
    "X-PW-AccessToken": "sample-token-admin",
    "X-PW-UserEmail": "admin@dundermifflin.com",
}


@pytest.fixture
def workers(db_url: str, clock: FakeClock) -> Iterator[list[TestClient]]:
    """Two app instances (as two uvicorn workers would be) limited to 3 requests per 10 s."""
    engine = create_db_engine(db_url)
    load_snapshot(engine, SAMPLE)
    engine.dispose()
    settings = Settings(database_url=db_url, rate_limit=RateLimit(3, 10), migrate_on_start=False)
    with ExitStack() as stack:
        clients = [
            stack.enter_context(
                TestClient(create_app(settings, clock=clock), raise_server_exceptions=False)
            )
            for _ in range(2)
        ]
        yield clients


def test_off_by_default(sample_client: TestClient) -> None:
    for _ in range(20):
        assert sample_client.get(f"{API}/companies/2", headers=JIM).status_code == 200


def test_limit_holds_across_workers_and_window_rolls(
    workers: list[TestClient], clock: FakeClock
) -> None:
    a, b = workers
    assert a.get(f"{API}/companies/2", headers=JIM).status_code == 200
    clock.advance(4)
    assert b.get(f"{API}/companies/2", headers=JIM).status_code == 200
    assert a.post(f"{API}/companies/search", headers=JIM).status_code == 200
    clock.advance(1)
    limited = b.get(f"{API}/companies/2", headers=JIM)
    error(limited, 429)
    assert limited.headers["Retry-After"] == "5"  # the first hit leaves the window at t=10
    clock.advance(4)
    assert limited.headers["Retry-After"] != "0"
    assert a.get(f"{API}/companies/2", headers=JIM).headers["Retry-After"] == "1"
    clock.advance(1)
    assert a.get(f"{API}/companies/2", headers=JIM).status_code == 200
    error(b.get(f"{API}/companies/2", headers=JIM), 429)


def test_each_token_has_its_own_window(workers: list[TestClient]) -> None:
    a, _ = workers
    for _ in range(3):
        assert a.get(f"{API}/companies/2", headers=JIM).status_code == 200
    error(a.get(f"{API}/companies/2", headers=JIM), 429)
    assert a.get(f"{API}/companies/2", headers=ADMIN).status_code == 200
    assert a.post(f"{API}/companies/search", headers=OTHER).status_code == 200


def test_rejected_requests_do_not_extend_the_wait(
    workers: list[TestClient], clock: FakeClock
) -> None:
    a, _ = workers
    for _ in range(3):
        a.get(f"{API}/companies/2", headers=JIM)
    for _ in range(5):
        clock.advance(1)
        error(a.get(f"{API}/companies/2", headers=JIM), 429)
    clock.advance(5)
    assert a.get(f"{API}/companies/2", headers=JIM).status_code == 200


def test_bad_credentials_are_401_not_counted(workers: list[TestClient]) -> None:
    a, _ = workers
    for _ in range(5):
        error(a.get(f"{API}/companies/2", headers={**JIM, "X-PW-AccessToken": "nope"}), 401)
    assert a.get(f"{API}/companies/2", headers=JIM).status_code == 200


def test_parse_rate_limit() -> None:
    assert RateLimit.parse("180/60") == RateLimit(180, 60.0)
    with pytest.raises(ValueError):
        RateLimit.parse("0/60")
