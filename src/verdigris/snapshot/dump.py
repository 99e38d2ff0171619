"""Write accounts as a verdigris-snapshot/1 file, streamed in id order from one read.

Records are rendered exactly as the API shows them, plus `followers` (and a lead's
`date_status_changed`); tokens only ever as `api_token_hashes`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

import orjson

from verdigris.domain.declarations import LEAD, PERSON
from verdigris.errors import NotFound
from verdigris.snapshot.format import FORMAT
from verdigris.snapshot.references import HEADER_TYPES
from verdigris.storage import export
from verdigris.storage.engine import read

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

BATCH = 2_000
Write = Callable[[bytes], Any]


def dump_snapshot(engine: Engine, out: TextIO | BinaryIO, account_id: int | None = None) -> int:
    """Write every account (or only `account_id`); returns the number of records written."""
    write = _writer(out)
    written = 0
    with read(engine) as conn:
        ids = export.account_ids(conn)
        if account_id is not None:
            if account_id not in ids:
                raise NotFound(f"account {account_id} not found")
            ids = [account_id]
        write(b'{"format": ' + orjson.dumps(FORMAT) + b', "accounts": [')
        for n, aid in enumerate(ids):
            write(b",\n" if n else b"\n")
            written += _account(conn, aid, write)
        write(b"\n]}\n")
    return written


def _writer(out: TextIO | BinaryIO) -> Write:
    if isinstance(out, io.TextIOBase):
        return lambda data: out.write(data.decode())
    return out.write  # type: ignore[return-value]


def _account(conn: Connection, account_id: int, write: Write) -> int:
    header: dict[str, Any] = {"id": account_id, "name": export.account_name(conn, account_id)}
    header |= export.lookup_sections(conn, account_id)
    for decl in HEADER_TYPES:
        header[decl.plural] = [
            record
            for ids in export.id_batches(conn, account_id, decl.record_type, BATCH)
            for record in export.snapshot_records(conn, account_id, decl.record_type, ids)
        ]
    header["relations"] = export.free_relations(conn, account_id)
    write(orjson.dumps(header)[:-1])  # left open for people and leads
    written = 0
    for decl in (PERSON, LEAD):
        write(b', "' + decl.plural.encode() + b'": [')
        first = True
        for ids in export.id_batches(conn, account_id, decl.record_type, BATCH):
            for record in export.snapshot_records(conn, account_id, decl.record_type, ids):
                write((b"\n" if first else b",\n") + orjson.dumps(record))
                first = False
                written += 1
        write(b"]")
    write(b"}")
    return written
