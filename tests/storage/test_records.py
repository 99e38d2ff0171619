"""Reading a page's records by id (storage.records.load_records)."""

from __future__ import annotations

from sqlalchemy import Engine, text

from tests.conftest import SAMPLE
from verdigris.domain.types import RecordType
from verdigris.snapshot.load import load_snapshot
from verdigris.storage.dialect import ARRAY_FROM
from verdigris.storage.engine import read
from verdigris.storage.records import load_records


def _people(engine: Engine) -> tuple[int, list[int]]:
    load_snapshot(engine, SAMPLE)
    with read(engine) as conn:
        account = conn.execute(text("SELECT min(account_id) FROM people")).scalar_one()
        ids = conn.execute(
            text("SELECT id FROM people WHERE account_id = :a ORDER BY id"), {"a": account}
        ).scalars()
        return int(account), [int(i) for i in ids]


def test_records_come_in_the_order_asked_and_unknown_ids_are_skipped(engine: Engine) -> None:
    account, ids = _people(engine)
    asked = [ids[2], 10**12, ids[0], 2**70, ids[1]]  # one past BIGINT
    with read(engine) as conn:
        found = load_records(conn, account, RecordType.PERSON, asked)
        assert [r["id"] for r in found] == [ids[2], ids[0], ids[1]]
        assert load_records(conn, account + 1000, RecordType.PERSON, ids) == []


def test_one_statement_reads_a_page_of_any_length(engine: Engine) -> None:
    """On PostgreSQL a page of ARRAY_FROM ids or more is read with its ids as one array
    parameter: one statement for every such length, prepared once by psycopg (200 ids
    bound one by one took 3.8 ms to read, as one array 2.2). Fewer ids (a point read)
    keep a statement of their own, whose generic plan PostgreSQL keeps."""
    account, ids = _people(engine)
    with read(engine) as conn:
        for length in range(ARRAY_FROM, ARRAY_FROM + 4):
            asked = [*ids, *range(10**9, 10**9 + length)][:length]  # unknown ids pad it out
            for _ in range(6):
                found = load_records(conn, account, RecordType.PERSON, asked)
                assert [r["id"] for r in found] == [i for i in asked if i in ids]
        for _ in range(6):
            one = load_records(conn, account, RecordType.PERSON, ids[:1])
            assert [r["id"] for r in one] == ids[:1]
        if conn.dialect.name != "postgresql":
            return
        prepared = conn.execute(text("SELECT statement FROM pg_prepared_statements")).scalars()
        rows = [s for s in prepared if "FROM people LEFT OUTER JOIN" in s]
        assert len([s for s in rows if "= ANY" in s]) == 1, rows
        assert len(rows) == 2, rows  # and the point read's


def test_shorter_pages_are_read_by_one_of_five_statements(engine: Engine) -> None:
    """On PostgreSQL fewer than ARRAY_FROM ids are bound as an `IN` list padded with the
    last id to the next power of two (dialect.padded_list): every length from 1 to 16
    is read by one of five statements, each prepared at its first run (decision 0219),
    and the records come once each, in the order asked."""
    account, ids = _people(engine)
    unknown = range(10**9, 10**9 + ARRAY_FROM)
    with read(engine) as conn:
        for length in range(1, ARRAY_FROM):
            asked = [*reversed(ids), *unknown][:length]
            found = load_records(conn, account, RecordType.PERSON, asked)
            assert [r["id"] for r in found] == [i for i in asked if i in ids]
        if conn.dialect.name != "postgresql":
            return
        prepared = conn.execute(text("SELECT statement FROM pg_prepared_statements")).scalars()
        # psycopg prepares a text again for other parameter types (a small id is bound as
        # int2, a large one as int4): the texts are what the padding bounds.
        texts = {s for s in prepared if "FROM people LEFT OUTER JOIN" in s}
        assert sorted(s.count("$") - 1 for s in texts) == [1, 2, 4, 8, 16]
