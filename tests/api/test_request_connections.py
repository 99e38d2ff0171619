"""A request authenticates on the connection of its first read: one connection for a
search; every connection is back in the pool when a request ends, whatever way it
ends; a write never runs beside a held connection. The app runs as `verdigris serve`
runs its workers: its webhook sender, which reads on its own, apart."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from tests.conftest import FakeClock
from tests.copper import API, Owner
from verdigris.api.app import create_app
from verdigris.config import Settings


@pytest.fixture
def client(db_url: str, clock: FakeClock) -> Iterator[TestClient]:
    settings = Settings(database_url=db_url, migrate_on_start=False, sender_in_app=False)
    with TestClient(create_app(settings, clock=clock), raise_server_exceptions=False) as app:
        yield app


@dataclass
class Pooled:
    """What one request did with the app's connection pool."""

    checkouts: int = 0
    most_at_once: int = 0
    _out: int = field(default=0, repr=False)


@contextmanager
def watched(engine: Engine) -> Iterator[Pooled]:
    seen = Pooled()

    def checkout(*_: object) -> None:
        seen.checkouts += 1
        seen._out += 1
        seen.most_at_once = max(seen.most_at_once, seen._out)

    def checkin(*_: object) -> None:
        seen._out -= 1

    hooks = [(engine, "checkout", checkout), (engine, "checkin", checkin)]
    for target, name, fn in hooks:
        event.listen(target, name, fn)
    try:
        yield seen
    finally:
        for target, name, fn in hooks:
            event.remove(target, name, fn)


def _engine(client: TestClient) -> Engine:
    engine: Engine = client.app.state.engine  # type: ignore[attr-defined]
    return engine


def _idle(client: TestClient) -> bool:
    return _engine(client).pool.checkedout() == 0  # type: ignore[attr-defined]


def test_a_search_takes_one_connection(client: TestClient, auth: dict[str, str]) -> None:
    client.post(f"{API}/people", json={"name": "Ada Lovelace"}, headers=auth)
    with watched(_engine(client)) as seen:
        found = client.post(f"{API}/people/search", json={}, headers=auth)
    assert found.status_code == 200 and [p["name"] for p in found.json()] == ["Ada Lovelace"]
    assert seen.checkouts == 1
    assert _idle(client)


def test_a_refused_token_leaves_no_connection_out(client: TestClient, owner: Owner) -> None:
    wrong = owner.headers | {"X-PW-AccessToken": "not-a-token"}
    with watched(_engine(client)) as seen:
        refused = client.post(f"{API}/people/search", json={}, headers=wrong)
    assert refused.status_code == 401
    assert seen.checkouts == 1 and _idle(client)


def test_a_failed_handler_gives_its_connection_back(
    client: TestClient, auth: dict[str, str]
) -> None:
    bad = client.post(f"{API}/people/search", json={"page_size": "many"}, headers=auth)
    missing = client.get(f"{API}/people/424242", headers=auth)
    assert (bad.status_code, missing.status_code) == (400, 404)
    assert _idle(client)
    again = client.post(f"{API}/people/search", json={}, headers=auth)
    assert again.status_code == 200


def test_a_write_runs_with_no_read_open_beside_it(client: TestClient, auth: dict[str, str]) -> None:
    with watched(_engine(client)) as seen:
        made = client.post(f"{API}/people", json={"name": "Grace Hopper"}, headers=auth)
    assert made.status_code == 200
    assert seen.most_at_once == 1  # authentication's connection closed before the write's
    assert _idle(client)
