"""Bulk writes for snapshot loads: whole accounts, records in big batches, one transaction
(load_transaction.py).

Rows come from projection.py exactly as on the HTTP write path; only the way they
reach the database differs: COPY on PostgreSQL, executemany on SQLite, secondary
indexes of the big tables dropped and rebuilt inside the caller's transaction,
counters written once per account, token variants as new tokens appear (see decision
0302).
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Index, Table, delete, select, text
from sqlalchemy.dialects import postgresql

from verdigris.domain.declarations import DECLARATIONS
from verdigris.domain.text import deletion_variants
from verdigris.domain.types import RecordType
from verdigris.storage import joined_keys, schema
from verdigris.storage.dialect import insert_ignore
from verdigris.storage.header_rows import header_rows, or_now, relation_rows
from verdigris.storage.load_transaction import timed
from verdigris.storage.projection import (
    CHILD_COLUMNS,
    TAG_NAME_COLUMNS,
    first_spellings,
    project,
)
from verdigris.storage.search_rows import (
    CHILD_TABLES,
    TOKEN_AT,
    WORD_AT,
    WORD_GRAM_COLUMNS,
    variant_depth,
    word_gram_rows,
)

_COUNT_COLUMNS = ("account_id", "record_type", "field", "value", "n")
VACUUM_AFTER = 20_000
"""Records a load writes from which PostgreSQL's tables are vacuumed after it."""
_RECORD_TABLE_NAMES = frozenset(str(t.name) for t in schema.RECORD_TABLES.values())
HEADER_TYPES = tuple(
    d for d in DECLARATIONS if d.record_type not in (RecordType.PERSON, RecordType.LEAD)
)
"""Every record type but people and leads comes whole in an account's header."""
_VARIANT_COLUMNS = ("account_id", "variant", "token")
BIG_TABLES: tuple[Table, ...] = (schema.people, schema.leads, *CHILD_TABLES, schema.followers)
INDEX_BUILD_CACHE_KIB = 8192
"""SQLite page cache while indexes are rebuilt (KiB): the size of each sorted run."""
_STAGED_VARIANTS = "load_token_variants"
_VARIANTS_KEY = "token_variants_pkey"
_ROWS_PER_INSERT = 100
_KIND_AT = CHILD_COLUMNS["name_words"].index("record_type")
log = logging.getLogger("verdigris.load")

Batch = tuple[str, tuple[str, ...], list[tuple[Any, ...]]]
"""Rows for one table: (table name, column names, rows as tuples in that order). Plain
data, so that a worker process can compute them and send them to the writer."""


class BulkWriter:
    """Writes snapshot accounts through one connection, inside its open transaction."""

    def __init__(self, conn: Connection, now: int) -> None:
        self.conn = conn
        self.now = now
        self.postgres = conn.dialect.name == "postgresql"
        self.dropped: list[Index] = []
        self.rebuilt = False
        """Whether the load dropped the big tables' indexes (a big load)."""
        self.records = 0
        """Records written so far, of every type."""
        self.restored: set[str] = set()
        self.variants_unkeyed = False
        self.staging = False
        self.account_id = 0
        self.vocabulary: set[str] = set()
        self.words: set[tuple[int, str]] = set()
        """(record type, word) of the names of the account's records so far."""
        self.tags_named: set[str] = set()
        self.held: Mapping[str, Any] = {}
        self.relations: list[dict[str, Any]] = []

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
        """Drop the secondary indexes of the big tables (rebuilt by `restore_indexes`),
        and on PostgreSQL the key of `token_variants`, which the load then appends to."""
        if self.dropped:
            return
        self.rebuilt = True
        if self.postgres:
            self.conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
            self.conn.exec_driver_sql(
                f"ALTER TABLE {schema.token_variants.name} DROP CONSTRAINT {_VARIANTS_KEY}"
            )
            self.variants_unkeyed = True
        for table in BIG_TABLES:
            self._drop(table)

    def _drop(self, table: Table) -> None:
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            index.drop(self.conn)
            self.dropped.append(index)
        self.restored.discard(str(table.name))

    def restore_indexes(self, table: Table | None = None) -> None:
        """Build the dropped indexes again: those of `table`, or all of them."""
        if not self.postgres:
            # SQLite sorts each index's keys in runs the size of the page cache: small
            # runs sorted by helper threads, then merged, build indexes about twice as
            # fast as one big run sorted by this thread.
            self.conn.exec_driver_sql(f"PRAGMA cache_size=-{INDEX_BUILD_CACHE_KIB}")
            self.conn.exec_driver_sql(f"PRAGMA threads={min(4, os.cpu_count() or 1)}")
        indexes = [i for i in self.dropped if table is None or i.table is table]
        on = "" if table is None else f" on {table.name}"
        with timed(f"{len(indexes)} indexes built{on}"):
            for index in indexes:
                with timed(f"index {index.name}", logging.DEBUG):
                    index.create(self.conn)
                self.dropped.remove(index)
        if table is not None:
            self.restored.add(str(table.name))
        elif self.variants_unkeyed:
            key = ", ".join(c.name for c in schema.token_variants.primary_key.columns)
            with timed("key of token_variants built"):
                self.conn.exec_driver_sql(
                    f"ALTER TABLE {schema.token_variants.name} "
                    f"ADD CONSTRAINT {_VARIANTS_KEY} PRIMARY KEY ({key})"
                )
            self.variants_unkeyed = False

    def insert_tuples(
        self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Rows as tuples in `columns` order: COPY on PostgreSQL; on SQLite, statements
        of many rows each (the cost of an insert is mostly the statement's: binding its
        parameters one row at a time costs twice as much)."""
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        if not self.postgres:
            self._insert_sqlite(f'INSERT INTO "{table}" ({names}) VALUES ', len(columns), rows)
            return
        raw: Any = self.conn.connection.driver_connection
        # Binary COPY: about half the CPU of text, on both ends, for these rows.
        statement = f'COPY "{table}" ({names}) FROM STDIN (FORMAT BINARY)'
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            copy.set_types(_copy_types(table, tuple(columns)))
            for row in rows:
                copy.write_row(row)

    def _insert_sqlite(self, insert: str, width: int, rows: Sequence[Sequence[Any]]) -> None:
        raw: Any = self.conn.connection.driver_connection
        limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        per = max(1, min(_ROWS_PER_INSERT, limit // width))
        whole = len(rows) - len(rows) % per
        one = "(" + ", ".join("?" * width) + ")"
        if whole:
            many = [tuple(chain.from_iterable(rows[i : i + per])) for i in range(0, whole, per)]
            raw.executemany(insert + ", ".join([one] * per), many)
        if whole < len(rows):
            raw.executemany(insert + one, rows[whole:])

    def insert_header(self, account_id: int, name: str, sections: Mapping[str, Any]) -> None:
        """The account row and its lookup sections (users, lookups, definitions); its
        companies and opportunities wait for `insert_held` (they sort by names of
        records that may come after them)."""
        self.account_id, self.vocabulary, self.tags_named = account_id, set(), set()
        self.words = set()
        self.held = sections
        self.conn.execute(schema.accounts.insert(), {"id": account_id, "name": name})
        seq = schema.id_sequences
        # Ids are re-seeded lazily from the largest id (storage/ids.py).
        self.conn.execute(delete(seq).where(seq.c.account_id == account_id))
        for table, rows in header_rows(account_id, sections, self.now):
            if rows:
                self.conn.execute(table.insert(), rows)
        self.relations = relation_rows(account_id, sections.get("relations") or ())
        # Tags are named by their first spelling in the file: the held records' first.
        names: dict[str, str] = {}
        for decl in HEADER_TYPES:
            for record in sections.get(decl.plural) or ():
                first_spellings(names, record.get("tags"))
        spelled = [(account_id, key, name) for key, name in sorted(names.items())]
        self.write([(schema.tag_names.name, TAG_NAME_COLUMNS, spelled)])

    def insert_held(self) -> Counter[CounterKey]:
        """The account's companies and opportunities, once its people are in (their
        stored sort keys of shown names are read from the rows they name); returns the
        counters of these records."""
        account_id, sections = self.account_id, self.held
        types = {d["id"]: d["data_type"] for d in sections.get("custom_field_definitions") or ()}
        counts: Counter[CounterKey] = Counter()
        for decl in HEADER_TYPES:
            records = [r | {"date_created": or_now(r.get("date_created"), self.now)}
                       for r in sections.get(decl.plural) or ()]  # fmt: skip
            joined_keys.fill_many(self.conn, account_id, decl, records)
            projection = project(account_id, decl.record_type, records, types)
            self.write(projection.tables())
            kind = int(decl.record_type)
            counts.update({(kind, f, v): n for (f, v), n in projection.counts().items()})
        return counts

    def builds_early(self, record_type: RecordType) -> bool:
        """Whether to finish a record table (build its dropped indexes, move the name
        variants seen so far) as soon as its section ends, beside the reading of the
        next one. Only for people on SQLite: leads are last anyway, and PostgreSQL's own
        processes already use both cores then (the overlap measured slower there;
        decision 0302)."""
        table = schema.RECORD_TABLES[record_type]
        people = record_type is RecordType.PERSON
        return people and not self.postgres and any(i.table is table for i in self.dropped)

    def finish_early(self, record_type: RecordType) -> None:
        self.restore_indexes(schema.RECORD_TABLES[record_type])
        self.move_variants()

    def write(self, batches: Iterable[Batch]) -> None:
        """Insert each batch, and index the variants of name tokens new to the account."""
        for name, columns, rows in batches:
            if name in _RECORD_TABLE_NAMES:
                self.records += len(rows)
            if name in self.restored:  # more rows after its indexes were built again
                self._drop(schema.metadata.tables[name])
            if name == schema.tag_names.name:
                rows = self._new_tag_names(rows)
            self.insert_tuples(name, columns, rows)
            if name == schema.name_tokens.name:
                self._add_vocabulary({row[TOKEN_AT] for row in rows})
            elif name == schema.name_words.name:
                self.words.update((row[_KIND_AT], row[WORD_AT]) for row in rows)

    def _new_tag_names(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """The first spelling of each tag: batches name each tag once, the account's
        first batch to name it wins."""
        new = [row for row in rows if row[1] not in self.tags_named]
        self.tags_named.update(row[1] for row in new)
        return new

    def _add_vocabulary(self, tokens: set[str]) -> None:
        new = tokens - self.vocabulary
        if not new:
            return
        self.vocabulary |= new
        _, columns, rows = variant_batch(self.account_id, sorted(new))
        if self.variants_unkeyed:
            self.insert_tuples(schema.token_variants.name, columns, rows)
        else:  # see end_account
            self._stage_variants(columns, rows)

    def end_account(self, counters: Batch) -> None:
        """The account's counters, its staged token variants (see move_variants), the
        pieces of its names' words, and the relations its file lists beside those its
        records hold (some may be both)."""
        self.write([counters])
        self.move_variants()
        self._insert_word_grams()
        insert_ignore(self.conn, schema.relations, self.relations)
        self.relations = []

    def _insert_word_grams(self) -> None:
        rows = sorted(row for kind, word in self.words
                      for row in word_gram_rows(self.account_id, kind, [word]))  # fmt: skip
        self.insert_tuples(schema.word_grams.name, WORD_GRAM_COLUMNS, rows)
        self.words = set()

    def move_variants(self) -> None:
        """Move the staged token variants into their table, in key order.

        Variants arrive in the order names first appear; inserting them in that order
        would cost a random B-tree insert each (millions of them), while the database
        sorts the staging table in one pass and appends to the key. (A big load on
        PostgreSQL appends them to the table without its key, rebuilt at the end.)"""
        if not self.staging:
            return
        names = ", ".join(_VARIANT_COLUMNS)
        with timed("staged token variants moved"):
            self.conn.exec_driver_sql(
                f"INSERT INTO {schema.token_variants.name} ({names}) "
                f"SELECT {names} FROM {_STAGED_VARIANTS} "
                f"ORDER BY {names}"
            )
            self.conn.exec_driver_sql(f"DROP TABLE {_STAGED_VARIANTS}")
        self.staging = False

    def _stage_variants(self, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if not self.staging:
            self.staging = True
            # Collated as the table's key, so that the moved rows come in its order.
            key = 'TEXT COLLATE "C"' if self.postgres else "TEXT"
            self.conn.exec_driver_sql(
                f"CREATE TEMPORARY TABLE {_STAGED_VARIANTS} (account_id BIGINT NOT NULL, "
                f"variant {key} NOT NULL, token {key} NOT NULL)"
            )
        self.insert_tuples(_STAGED_VARIANTS, columns, rows)

    def analyze(self) -> None:
        """Fresh planner statistics after the load (on PostgreSQL, after a big one, the
        VACUUM after the commit collects them: load_transaction.vacuum)."""
        if self.postgres and self.records >= VACUUM_AFTER:
            return
        if not self.postgres:
            # A sampled ANALYZE: a full one reads every index of a big database.
            self.conn.exec_driver_sql("PRAGMA analysis_limit=1000")
        with timed("ANALYZE"):
            self.conn.execute(text("ANALYZE"))

    def written_tables(self) -> list[str]:
        """The tables a load writes rows to."""
        tables = [*BIG_TABLES, schema.value_counts, schema.token_variants, schema.word_grams,
                  schema.relations]  # fmt: skip
        return list(dict.fromkeys(str(t.name) for t in (*tables, *schema.RECORD_TABLES.values())))


CounterKey = tuple[int, str, str]
"""(record type, field, value) of a `value_counts` row."""


_POSTGRES_TYPES = {
    "BIGINT": "int8", "SMALLINT": "int2", "INTEGER": "int4", "FLOAT": "float8",
    "BOOLEAN": "bool", "TEXT": "text", "VARCHAR": "text",
}  # fmt: skip


@cache
def _copy_types(table: str, columns: tuple[str, ...]) -> list[str]:
    """PostgreSQL type names of a table's columns, for a binary COPY."""
    if table == _STAGED_VARIANTS:
        table = schema.token_variants.name
    declared = schema.metadata.tables[table].c
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    names = [declared[c].type.compile(dialect=dialect).split("(")[0].split()[0] for c in columns]
    return [_POSTGRES_TYPES[name] for name in names]


def counter_batch(account_id: int, counts: Mapping[CounterKey, int]) -> Batch:
    """The counters of a freshly loaded account (new, or just emptied: plain inserts
    cannot collide)."""
    rows = [(account_id, *key, n) for key, n in sorted(counts.items())]
    return "value_counts", _COUNT_COLUMNS, rows


def variant_batch(account_id: int, tokens: Iterable[str]) -> Batch:
    """Deletion-neighbourhood rows of tokens new to the account."""
    rows = [(account_id, v, t) for t in tokens for v in deletion_variants(t, variant_depth(t))]
    return "token_variants", _VARIANT_COLUMNS, rows
