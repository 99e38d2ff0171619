"""Migration 0019: name tokens written before it carry their record's default sort key
and converted flag after it (a name search in the default order reads only them), on
both databases; tokens of a record with no such key carry none."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from tests.conftest import new_postgres_database
from tests.test_migrations import _upgraded_from
from verdigris.storage.schema import metadata

_PEOPLE = (
    "INSERT INTO people (account_id, id, name, first_name, first_name_key, phone_numbers,"
    " socials, tags, websites, custom_fields, date_created, date_modified,"
    " interaction_count, emails, leads_converted_from) VALUES"
    " (1, 1, 'Ada Lovelace', 'Ada', 'ada', '[]', '[]', '[]', '[]', '{}', 1, 1, 0, '[]', '[]'),"
    " (1, 2, 'Lovelace', NULL, NULL, '[]', '[]', '[]', '[]', '{}', 1, 1, 0, '[]', '[]')"
)
_LEADS = (
    "INSERT INTO leads (account_id, id, name, name_key, phone_numbers, socials, tags,"
    " websites, custom_fields, date_created, date_modified, date_status_changed,"
    " interaction_count, is_converted) VALUES"
    " (1, 1, 'Cy Ada', 'cy ada', '[]', '[]', '[]', '[]', '{}', 1, 1, 1, 0, FALSE),"
    " (1, 2, 'Bo Ada', 'bo ada', '[]', '[]', '[]', '[]', '{}', 1, 1, 1, 0, TRUE)"
)
_TOKENS = (
    "INSERT INTO name_tokens (account_id, record_type, token, record_id) VALUES"
    " (1, 1, 'ada', 1), (1, 1, 'lovelace', 1), (1, 1, 'lovelace', 2),"
    " (1, 2, 'cy', 1), (1, 2, 'ada', 1), (1, 2, 'bo', 2), (1, 2, 'ada', 2)"
)
_CARRIED = [
    (1, 1, "ada", False, "ada"),
    (1, 1, "lovelace", False, "ada"),
    (1, 2, "lovelace", False, None),
    (2, 1, "ada", False, "cy ada"),
    (2, 1, "cy", False, "cy ada"),
    (2, 2, "ada", True, "bo ada"),
    (2, 2, "bo", True, "bo ada"),
]


def _carried(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT record_type, record_id, token, converted, default_key FROM name_tokens"
            " ORDER BY record_type, record_id, token"
        ).all()
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    return [(t, i, token, bool(converted), key) for t, i, token, converted, key in rows]


@pytest.fixture
def sqlite_upgraded(tmp_path: Path) -> Iterator[Engine]:
    engine = _upgraded_from(f"sqlite:///{tmp_path / 'old.db'}", "0018", _PEOPLE, _LEADS, _TOKENS)
    yield engine
    engine.dispose()


def test_sqlite_tokens_carry_their_records_key_and_flag(sqlite_upgraded: Engine) -> None:
    assert _carried(sqlite_upgraded) == _CARRIED


@pytest.mark.postgresql
def test_postgres_tokens_carry_their_records_key_and_flag() -> None:
    with new_postgres_database() as url:
        engine = _upgraded_from(url, "0018", _PEOPLE, _LEADS, _TOKENS)
        try:
            assert _carried(engine) == _CARRIED
        finally:
            engine.dispose()
