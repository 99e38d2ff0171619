"""Alembic's migrations build exactly the schema that storage/schema.py declares."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from tests.conftest import new_postgres_database
from verdigris.storage.engine import create_db_engine
from verdigris.storage.migrate import alembic_config, upgrade
from verdigris.storage.schema import metadata


def test_migrations_match_the_schema(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    upgrade(engine)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert differences == []


def test_upgrade_twice_is_harmless(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'migrated.db'}")
    upgrade(engine)
    upgrade(engine)
    assert "people" in inspect(engine).get_table_names()
    engine.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    engine.dispose()


def _table_sql(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        return {str(name): str(sql) for name, sql in rows}


def test_upgrade_from_0001_keeps_rows_and_rekeys_child_tables(tmp_path: Path) -> None:
    engine = _upgraded_from(
        f"sqlite:///{tmp_path / 'old.db'}",
        "0001",
        "INSERT INTO name_tokens VALUES (1, 1, 'jim', 7), (1, 1, 'halpert', 7)",
        "INSERT INTO record_tags VALUES (1, 1, 7, 'vip')",
    )
    tables = _table_sql(engine)
    with engine.connect() as conn:
        tokens = conn.exec_driver_sql("SELECT token, record_id FROM name_tokens").all()
        tags = conn.exec_driver_sql("SELECT tag_key FROM record_tags").scalars().all()
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    key = inspect(engine).get_pk_constraint("name_tokens")["constrained_columns"]
    engine.dispose()
    assert sorted(tokens) == [("halpert", 7), ("jim", 7)]
    assert tags == ["vip"]
    assert differences == []
    assert key == ["account_id", "record_type", "record_id", "token"]
    for table in metadata.sorted_tables:
        without_rowid = table.dialect_options["sqlite"]["with_rowid"] is False
        assert ("WITHOUT ROWID" in tables[table.name]) is without_rowid, table.name


def _upgraded_from(url: str, revision: str, *inserts: str) -> Engine:
    """A database at `revision` holding the rows of `inserts`, then upgraded to head."""
    engine = create_db_engine(url)
    command.upgrade(alembic_config(engine), revision)
    with engine.begin() as conn:
        for statement in inserts:
            conn.exec_driver_sql(statement)
    upgrade(engine)
    return engine


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    """A new, empty PostgreSQL database (migrations start from nothing)."""
    with new_postgres_database() as url:
        yield url


@pytest.mark.postgresql
def test_postgres_upgrade_from_0001_rekeys_name_tokens(empty_postgres: str) -> None:
    engine = _upgraded_from(
        empty_postgres, "0001", "INSERT INTO name_tokens VALUES (1, 1, 'jim', 7), (1, 1, 'lee', 7)"
    )
    with engine.connect() as conn:
        tokens = conn.exec_driver_sql("SELECT token FROM name_tokens ORDER BY token").scalars()
        assert list(tokens) == ["jim", "lee"]
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    key = inspect(engine).get_pk_constraint("name_tokens")["constrained_columns"]
    engine.dispose()
    assert key == ["account_id", "record_type", "record_id", "token"]


@pytest.mark.postgresql
def test_postgres_upgrade_from_0003_collates_lookup_keys_c(empty_postgres: str) -> None:
    engine = _upgraded_from(
        empty_postgres,
        "0003",
        "INSERT INTO record_tags VALUES (1, 1, 7, 'vip')",
        "INSERT INTO token_variants VALUES (1, 'jm', 'jim')",
    )
    with engine.connect() as conn:
        tags = conn.exec_driver_sql("SELECT tag_key FROM record_tags").scalars().all()
        variants = conn.exec_driver_sql("SELECT variant, token FROM token_variants").all()
        collations = dict(
            conn.exec_driver_sql(
                "SELECT table_name || '.' || column_name, collation_name "
                "FROM information_schema.columns WHERE table_schema = 'public' "
                "AND data_type = 'text' AND collation_name IS NOT NULL"
            ).all()
        )
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert tags == ["vip"]
    assert variants == [("jm", "jim")]
    assert differences == []
    for table in metadata.sorted_tables:
        for column in table.c:
            declared = column.type.dialect_impl(engine.dialect)
            expected = getattr(declared, "collation", None)
            assert collations.get(f"{table.name}.{column.name}") == expected, column
