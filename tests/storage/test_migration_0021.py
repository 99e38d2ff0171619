"""Migration 0021: existing records are counted by the day they were created, as the
write paths count them (before 1970 too, converted leads under `all:` only), on both
databases; its downgrade takes those counters away."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine

from tests.conftest import new_postgres_database
from tests.copper import new_account
from tests.storage.test_search_rows import _expected, _stored_counts
from tests.test_migrations import _upgraded_from
from verdigris.domain.types import RecordType
from verdigris.parsing.conversions import Conversion
from verdigris.parsing.records import Changes
from verdigris.storage import writes
from verdigris.storage.conversions import convert_lead
from verdigris.storage.engine import write
from verdigris.storage.migrate import alembic_config, upgrade

CREATED = [-86_401, -86_400, -1, 0, 86_399, 86_400, 1_700_000_000, 2**40]


def _check(engine: Engine) -> None:
    account = new_account(engine, "days@example.com").account_id
    with write(engine) as conn:
        for when in CREATED:
            for kind in (RecordType.PERSON, RecordType.LEAD, RecordType.TASK):
                writes.create_record(conn, account, kind, Changes({"name": f"R {when}"}), when)
        lead = writes.create_record(conn, account, RecordType.LEAD, Changes({"name": "L"}), 5)
        convert_lead(conn, account, lead["id"], Conversion(Changes({}), None, None, None), 9)
    expected, _ = _expected(engine, account)
    days = {key for key in expected if key[1].endswith("created_day")}
    assert len(days) > len(CREATED)  # people, tasks, leads and all leads
    command.downgrade(alembic_config(engine), "0020")
    assert not days & set(_stored_counts(engine, account))
    upgrade(engine)
    assert _stored_counts(engine, account) == +expected


def test_sqlite_counts_existing_records_by_day(tmp_path: Path) -> None:
    engine = _upgraded_from(f"sqlite:///{tmp_path / 'old.db'}", "0020")
    try:
        _check(engine)
    finally:
        engine.dispose()


@pytest.mark.postgresql
def test_postgres_counts_existing_records_by_day() -> None:
    with new_postgres_database() as url:
        engine = _upgraded_from(url, "0020")
        try:
            _check(engine)
        finally:
            engine.dispose()
