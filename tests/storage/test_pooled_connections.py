"""Pooled PostgreSQL connections: one back within PING_AFTER_REST is used as it is (no
ping round trip); one that rested longer is pinged at checkout, and one whose server
session is gone is replaced before a read or a write meets it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text

from tests.conftest import new_postgres_database
from verdigris.storage import engine as engines
from verdigris.storage.engine import create_db_engine, read, write

pytestmark = pytest.mark.postgresql
BACKEND = text("SELECT pg_backend_pid()")


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with new_postgres_database() as made:
        yield made


@pytest.fixture
def pooled(url: str) -> Iterator[Engine]:
    engine = create_db_engine(url, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


@pytest.fixture
def pings(pooled: Engine, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Each ping of the pool's connections."""
    seen: list[Any] = []
    ping = pooled.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        seen.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(pooled.dialect, "do_ping", counted)
    return seen


def _backend(engine: Engine) -> int:
    with read(engine) as conn:
        return int(conn.execute(BACKEND).scalar_one())


def _terminate(url: str, pid: int) -> None:
    admin = create_db_engine(url)
    try:
        with read(admin) as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            gone = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
            while conn.execute(gone, {"pid": pid}).scalar_one():
                time.sleep(0.01)
    finally:
        admin.dispose()


def test_a_connection_back_within_the_rest_is_not_pinged(pooled: Engine, pings: list[Any]) -> None:
    first = _backend(pooled)
    assert [_backend(pooled) for _ in range(5)] == [first] * 5
    assert pings == []


def test_a_connection_that_rested_is_pinged(
    pooled: Engine, pings: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _backend(pooled)
    monkeypatch.setattr(engines, "PING_AFTER_REST", 0.0)
    assert _backend(pooled) == first
    assert len(pings) == 1


def test_a_rested_connection_whose_session_ended_is_replaced(
    url: str, pooled: Engine, pings: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """As after a server restart or an idle timeout: the read and the write after it
    run on a new connection, and no error reaches them."""
    first = _backend(pooled)
    _terminate(url, first)
    monkeypatch.setattr(engines, "PING_AFTER_REST", 0.0)
    second = _backend(pooled)
    assert second != first and pings
    _terminate(url, second)
    with write(pooled) as conn:
        assert conn.execute(BACKEND).scalar_one() not in (first, second)
