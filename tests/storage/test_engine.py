"""`read`: one snapshot for all its statements on SQLite; on PostgreSQL, whose READ
COMMITTED gives each statement a snapshot of its own within a transaction too, no
transaction at all (no BEGIN and COMMIT round trips)."""

from __future__ import annotations

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import Engine, func, select

from verdigris.storage import schema
from verdigris.storage.engine import read, write

ACCOUNTS = select(func.count()).select_from(schema.accounts)


def _add_account(engine: Engine, account_id: int) -> None:
    with write(engine) as conn:
        conn.execute(schema.accounts.insert(), {"id": account_id, "name": f"a{account_id}"})


def test_a_sqlite_read_is_one_snapshot_and_a_postgresql_read_no_transaction(
    engine: Engine,
) -> None:
    with read(engine) as conn:
        before = conn.execute(ACCOUNTS).scalar()
        _add_account(engine, 1)
        after = conn.execute(ACCOUNTS).scalar()
        driver = conn.connection.dbapi_connection
        if engine.dialect.name == "postgresql":
            status = driver.info.transaction_status  # type: ignore[union-attr]
            assert status is TransactionStatus.IDLE
            assert (before, after) == (0, 1)
        else:
            assert driver.in_transaction  # type: ignore[union-attr]
            assert (before, after) == (0, 0)
    with read(engine) as conn:
        assert conn.execute(ACCOUNTS).scalar() == 1


def test_after_a_read_the_pool_still_writes_in_transactions(engine: Engine) -> None:
    with read(engine) as conn:
        conn.execute(ACCOUNTS)
    with pytest.raises(RuntimeError), write(engine) as conn:
        conn.execute(schema.accounts.insert(), {"id": 2, "name": "gone"})
        raise RuntimeError("rolled back")
    with read(engine) as conn:
        assert conn.execute(ACCOUNTS).scalar() == 0
