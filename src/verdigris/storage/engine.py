"""Engines for SQLite (WAL, busy timeout, one writer at a time) and PostgreSQL (psycopg 3).

Reads and writes both go through `read()` and `write()`: a write on SQLite starts with
BEGIN IMMEDIATE, so two writers queue on the busy timeout instead of failing later with
"database is locked" when a read transaction tries to upgrade. `run_write` is the
request path's write: bounded lock waits on SQLite (decision 0005), reruns on
PostgreSQL's deadlock and serialization failures.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.pool import StaticPool

from verdigris.errors import Unavailable

BUSY_TIMEOUT_MS = 30_000
_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA cache_size=-262144",  # 256 MiB page cache per connection
    "PRAGMA mmap_size=4294967296",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA threads=0",  # a load's index rebuild raises it (storage/bulk.py)
)


__all__ = [
    "Connection", "Engine", "create_db_engine", "in_memory", "read", "read_connection", "read_on",
    "run_write", "write",
]  # fmt: skip
T = TypeVar("T")
RETRIED_STATES = frozenset({"40001", "40P01"})
"""PostgreSQL's serialization failure and deadlock: the transaction is rerun whole."""
WRITE_ATTEMPTS = 4
LOCK_NOT_AVAILABLE = "55P03"
log = logging.getLogger("verdigris")


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url` with Verdigris' connection settings applied."""
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _postgres_connect)
    event.listen(engine, "checkout", partial(_ping_if_rested, engine.dialect))
    event.listen(engine, "checkin", _rested_from)
    return engine


def in_memory(url: str) -> bool:
    """A SQLite database that lives in one process's memory (no other process sees it)."""
    return url in ("sqlite://", "sqlite:///:memory:")


def _sqlite_engine(url: str, **kwargs: Any) -> Engine:
    if in_memory(url):
        kwargs.setdefault("poolclass", StaticPool)
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}, **kwargs
    )
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own handling defers it).
    dbapi_connection.isolation_level = None
    configure_sqlite(dbapi_connection)


def configure_sqlite(dbapi_connection: Any) -> None:
    """Verdigris' settings on a sqlite3 connection (again after a load changed them)."""
    cursor = dbapi_connection.cursor()
    for pragma in _SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    options = conn.get_execution_options()
    if not options.get("verdigris_write", False):
        conn.exec_driver_sql("BEGIN")
        return
    wait = options.get("verdigris_lock_wait") or BUSY_TIMEOUT_MS / 1000
    if options.get(LOCK_POLL):
        _begin_polling(conn, wait, options[LOCK_POLL])
        return
    conn.exec_driver_sql(f"PRAGMA busy_timeout={int(wait * 1000)}")
    conn.exec_driver_sql("BEGIN IMMEDIATE")


LOCK_POLL = "verdigris_lock_poll"
"""Engine option for a writer alone in its process among busy writers of another (the
webhook sender): seconds between its tries for SQLite's write lock."""


def _begin_polling(conn: Connection, wait: float, poll: float) -> None:
    """BEGIN IMMEDIATE, tried every `poll` seconds for up to `wait`. SQLite's own wait
    sleeps in ever longer steps (up to 100 ms), and a writer that sleeps so long misses
    every gap between another process's short writes: under a steady stream of them it
    waited over a second for a lock free 15% of the time."""
    conn.exec_driver_sql("PRAGMA busy_timeout=0")
    deadline = time.monotonic() + wait
    while True:
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as error:
            if not _locked(error) or time.monotonic() >= deadline:
                raise
        time.sleep(poll)


PING_AFTER_REST = 1.0
"""Seconds a pooled PostgreSQL connection may rest before its next checkout pings it.
A ping on every checkout (`pool_pre_ping`) cost a round trip a request: 0.3-0.45 ms of
a 3-4 ms search of one lead, in process. A connection back within the second was
working a moment ago; one that rested longer may have lost its server (a restart, an
idle timeout), and is replaced before a request meets it."""
_RESTED_FROM = "verdigris_rested_from"


def _rested_from(_dbapi_connection: Any, record: Any) -> None:
    record.info[_RESTED_FROM] = time.monotonic()


def _ping_if_rested(dialect: Any, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    rested = record.info.pop(_RESTED_FROM, None)
    if rested is not None and time.monotonic() - rested < PING_AFTER_REST:
        return
    try:
        dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error as exc:
        # The pool discards the connection and checks out a new one.
        raise DisconnectionError(f"a pooled connection was lost: {exc}") from exc


def _postgres_connect(dbapi_connection: Any, record: Any) -> None:
    # Search queries are short; JIT compilation only adds latency to them. So do
    # parallel workers: starting two took 4.4 ms of a 6.8 ms page whose gathered part
    # (the padded case of an address value, estimated from its index's whole range)
    # found no row; and the server's own workers already share the cores.
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET jit = off")
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    dbapi_connection.commit()
    _rested_from(dbapi_connection, record)  # new: its first checkout needs no ping


@contextmanager
def read(engine: Engine) -> Iterator[Connection]:
    """A read on a connection of its own (read_connection, read_on)."""
    with read_connection(engine) as conn, read_on(conn):
        yield conn


def read_connection(engine: Engine) -> Connection:
    """A connection for reads. PostgreSQL's reads run in autocommit: at its READ
    COMMITTED each statement takes a snapshot of its own within a transaction too, and
    BEGIN and COMMIT cost a round trip each (a search of one record, in process: about
    0.3 ms of 3.2)."""
    conn = engine.connect()
    if engine.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
    return conn


@contextmanager
def read_on(conn: Connection) -> Iterator[Connection]:
    """A read on a connection from read_connection: on SQLite one transaction, one
    consistent snapshot for a count and its page."""
    with conn.begin():
        yield conn


@contextmanager
def write(engine: Engine, lock_wait: float | None = None) -> Iterator[Connection]:
    """A write transaction: commits on success, rolls everything back on any error. On
    SQLite it waits up to `lock_wait` seconds (default 30) for the write lock."""
    if engine.dialect.name != "sqlite":
        with _transaction(engine, lock_wait) as conn:
            yield conn
        return
    # SQLite's own wait for its lock sleeps in steps (1, 2, 5, 10 ms and up), so a
    # writer that meets another pays several ms over what it waited for. The writers of
    # one process queue on a lock of their own first and are handed the file's lock as
    # soon as it is free; other processes still meet on the busy timeout.
    wait = lock_wait if lock_wait is not None else BUSY_TIMEOUT_MS / 1000
    with _writers_made:
        writers = _writers.setdefault(engine, threading.Lock())
    if not writers.acquire(timeout=wait):
        raise Unavailable("the database is busy with another write; retry shortly",
                          max(1, math.ceil(wait)))  # fmt: skip
    try:
        with _transaction(engine, lock_wait) as conn:
            yield conn
    finally:
        writers.release()


_writers: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_writers_made = threading.Lock()


@contextmanager
def _transaction(engine: Engine, lock_wait: float | None) -> Iterator[Connection]:
    with engine.connect() as conn:
        conn.execution_options(verdigris_write=True, verdigris_lock_wait=lock_wait)
        with conn.begin():
            if lock_wait is not None and conn.dialect.name == "postgresql":
                # The same bound as SQLite's: a row or table lock held elsewhere (a load
                # replacing the account) fails the write with 55P03 instead of a hang.
                conn.exec_driver_sql(f"SET LOCAL lock_timeout = {int(lock_wait * 1000)}")
            yield conn


def run_write(engine: Engine, work: Callable[[Connection], T], lock_wait: float) -> T:
    """`work` in a write transaction. On PostgreSQL a deadlock or serialization failure
    reruns it whole (work must be a function of its connection only); on SQLite a write
    that cannot get the lock within `lock_wait` seconds raises Unavailable (503)."""
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with write(engine, lock_wait) as conn:
                return work(conn)
        except DBAPIError as error:
            if _sqlstate(error) in RETRIED_STATES and attempt < WRITE_ATTEMPTS:
                log.info("write rerun after %s (attempt %d)", _sqlstate(error), attempt)
                continue
            if _locked(error):
                raise Unavailable(
                    "the database is busy with another write; retry shortly",
                    max(1, math.ceil(lock_wait)),
                ) from None
            raise
    raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover


def _sqlstate(error: DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


def _locked(error: DBAPIError) -> bool:
    return _sqlstate(error) == LOCK_NOT_AVAILABLE or "database is locked" in str(error.orig)
