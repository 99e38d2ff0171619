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


_OLD_ROWS = (
    "INSERT INTO accounts VALUES (1, 'A')",
    "INSERT INTO companies (account_id, id, name, name_key, address, assignee_id, "
    "contact_type_id, details, email_domain, phone_numbers, socials, tags, websites, "
    "custom_fields, interaction_count, date_created, date_modified) VALUES (1, 3, 'Acme', "
    "'acme', '{\"city\": \"Scranton\"}', 2, NULL, NULL, 'acme.example', "
    "'[{\"number\": \"570-555\", \"category\": \"work\"}]', '[]', '[\"VIP\"]', '[]', '{}', 0, "
    "10, 10)",
    "INSERT INTO opportunities (account_id, id, name, name_key, primary_contact_id, company_id, "
    "doc, date_created, date_modified) VALUES (1, 4, 'Deal', 'deal', 7, 3, "
    '\'{"status": "Won", "monetary_value": 2500, "tags": ["big"]}\', 20, 20)',
    "INSERT INTO opportunity_people VALUES (1, 4, 8)",
    "INSERT INTO people (account_id, id, name, company_id, phone_numbers, socials, tags, "
    "websites, custom_fields, date_created, date_modified, interaction_count, emails, "
    "leads_converted_from) VALUES (1, 7, 'Jim', 3, '[]', '[]', '[]', '[]', '{}', 1, 1, 0, "
    "'[]', '[]')",
)


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def test_upgrade_from_0004_declares_companies_opportunities_and_relations(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        url = request.getfixturevalue("empty_postgres")
    engine = _upgraded_from(url, "0004", *_OLD_ROWS)
    with engine.connect() as conn:
        sql = conn.exec_driver_sql
        company = sql("SELECT city_key, phone_key, email_domain_key FROM companies").one()
        opportunity = sql("SELECT status, monetary_value, tags FROM opportunities").one()
        tags = sql("SELECT record_type, record_id, tag_key FROM record_tags ORDER BY 1").all()
        counts = dict(sql("SELECT record_type || ':' || field || '=' || value, n "
                          "FROM value_counts").all())  # fmt: skip
        relations = sql("SELECT type, id, other_type, other_id FROM relations "
                        "ORDER BY 1, 2, 3, 4").all()  # fmt: skip
        words = sql("SELECT record_type, record_id, word FROM name_words ORDER BY 1").all()
        pieces = sql("SELECT gram FROM word_grams WHERE word = 'acme' ORDER BY 1").all()
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert tuple(company) == ("scranton", "570-555", "acme.example")
    assert words == [(3, 3, "acme"), (4, 4, "deal")]
    assert [p for (p,) in pieces] == ["acm", "acme", "cme"]
    assert tuple(opportunity) == ("Won", 2500.0, '["big"]')
    assert tags == [(3, 3, "vip"), (4, 4, "big")]
    assert counts["3:*="] == 1 and counts["3:city=scranton"] == 1 and counts["4:tag=big"] == 1
    assert relations == [(1, 7, 3, 3), (1, 7, 4, 4), (1, 8, 4, 4), (3, 3, 1, 7), (3, 3, 4, 4),
                         (4, 4, 1, 7), (4, 4, 1, 8), (4, 4, 3, 3)]  # fmt: skip
    assert differences == []
