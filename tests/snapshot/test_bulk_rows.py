"""A bulk-loaded account holds exactly the rows indexing.insert_records writes for the
same records, table by table (the two accounts differ only in their id)."""

from __future__ import annotations

import copy
import io
from typing import Any

import orjson
import pytest
from bench.dataset import write_snapshot
from sqlalchemy import Engine, select

from verdigris.domain.names import has_parts, join_name, split_name
from verdigris.domain.types import RecordType
from verdigris.snapshot import load as load_module
from verdigris.snapshot.load import load_snapshot
from verdigris.storage import schema
from verdigris.storage.bulk import BIG_TABLES, follower_rows
from verdigris.storage.engine import write
from verdigris.storage.indexing import custom_field_types, insert_records

_RECORD_TABLES = (*BIG_TABLES, schema.value_counts, schema.token_variants)
"""The tables records write to (the header's rows are stamped with the load's time)."""


def _derived(record: dict[str, Any], record_type: RecordType, default: int) -> dict[str, Any]:
    record = copy.deepcopy(record)
    if has_parts(record):
        record["name"] = join_name(
            record.get("first_name"), record.get("middle_name"),
            record.get("last_name"), record.get("suffix"),
        )  # fmt: skip
    else:
        record["first_name"], record["last_name"] = split_name(record["name"])
    record["date_modified"] = record.get("date_modified") or record["date_created"]
    if record_type is RecordType.LEAD and record.get("status_id") is None:
        record["status_id"] = default
    return record


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
def test_bulk_load_writes_the_rows_of_insert_records(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, parallel: bool
) -> None:
    out = io.BytesIO()
    write_snapshot(out, people=300, leads=300, seed=3)
    document = orjson.loads(out.getvalue())
    account = document["accounts"][0]
    monkeypatch.setattr(load_module, "DROP_INDEXES_AFTER", 100)
    load_snapshot(engine, io.BytesIO(out.getvalue()), batch_bytes=70_000, parallel=parallel)

    # The same account under id 2: header by load, records through indexing.py.
    header = {k: v for k, v in account.items() if k not in ("people", "leads")}
    header |= {"id": 2, "users": [{**u, "api_tokens": []} for u in account["users"]]}
    load_snapshot(engine, io.BytesIO(orjson.dumps({**document, "accounts": [header]})))
    statuses = account["lead_statuses"]
    default = ([s for s in statuses if s.get("is_default")] or statuses)[0]["id"]
    with write(engine) as conn:
        types = custom_field_types(conn, 2)
        for key, record_type in (("people", RecordType.PERSON), ("leads", RecordType.LEAD)):
            records = [_derived(r, record_type, default) for r in account[key]]
            for start in range(0, len(records), 50):
                insert_records(conn, 2, record_type, records[start : start + 50], types)
            rows = follower_rows(2, record_type, records)
            if rows:
                conn.execute(schema.followers.insert(), rows)

    bulk, indexed = _rows(engine, 1), _rows(engine, 2)
    assert bulk.keys() == indexed.keys()
    for name in bulk:
        assert bulk[name] == indexed[name], name
    assert len(bulk["people"]) == 300 and len(bulk["token_variants"]) > 1000
