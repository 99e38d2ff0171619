"""A load on SQLite: the rollback journal when it has the file alone, the WAL when a
server has it open, and the server's settings back on the connection afterwards."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.snapshot.conftest import load_dict, row_counts
from verdigris.errors import SnapshotError
from verdigris.storage.engine import create_db_engine
from verdigris.storage.schema import metadata


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "load.db"
    engine = create_db_engine(f"sqlite:///{path}")
    metadata.create_all(engine)
    engine.dispose()
    return path


@pytest.fixture
def file_engine(database: Path) -> Any:
    engine = create_db_engine(f"sqlite:///{database}")
    yield engine
    engine.dispose()


def _journal_mode(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])


def _pragmas(engine: Engine) -> tuple[Any, ...]:
    with engine.connect() as conn:
        raw: Any = conn.connection.driver_connection
        names = ("journal_mode", "cache_size", "mmap_size", "temp_store", "threads")
        return tuple(raw.execute(f"PRAGMA {name}").fetchone()[0] for name in names)


@pytest.mark.parametrize("parallel", [False, True])
def test_load_alone_leaves_wal_and_server_settings(
    file_engine: Engine, database: Path, sample: dict[str, Any], parallel: bool
) -> None:
    before = _pragmas(file_engine)
    summary = load_dict(file_engine, sample, parallel=parallel)
    assert (summary.people, summary.leads) == (5, 6)
    assert _journal_mode(database) == "wal"
    assert _pragmas(file_engine) == before
    assert not (database.parent / "load.db-journal").exists()


def test_load_beside_an_open_reader_goes_through_the_wal(
    file_engine: Engine, database: Path, sample: dict[str, Any]
) -> None:
    reader = sqlite3.connect(database)
    try:
        assert reader.execute("SELECT count(*) FROM people").fetchone() == (0,)
        load_dict(file_engine, sample, parallel=True)
        assert reader.execute("SELECT count(*) FROM people").fetchone() == (5,)
    finally:
        reader.close()
    assert _journal_mode(database) == "wal"


def test_failed_load_leaves_nothing_and_wal(
    file_engine: Engine, database: Path, sample: dict[str, Any]
) -> None:
    sample["accounts"][1]["leads"][-1]["status_id"] = 12345
    with pytest.raises(SnapshotError, match=r"accounts\[1\] \(id 2\)\.leads"):
        load_dict(file_engine, sample, parallel=True)
    assert all(n == 0 for n in row_counts(file_engine).values())
    assert _journal_mode(database) == "wal"


@pytest.mark.parametrize("parallel", [False, True])
def test_duplicate_ids_in_any_order_are_named(
    file_engine: Engine, sample: dict[str, Any], parallel: bool
) -> None:
    people = sample["accounts"][0]["people"]
    for person, new_id in zip(people, (50, 900, 60, 700, 800), strict=True):
        person["id"] = new_id  # rising ids are kept one way, the others another
    for opportunity in sample["accounts"][0].get("opportunities") or []:
        opportunity["primary_contact_id"], opportunity["related_people"] = None, []
    for lead in sample["accounts"][0]["leads"]:
        lead["converted_contact_id"] = None
    load_dict(file_engine, sample, parallel=parallel, replace=True)

    people[4]["id"] = 50
    with pytest.raises(SnapshotError, match=r"people\[4\] \(id 50\)\.id: duplicate id 50"):
        load_dict(file_engine, sample, parallel=parallel, replace=True)
    people[4]["id"] = 700
    with pytest.raises(SnapshotError, match=r"people\[4\] \(id 700\)\.id: duplicate id 700"):
        load_dict(file_engine, sample, parallel=parallel, replace=True)
