"""Fixtures: every database test runs on SQLite, and on PostgreSQL when
VERDIGRIS_TEST_POSTGRES_URL is set (.ci/run sets it)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from verdigris.api.app import create_app
from verdigris.config import Settings
from verdigris.storage.engine import create_db_engine
from verdigris.storage.schema import metadata

pytest_plugins = ["pytester"]

SHARED = Path(__file__).resolve().parents[2] / "shared"
SAMPLE = Path(__file__).resolve().parents[1] / "src" / "verdigris" / "demo" / "sample-account.json"
POSTGRES_URL = os.environ.get("VERDIGRIS_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]

JIM = {
    "X-PW-AccessToken": "sample-token-jim",
    "X-PW-Application": "developer_api",
    "X-PW-UserEmail": "jim.halpert@dundermifflin.com",
}
OTHER = {
    "X-PW-AccessToken": "sample-token-other",
    "X-PW-Application": "developer_api",
    "X-PW-UserEmail": "owner@other.example",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgresql: runs on PostgreSQL")


class FakeClock:
    """The injectable clock: tests move time by hand, never sleep."""

    def __init__(self, now: int = 1_700_000_000) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: int) -> None:
        self.now += seconds


@contextmanager
def new_postgres_database() -> Iterator[str]:
    """The URL of a new, empty database on the test PostgreSQL server, dropped after
    (skips the test when VERDIGRIS_TEST_POSTGRES_URL is not set)."""
    if not POSTGRES_URL:
        pytest.skip("VERDIGRIS_TEST_POSTGRES_URL is not set")
    name = f"verdigris_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(_sqlalchemy_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield _sqlalchemy_url(POSTGRES_URL).rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database of this test session's own on the PostgreSQL server."""
    with new_postgres_database() as url:
        engine = create_db_engine(url)
        metadata.create_all(engine)
        engine.dispose()
        yield url


def empty_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, label: str
) -> Engine:
    """An engine on an empty database with the current schema, for a module-scoped
    fixture parametrized over BACKENDS (`request.param`): a new SQLite file, or the
    session's PostgreSQL database emptied."""
    if request.param == "sqlite":
        engine = create_db_engine(f"sqlite:///{tmp_path_factory.mktemp(label) / 'search.db'}")
        metadata.create_all(engine)
        return engine
    engine = create_db_engine(request.getfixturevalue("postgres_database"))
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names}"))
    return engine


def _sqlalchemy_url(url: str) -> str:
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database with the current schema, on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'verdigris.db'}"
        engine = create_db_engine(url)
        metadata.create_all(engine)
        engine.dispose()
        yield url
        return
    url = request.getfixturevalue("postgres_database")
    engine = create_db_engine(url)
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names}"))
    engine.dispose()
    yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = create_db_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@contextmanager
def app_client(db_url: str, clock: FakeClock) -> Iterator[TestClient]:
    """An in-process client of an app of its own on `db_url` (a worker of its own)."""
    app = create_app(Settings(database_url=db_url, migrate_on_start=False), clock=clock)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def client(db_url: str, clock: FakeClock) -> Iterator[TestClient]:
    """An in-process client on an empty database."""
    with app_client(db_url, clock) as test_client:
        yield test_client


@pytest.fixture
def sample_client(db_url: str, clock: FakeClock) -> Iterator[TestClient]:
    """An in-process client on a database holding the shared sample accounts."""
    from verdigris.snapshot.load import load_snapshot

    engine = create_db_engine(db_url)
    load_snapshot(engine, SAMPLE)
    engine.dispose()
    app = create_app(Settings(database_url=db_url, migrate_on_start=False), clock=clock)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
