"""A write that cannot get its lock in time answers 503 with Retry-After, never hangs,
and reads keep answering meanwhile (decision 0005). Timings are bench/lock_wait.py's."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.conftest import JIM, SAMPLE
from tests.copper import API
from tests.test_error_shape import assert_error
from verdigris.api.app import create_app
from verdigris.config import Settings
from verdigris.snapshot.load import load_snapshot
from verdigris.storage.engine import write

WAIT = 0.5


@pytest.fixture
def impatient_client(db_url: str, engine: Engine) -> Iterator[TestClient]:
    load_snapshot(engine, SAMPLE)
    settings = Settings(database_url=db_url, migrate_on_start=False, lock_wait=WAIT)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


@contextmanager
def another_writer(engine: Engine) -> Iterator[None]:
    """Another writer, mid-transaction, holding what a write of person 3 needs."""
    with write(engine) as conn:
        if engine.dialect.name == "postgresql":  # SQLite's BEGIN IMMEDIATE took the lock
            conn.execute(text("SELECT 1 FROM people WHERE id = 3 FOR UPDATE"))
        yield


def test_a_write_that_cannot_lock_answers_503_and_reads_go_on(
    impatient_client: TestClient, engine: Engine
) -> None:
    with another_writer(engine):
        started = time.monotonic()
        response = impatient_client.put(f"{API}/people/3", json={"title": "x"}, headers=JIM)
        waited = time.monotonic() - started
        assert_error(response, 503)
        assert response.headers["Retry-After"] == "1"
        assert WAIT <= waited < WAIT + 5, waited
        read = impatient_client.get(f"{API}/people/3", headers=JIM)
        assert read.status_code == 200 and read.json()["title"] != "x"
    response = impatient_client.put(f"{API}/people/3", json={"title": "x"}, headers=JIM)
    assert response.status_code == 200 and response.json()["title"] == "x"
