"""Bulk writes for snapshot loads: whole accounts, records in big batches, one transaction.

Rows come from projection.py exactly as on the HTTP write path; only the way they
reach the database differs: COPY on PostgreSQL, executemany on SQLite, secondary
indexes of the big tables dropped and rebuilt inside the caller's transaction, and
counters and token variants written once per account.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

import psycopg
from sqlalchemy import Connection, Index, Table, delete, select, text
from sqlalchemy.exc import DBAPIError

from verdigris.domain.text import deletion_variants
from verdigris.domain.types import Record, RecordType
from verdigris.errors import SnapshotError
from verdigris.storage import schema
from verdigris.storage.accounts import hash_token
from verdigris.storage.indexing import CHILD_TABLES, record_table, table_row, variant_depth
from verdigris.storage.projection import (
    CHILD_COLUMNS,
    CustomFieldTypes,
    child_tuples,
    counter_keys,
    custom_value_map,
    dumps,
)

_COUNT_COLUMNS = ("account_id", "record_type", "field", "value", "n")
_VARIANT_COLUMNS = ("account_id", "variant", "token")
BIG_TABLES: tuple[Table, ...] = (schema.people, schema.leads, *CHILD_TABLES, schema.followers)
_VARIANT_BATCH = 20_000
"""Tokens per token_variants batch (each gives up to a few dozen rows)."""
_FOLLOWER_COLUMNS = ("account_id", "record_type", "user_id", "record_id")
_PERSON_COLUMNS = tuple(str(c.name) for c in schema.people.columns)
_LEAD_COLUMNS = tuple(str(c.name) for c in schema.leads.columns)

Batch = tuple[str, tuple[str, ...], list[tuple[Any, ...]]]
"""Rows for one table: (table name, column names, rows as tuples in that order). Plain
data, so that a worker process can compute them and send them to the writer."""


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


class BulkWriter:
    """Writes snapshot accounts through one connection, inside its open transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.postgres = conn.dialect.name == "postgresql"
        self.dropped: list[Index] = []
        if not self.postgres:
            # The load's own page cache, and no mmap: mapped pages touched while
            # rebuilding indexes would count against the loader's memory.
            conn.exec_driver_sql("PRAGMA cache_size=-262144")
            conn.exec_driver_sql("PRAGMA mmap_size=0")

    def account_exists(self, account_id: int) -> bool:
        a = schema.accounts
        return self.conn.execute(select(a.c.id).where(a.c.id == account_id)).first() is not None

    def delete_account(self, account_id: int) -> None:
        """Every row of the account, in every table."""
        for table in schema.metadata.sorted_tables:
            if "account_id" in table.c:
                self.conn.execute(delete(table).where(table.c.account_id == account_id))
        a = schema.accounts
        self.conn.execute(delete(a).where(a.c.id == account_id))

    def drop_indexes(self) -> None:
        """Drop the secondary indexes of the big tables (rebuilt by `restore_indexes`)."""
        if self.dropped:
            return
        if self.postgres:
            self.conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
        for table in BIG_TABLES:
            for index in sorted(table.indexes, key=lambda i: str(i.name)):
                index.drop(self.conn)
                self.dropped.append(index)

    def restore_indexes(self) -> None:
        for index in self.dropped:
            index.create(self.conn)
        self.dropped = []

    def insert_rows(self, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            columns = [c.name for c in table.columns]
            self.insert_tuples(table, columns, _tuples(columns, rows))

    def insert_tuples(
        self, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Rows as tuples in `columns` order: COPY on PostgreSQL, executemany on SQLite
        (Core's per-row parameter processing would cost more than the insert itself)."""
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        if not self.postgres:
            marks = ", ".join("?" * len(columns))
            insert = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
            self.conn.exec_driver_sql(insert, list(rows))
            return
        raw = self.conn.connection.driver_connection
        statement = f'COPY "{table.name}" ({names}) FROM STDIN'
        with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)

    def insert_header(self, account_id: int, name: str, sections: Mapping[str, Any]) -> None:
        """The account row and its small sections (users, lookups, definitions...)."""
        now = int(time.time())
        self.conn.execute(schema.accounts.insert(), {"id": account_id, "name": name})
        seq = schema.id_sequences
        # Ids are re-seeded lazily from the largest id (storage/ids.py).
        self.conn.execute(delete(seq).where(seq.c.account_id == account_id))
        for table, rows in header_rows(account_id, sections, now):
            if rows:
                self.conn.execute(table.insert(), rows)

    def write(self, batches: Iterable[Batch]) -> None:
        for name, columns, rows in batches:
            self.insert_tuples(schema.metadata.tables[name], columns, rows)

    def analyze(self) -> None:
        """Fresh planner statistics after a big load."""
        if not self.postgres:
            # A sampled ANALYZE: a full one reads every index of a big database.
            self.conn.exec_driver_sql("PRAGMA analysis_limit=1000")
        self.conn.execute(text("ANALYZE"))


def project_records(
    account_id: int,
    record_type: RecordType,
    records: Sequence[Record],
    types: CustomFieldTypes,
) -> tuple[list[Batch], Counter[tuple[str, str]], set[str]]:
    """A batch's rows for every table, its counter increments and its name tokens."""
    table = record_table(record_type)
    columns = _PERSON_COLUMNS if record_type is RecordType.PERSON else _LEAD_COLUMNS
    batches: list[Batch] = [
        (
            str(table.name),
            columns,
            _tuples(columns, [table_row(account_id, record_type, r) for r in records]),
        )
    ]
    children: dict[str, list[tuple[Any, ...]]] = {name: [] for name in CHILD_COLUMNS}
    counts: Counter[tuple[str, str]] = Counter()
    for record in records:
        for table_name, rows in child_tuples(account_id, record_type, record, types).items():
            children[table_name] += rows
        counts.update(counter_keys(record_type, record))
    for name, rows in children.items():
        if rows:
            batches.append((name, CHILD_COLUMNS[name], rows))
    followers = [
        (account_id, int(record_type), user_id, record["id"])
        for record in records
        for user_id in sorted(set(record.get("followers") or ()))
    ]
    if followers:
        batches.append(("followers", _FOLLOWER_COLUMNS, followers))
    tokens = {row[2] for row in children["name_tokens"]}
    return batches, counts, tokens


def account_batches(
    account_id: int,
    counts: Mapping[RecordType, Counter[tuple[str, str]]],
    tokens: Iterable[str],
) -> Iterator[Batch]:
    """Counters and the token vocabulary of a freshly loaded account."""
    # The account is new (or was just emptied), so plain inserts cannot collide.
    counters = [
        (account_id, int(record_type), field, value, n)
        for record_type, counter in counts.items()
        for (field, value), n in sorted(counter.items())
    ]
    yield "value_counts", _COUNT_COLUMNS, counters
    for batch in _chunks(sorted(tokens), _VARIANT_BATCH):
        rows = [(account_id, v, t) for t in batch for v in deletion_variants(t, variant_depth(t))]
        rows.sort()  # in key order: appends to the primary key's B-tree are cheapest
        yield "token_variants", _VARIANT_COLUMNS, rows


def _tuples(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    try:
        pick = itemgetter(*columns)
        return [pick(row) for row in rows]
    except KeyError:  # a projection that leaves a nullable column out
        return [tuple([row.get(c) for c in columns]) for row in rows]


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def follower_rows(
    account_id: int, record_type: RecordType, records: Iterable[Record]
) -> list[dict[str, Any]]:
    return [
        {"account_id": account_id, "record_type": int(record_type), "user_id": user_id,
         "record_id": record["id"]}
        for record in records
        for user_id in sorted(set(record.get("followers") or ()))
    ]  # fmt: skip


def header_rows(
    account_id: int, sections: Mapping[str, Any], now: int
) -> list[tuple[Table, list[dict[str, Any]]]]:
    """Rows of the account's small sections, table by table, in insert order."""
    base = {"account_id": account_id}
    users = sections.get("users") or []
    definitions = sections.get("custom_field_definitions") or []
    opportunities = sections.get("opportunities") or []
    return [
        (schema.users, [base | {"id": u["id"], "name": u.get("name") or u["email"],
                                "email": u["email"], "email_key": u["email"].strip().casefold()}
                        for u in users]),
        (schema.api_tokens, token_rows(account_id, users, now)),
        (schema.contact_types, _named(base, sections.get("contact_types"))),
        (schema.customer_sources, _named(base, sections.get("customer_sources"))),
        (schema.lead_statuses, [base | {"id": s["id"], "name": s["name"],
                                        "order": s.get("order") or 0,
                                        "is_default": bool(s.get("is_default"))}
                                for s in sections.get("lead_statuses") or []]),
        (schema.activity_types, [base | {k: t[k] for k in ("id", "category", "name")}
                                 | {"count_as_interaction": t["count_as_interaction"]}
                                 for t in sections.get("activity_types") or []]),
        (schema.custom_field_definitions, [base | {"id": d["id"], "name": d["name"],
                                                   "data_type": d["data_type"],
                                                   "available_on": dumps(d["available_on"])}
                                           for d in definitions]),
        (schema.custom_field_options, [base | {"definition_id": d["id"], "id": o["id"],
                                               "name": o["name"], "rank": o.get("rank") or 0}
                                       for d in definitions for o in d.get("options") or []]),
        (schema.companies, [company_row(account_id, c, now)
                            for c in sections.get("companies") or []]),
        (schema.opportunities, [opportunity_row(account_id, o, now) for o in opportunities]),
        (schema.opportunity_people, [base | {"opportunity_id": o["id"], "person_id": p}
                                     for o in opportunities
                                     for p in sorted(set(o.get("related_people") or []))]),
    ]  # fmt: skip


def _named(base: dict[str, Any], rows: Any) -> list[dict[str, Any]]:
    return [base | {"id": r["id"], "name": r["name"]} for r in rows or []]


def token_rows(
    account_id: int, users: Iterable[Mapping[str, Any]], now: int
) -> list[dict[str, Any]]:
    """Plain tokens are hashed here; hashes from a dump are kept as they are."""
    return [
        {"token_hash": digest, "account_id": account_id, "user_id": u["id"], "created_at": now}
        for u in users
        for digest in sorted(
            {hash_token(t) for t in u.get("api_tokens") or []}
            | set(u.get("api_token_hashes") or [])
        )
    ]


_COMPANY_LISTS = ("phone_numbers", "socials", "tags", "websites")
_COMPANY_IDS = ("assignee_id", "contact_type_id", "details", "email_domain")


def company_row(account_id: int, company: Mapping[str, Any], now: int) -> dict[str, Any]:
    address = company.get("address")
    name = company["name"]
    return {
        "account_id": account_id, "id": company["id"], "name": name,
        "name_key": name.casefold() if name.strip() else None,
        "address": None if address is None else dumps(address),
        **{k: company.get(k) for k in _COMPANY_IDS},
        **{k: dumps(company.get(k) or []) for k in _COMPANY_LISTS},
        "custom_fields": dumps(custom_value_map(company.get("custom_fields"))),
        "interaction_count": company.get("interaction_count") or 0,
        "date_created": _or_now(company.get("date_created"), now),
        "date_modified": _or_now(company.get("date_modified"), now),
    }  # fmt: skip


OPPORTUNITY_COLUMNS = ("id", "name", "primary_contact_id", "related_people", "company_id",
                       "date_created", "date_modified")  # fmt: skip
_DERIVED_OPPORTUNITY_KEYS = ("company_name", "converted_unit", "converted_value")


def opportunity_row(account_id: int, opportunity: Mapping[str, Any], now: int) -> dict[str, Any]:
    """Columns for the keys the table has; every other given key goes to `doc`."""
    skip = OPPORTUNITY_COLUMNS + _DERIVED_OPPORTUNITY_KEYS
    doc = {k: v for k, v in opportunity.items() if k not in skip}
    if isinstance(doc.get("custom_fields"), list):
        doc["custom_fields"] = custom_value_map(doc["custom_fields"])
    name = opportunity["name"]
    return {
        "account_id": account_id, "id": opportunity["id"], "name": name,
        "name_key": name.casefold() if name.strip() else None,
        "primary_contact_id": opportunity.get("primary_contact_id"),
        "company_id": opportunity.get("company_id"), "doc": dumps(doc),
        "date_created": _or_now(opportunity.get("date_created"), now),
        "date_modified": _or_now(opportunity.get("date_modified"), now),
    }  # fmt: skip


def _or_now(value: int | None, now: int) -> int:
    return now if value is None else value
