"""The one transaction of a snapshot load, and how its steps and failures are reported.

On SQLite a load runs with settings of its own (page cache, temporary tables, journal)
that are put back to the server's when it ends (decision 0302).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from verdigris.errors import SnapshotError
from verdigris.storage.engine import configure_sqlite

LOAD_CACHE_KIB = 131072
"""SQLite page cache of a load (KiB)."""
log = logging.getLogger("verdigris.load")


@contextmanager
def timed(what: str, level: int = logging.INFO) -> Iterator[None]:
    """Log how long the block took (`verdigris load --verbose` shows it)."""
    started = time.perf_counter()
    yield
    log.log(level, "%s: %.1f s", what, time.perf_counter() - started)


@contextmanager
def database_errors(where: Callable[[], str]) -> Iterator[None]:
    """A statement the database refuses becomes a SnapshotError naming what was loading."""
    try:
        yield
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise SnapshotError(f"{where()}: the database refused it: {reason}") from None
    except psycopg.Error as error:  # COPY runs on the raw DBAPI connection
        reason = str(error).strip().splitlines()[0]
        raise SnapshotError(f"{where()}: the database refused it: {reason}") from None


@contextmanager
def bulk_transaction(engine: Engine) -> Iterator[Connection]:
    """The one write transaction of a load.

    On SQLite, when no other connection has the database open, the load runs with a
    rollback journal instead of the WAL: pages added past the end of the file need no
    journal at all, where the WAL would hold every page of the load once more (and a
    WAL of gigabytes slows every page read of the load's own transaction). When a
    server has the file open the switch is refused at once and the load goes through
    the WAL, so that the server keeps answering. The WAL is back on when this ends.
    """
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            _prepare_sqlite(conn.connection.driver_connection)
        try:
            conn.execution_options(verdigris_write=True)
            with conn.begin():
                yield conn
        finally:
            if sqlite:  # the WAL, cache and the rest, as the server has them
                configure_sqlite(conn.connection.driver_connection)


def vacuum(engine: Engine, tables: list[str]) -> None:
    """After a big load on PostgreSQL: VACUUM (ANALYZE) the tables it wrote, so that their
    visibility maps let counts and pages read indexes only, and the planner knows the
    data, from the first search on (autovacuum would get there later, competing with
    the searches meanwhile)."""
    if engine.dialect.name != "postgresql":
        return
    with timed("VACUUM (ANALYZE)"), engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("VACUUM (ANALYZE) " + ", ".join(f'"{t}"' for t in tables))


def _prepare_sqlite(raw: Any) -> None:
    """Settings of a load's connection, made before its transaction begins."""
    # A smaller page cache than the server's, temporary tables on disk, and no mmap:
    # mapped pages touched while rebuilding indexes would count against the memory.
    raw.execute(f"PRAGMA cache_size=-{LOAD_CACHE_KIB}")
    raw.execute("PRAGMA temp_store=FILE")
    raw.execute("PRAGMA mmap_size=0")
    if raw.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        return
    timeout = raw.execute("PRAGMA busy_timeout").fetchone()[0]
    raw.execute("PRAGMA busy_timeout=0")
    try:
        raw.execute("PRAGMA journal_mode=TRUNCATE")
    except sqlite3.OperationalError:  # "database is locked": another connection has it
        pass
    finally:
        raw.execute(f"PRAGMA busy_timeout={int(timeout)}")
