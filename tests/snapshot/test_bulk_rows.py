"""A bulk-loaded account holds exactly the rows search_rows.insert_records writes for the
same records, table by table (the two accounts differ only in their id)."""

from __future__ import annotations

import copy
import io
from typing import Any

import orjson
import pytest
from bench.dataset import write_snapshot
from sqlalchemy import Engine, select

from verdigris.domain.names import complete_names
from verdigris.domain.types import Record, RecordType
from verdigris.snapshot.load import LoadOptions, load_snapshot
from verdigris.storage import schema
from verdigris.storage.bulk import BIG_TABLES
from verdigris.storage.engine import Connection, write
from verdigris.storage.search_rows import insert_records

_RECORD_TABLES = (*BIG_TABLES, schema.value_counts, schema.token_variants)
"""The tables records write to (the header's rows are stamped with the load's time)."""


def _derived(record: dict[str, Any], record_type: RecordType, default: int) -> dict[str, Any]:
    record = copy.deepcopy(record)
    complete_names(record)
    if record_type is RecordType.LEAD and record.get("status_id") is None:
        record["status_id"] = default
    return record


def _custom_field_types(conn: Connection, account_id: int) -> dict[int, str]:
    d = schema.custom_field_definitions
    rows = conn.execute(select(d.c.id, d.c.data_type).where(d.c.account_id == account_id))
    return {row.id: row.data_type for row in rows}


def _follower_rows(
    account_id: int, record_type: RecordType, records: list[Record]
) -> list[dict[str, Any]]:
    return [
        {"account_id": account_id, "record_type": int(record_type), "user_id": user_id,
         "record_id": record["id"]}
        for record in records
        for user_id in sorted(set(record.get("followers") or ()))
    ]  # fmt: skip


def _rows(engine: Engine, account_id: int) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with engine.connect() as conn:
        for table in _RECORD_TABLES:
            rows = conn.execute(select(table).where(table.c.account_id == account_id))
            out[table.name] = sorted(
                tuple(v for k, v in row._mapping.items() if k != "account_id") for row in rows
            )
    return out


@pytest.mark.parametrize("parallel", [False, True])
def test_bulk_load_writes_the_rows_of_insert_records(engine: Engine, parallel: bool) -> None:
    out = io.BytesIO()
    write_snapshot(out, people=300, leads=300, seed=3)
    document = orjson.loads(out.getvalue())
    account = document["accounts"][0]
    options = LoadOptions(batch_bytes=70_000, parallel=parallel, drop_indexes_after=100)
    load_snapshot(engine, io.BytesIO(out.getvalue()), options)

    # The same account under id 2: header by load, records through indexing.py.
    header = {k: v for k, v in account.items() if k not in ("people", "leads")}
    header |= {"id": 2, "users": [{**u, "api_tokens": []} for u in account["users"]]}
    load_snapshot(engine, io.BytesIO(orjson.dumps({**document, "accounts": [header]})))
    statuses = account["lead_statuses"]
    default = ([s for s in statuses if s.get("is_default")] or statuses)[0]["id"]
    with write(engine) as conn:
        types = _custom_field_types(conn, 2)
        for key, record_type in (("people", RecordType.PERSON), ("leads", RecordType.LEAD)):
            records = [_derived(r, record_type, default) for r in account[key]]
            for start in range(0, len(records), 50):
                insert_records(conn, 2, record_type, records[start : start + 50], types)
            rows = _follower_rows(2, record_type, records)
            if rows:
                conn.execute(schema.followers.insert(), rows)

    bulk, indexed = _rows(engine, 1), _rows(engine, 2)
    assert bulk.keys() == indexed.keys()
    for name in bulk:
        assert bulk[name] == indexed[name], name
    assert len(bulk["people"]) == 300 and len(bulk["token_variants"]) > 1000
