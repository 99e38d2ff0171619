"""Each account's definitions stamp, and the definitions a process keeps by it.

`accounts.definitions_stamp` takes a new random value whenever a row of the account's
custom field definitions or options is written or deleted, by triggers, whatever
writes it (the API, a load, the sandbox's clones and resets, another worker). A
request reads the stamp with its token (accounts.authenticate), so the definitions
read once for a stamp serve every later request of the account until it changes: a
search or a point read made one statement less (decision 0214). Random, not counted:
an account deleted and made again under the same id starts at 0, the stamp of an
account whose definitions never changed, which has none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine

_STAMP = "verdigris_definitions_stamp"
MOST_ACCOUNTS = 4_096
"""Accounts whose definitions a process keeps per database; past that it starts over."""
T = TypeVar("T")

_kept: WeakKeyDictionary[Engine, dict[int, tuple[int, Any]]] = WeakKeyDictionary()


def _sqlite_triggers(table: str) -> list[str]:
    """The triggers giving the account a new stamp on every write of `table`."""
    row = {"INSERT": "NEW", "UPDATE": "NEW", "DELETE": "OLD"}
    return [
        f"CREATE TRIGGER IF NOT EXISTS tr_{table}_{event.lower()}_stamp AFTER {event} ON"
        f" {table} BEGIN UPDATE accounts SET definitions_stamp = random() WHERE id ="
        f" {found}.account_id; END"
        for event, found in row.items()
    ]


POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION verdigris_definitions_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE accounts SET definitions_stamp = (random() * 9.0e18)::bigint
        WHERE id = OLD.account_id;
    ELSE
        UPDATE accounts SET definitions_stamp = (random() * 9.0e18)::bigint
        WHERE id = NEW.account_id;
    END IF;
    RETURN NULL;
END $$
"""


def _postgres_trigger(table: str) -> str:
    return (
        f"CREATE TRIGGER tr_{table}_stamp AFTER INSERT OR UPDATE OR DELETE ON {table}"
        f" FOR EACH ROW EXECUTE FUNCTION verdigris_definitions_changed()"
    )


def trigger_ddl(table: str) -> list[tuple[str, str]]:
    """(dialect, statement) of everything that stamps the account on writes of `table`."""
    sqlite = [("sqlite", statement) for statement in _sqlite_triggers(table)]
    return [*sqlite, ("postgresql", POSTGRES_FUNCTION), ("postgresql", _postgres_trigger(table))]


@contextmanager
def stamped(conn: Connection, account_id: int, stamp: int) -> Iterator[Connection]:
    """Within the block, `conn` reads the account's definitions as of `stamp` (read
    with the request's token); unmarked connections read them each time."""
    conn.info[_STAMP] = (account_id, stamp)
    try:
        yield conn
    finally:
        conn.info.pop(_STAMP, None)


def kept(conn: Connection, account_id: int, read: Callable[[], T]) -> T:
    """What `read` gives for the account's definitions, read once per stamp and kept
    for the connection's database; read each time where the stamp is not known."""
    given = conn.info.get(_STAMP)
    if given is None or given[0] != account_id:
        return read()
    stamp = given[1]
    accounts = _kept.setdefault(conn.engine, {})
    held = accounts.get(account_id)
    if held is not None and held[0] == stamp:
        return held[1]  # type: ignore[no-any-return]
    value = read()
    if len(accounts) >= MOST_ACCOUNTS:
        accounts.clear()
    accounts[account_id] = (stamp, value)
    return value
