"""Following (our extension): the requesting user follows or unfollows a record.

Idempotent both ways; the `followed` search filter reads the same followers rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, select

from verdigris.domain.numbers import fits_int64
from verdigris.domain.types import RecordType
from verdigris.errors import NotFound
from verdigris.storage import schema
from verdigris.storage.dialect import insert_ignore
from verdigris.storage.search_rows import record_table


def set_following(
    conn: Connection,
    account_id: int,
    user_id: int,
    record_type: RecordType,
    record_id: int,
    follow: bool,
) -> dict[str, Any]:
    """Follow (or stop following) a record of the account: {"id", "followed"}."""
    _require(conn, account_id, record_type, record_id)
    key = {"account_id": account_id, "record_type": int(record_type), "user_id": user_id,
           "record_id": record_id}  # fmt: skip
    f = schema.followers
    if follow:
        insert_ignore(conn, f, [key])
    else:
        conn.execute(delete(f).where(*(f.c[k] == v for k, v in key.items())))
    return {"id": record_id, "followed": follow}


def _require(conn: Connection, account_id: int, record_type: RecordType, record_id: int) -> None:
    table = record_table(record_type)
    found = (
        fits_int64(record_id)
        and conn.execute(
            select(table.c.id).where(table.c.account_id == account_id, table.c.id == record_id)
        ).first()
    )
    if not found:
        raise NotFound(f"{record_type.api_name} {record_id} not found")
