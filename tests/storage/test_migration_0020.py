"""Migration 0020: accounts get a definitions stamp (random: 0 is for accounts whose
definitions were never written), and its triggers give the account a new one on each
write of its definitions or options, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import new_postgres_database
from tests.test_migrations import _upgraded_from

_ACCOUNTS = "INSERT INTO accounts (id, name) VALUES (1, 'one'), (2, 'two')"
_WRITES = [
    "INSERT INTO custom_field_definitions (account_id, id, name, data_type, available_on)"
    " VALUES (1, 1, 'Size', 'Dropdown', '[\"person\"]')",
    "INSERT INTO custom_field_options (account_id, definition_id, id, name, rank)"
    " VALUES (1, 1, 2, 'S', 0)",
    "UPDATE custom_field_options SET name = 'M'",
    "DELETE FROM custom_field_options",
    "DELETE FROM custom_field_definitions",
]


def _stamps_after_each_write(engine: Engine) -> list[tuple[int, int]]:
    def stamps() -> tuple[int, int]:
        with engine.connect() as conn:
            rows = dict(conn.exec_driver_sql("SELECT id, definitions_stamp FROM accounts").all())
        return rows[1], rows[2]

    seen = [stamps()]
    for statement in _WRITES:
        with engine.begin() as conn:
            conn.exec_driver_sql(statement)
        seen.append(stamps())
    return seen


def _check(seen: list[tuple[int, int]]) -> None:
    ones = [one for one, _ in seen]
    assert 0 not in ones and len(set(ones)) == len(ones)
    assert len({two for _, two in seen}) == 1  # the other account's never moved


def test_sqlite_stamps_change_on_definition_writes(tmp_path: Path) -> None:
    engine = _upgraded_from(f"sqlite:///{tmp_path / 'old.db'}", "0019", _ACCOUNTS)
    try:
        _check(_stamps_after_each_write(engine))
    finally:
        engine.dispose()


@pytest.mark.postgresql
def test_postgres_stamps_change_on_definition_writes() -> None:
    with new_postgres_database() as url:
        engine = _upgraded_from(url, "0019", _ACCOUNTS)
        try:
            _check(_stamps_after_each_write(engine))
        finally:
            engine.dispose()
