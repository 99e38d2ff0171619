"""Keep a record's table row, child rows, name tokens and counters in step.

Every write of a declared record type (create, update, delete, convert, bulk) calls
these, inside the caller's transaction; snapshot loads write the same rows in bulk
(bulk.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Table, and_, delete, select

from verdigris.domain.text import deletion_variants, grams
from verdigris.domain.types import Record, RecordType
from verdigris.storage import schema, tags
from verdigris.storage.dialect import add_to_counter, insert_tuples
from verdigris.storage.projection import (
    CHILD_COLUMNS,
    CustomFieldTypes,
    Projection,
    first_spellings,
    project,
)

CHILD_TABLES: tuple[Table, ...] = (
    schema.record_tags,
    schema.record_emails,
    schema.record_phones,
    schema.record_socials,
    schema.custom_field_values,
    schema.name_tokens,
    schema.name_words,
)
MAX_FUZZY_TOKEN = 32
"""Longer tokens get no deletion variants: they match exactly only (C(n,2) grows fast)."""


def record_table(record_type: RecordType) -> Table:
    return schema.RECORD_TABLES[record_type]


def variant_depth(token: str) -> int:
    """Deletions indexed for a stored token: enough for any query token's edit budget."""
    if len(token) <= 1 or len(token) > MAX_FUZZY_TOKEN:
        return 0
    return 1 if len(token) <= 3 else 2


_VARIANT_COLUMNS = ("account_id", "variant", "token")


def variant_rows(account_id: int, tokens: Iterable[str]) -> list[tuple[int, str, str]]:
    """`token_variants` rows of these tokens, in `_VARIANT_COLUMNS` order."""
    return [(account_id, v, t) for t in sorted(tokens)
            for v in deletion_variants(t, variant_depth(t))]  # fmt: skip


def add_vocabulary(conn: Connection, account_id: int, tokens: set[str]) -> None:
    """Index the deletion neighbourhood of tokens this account has not seen yet."""
    if not tokens:
        return
    tv = schema.token_variants
    known = conn.execute(
        select(tv.c.token).where(
            tv.c.account_id == account_id, tv.c.variant.in_(tokens), tv.c.variant == tv.c.token
        )
    ).scalars()
    rows = variant_rows(account_id, tokens - set(known))
    insert_tuples(conn, tv, _VARIANT_COLUMNS, rows, ignore=True)


WORD_GRAM_COLUMNS = ("account_id", "record_type", "gram", "word")


def word_gram_rows(
    account_id: int, record_type: int, words: Iterable[str]
) -> list[tuple[int, int, str, str]]:
    """`word_grams` rows of these words, in `WORD_GRAM_COLUMNS` order: each of a word's
    three-character pieces, and the word itself (which tells the words already seen)."""
    return [(account_id, record_type, gram, word) for word in sorted(words)
            for gram in sorted({word, *grams(word)})]  # fmt: skip


def add_words(conn: Connection, account_id: int, record_type: RecordType, words: set[str]) -> None:
    """Index the pieces of name words this account's records of the type have not had."""
    if not words:
        return
    wg = schema.word_grams
    known = conn.execute(
        select(wg.c.word).where(
            wg.c.account_id == account_id,
            wg.c.record_type == int(record_type),
            wg.c.gram.in_(words),
            wg.c.gram == wg.c.word,
        )
    ).scalars()
    rows = word_gram_rows(account_id, int(record_type), words - set(known))
    insert_tuples(conn, wg, WORD_GRAM_COLUMNS, rows, ignore=True)


# Where the token and the word sit in the projected child rows (loads read them too).
TOKEN_AT = CHILD_COLUMNS["name_tokens"].index("token")
WORD_AT = CHILD_COLUMNS["name_words"].index("word")


def _add_vocabulary(conn: Connection, projection: Projection) -> None:
    """The name tokens and words of the projected records new to the account, read from
    the rows the projection made for them."""
    account_id, children = projection.account_id, projection.children
    if tokens := {row[TOKEN_AT] for row in children["name_tokens"]}:
        add_vocabulary(conn, account_id, tokens)
    if words := {row[WORD_AT] for row in children["name_words"]}:
        add_words(conn, account_id, projection.record_type, words)


def insert_records(
    conn: Connection,
    account_id: int,
    record_type: RecordType,
    records: Sequence[Record],
    types: CustomFieldTypes,
) -> None:
    """Insert records with all their search rows and counter increments, projected once
    and written in one statement per table."""
    if not records:
        return
    projection = project(account_id, record_type, records, types)
    insert_tuples(conn, record_table(record_type), projection.columns, projection.rows)
    _insert_children(conn, projection)
    _add_vocabulary(conn, projection)
    change_counts(conn, account_id, record_type, projection.counts(), +1)
    _name_tags(conn, account_id, records)


def _name_tags(conn: Connection, account_id: int, records: Iterable[Record]) -> None:
    names: dict[str, str] = {}
    for record in records:
        first_spellings(names, record.get("tags"))
    if names:
        tags.remember(conn, account_id, names)


def _insert_children(conn: Connection, projection: Projection) -> None:
    # Relations are not among them: relations.sync keeps them on this path.
    for table in CHILD_TABLES:
        rows = projection.children[table.name]
        if rows:
            insert_tuples(conn, table, CHILD_COLUMNS[table.name], rows)


def delete_records(
    conn: Connection, account_id: int, record_type: RecordType, records: Sequence[Record]
) -> None:
    """Delete records (as last read) with their search rows, followers and counts."""
    if not records:
        return
    ids = [r["id"] for r in records]
    table = record_table(record_type)
    conn.execute(delete(table).where(table.c.account_id == account_id, table.c.id.in_(ids)))
    _delete_children(conn, account_id, record_type, records)
    followers = schema.followers
    conn.execute(delete(followers).where(_owned(followers, account_id, record_type, ids)))
    change_counts(conn, account_id, record_type, _counts(record_type, records), -1)


def _owned(table: Table, account_id: int, record_type: RecordType, ids: list[int]) -> Any:
    return and_(
        table.c.account_id == account_id,
        table.c.record_type == int(record_type),
        table.c.record_id.in_(ids),
    )


def _delete_children(
    conn: Connection, account_id: int, record_type: RecordType, records: Sequence[Record]
) -> None:
    ids = [r["id"] for r in records]
    for table in CHILD_TABLES:
        conn.execute(delete(table).where(_owned(table, account_id, record_type, ids)))


def replace_record(
    conn: Connection,
    account_id: int,
    record_type: RecordType,
    old: Record,
    new: Record,
    types: CustomFieldTypes,
) -> None:
    """Store `new` in place of `old` (same id), keeping followers. Only the child
    tables whose rows change are rewritten, and the counters move by the difference:
    an update of a title touches neither (a lead's update: 7 deletes, 6 inserts and 2
    counter upserts before)."""
    table = record_table(record_type)
    before = project(account_id, record_type, [old], types)
    after = project(account_id, record_type, [new], types)
    row = dict(zip(after.columns, after.rows[0], strict=True))
    conn.execute(
        table.update().where(table.c.account_id == account_id, table.c.id == old["id"]), row
    )
    changed = [t for t in CHILD_TABLES if _rows_differ(before, after, t.name)]
    for child in changed:
        conn.execute(delete(child).where(_owned(child, account_id, record_type, [old["id"]])))
        if rows := after.children[child.name]:
            insert_tuples(conn, child, CHILD_COLUMNS[child.name], rows)
    names = {schema.name_tokens, schema.name_words}
    if names.intersection(changed):
        _add_vocabulary(conn, after)
    counts = after.counts()
    counts.subtract(before.counts())
    change_counts(
        conn, account_id, record_type, Counter({k: n for k, n in counts.items() if n}), +1
    )
    if schema.record_tags in changed:
        _name_tags(conn, account_id, [new])


def _rows_differ(before: Projection, after: Projection, table: str) -> bool:
    return Counter(before.children[table]) != Counter(after.children[table])


def _counts(record_type: RecordType, records: Iterable[Record]) -> Counter[tuple[str, str]]:
    return project(0, record_type, records, {}).counts()


def change_counts(
    conn: Connection,
    account_id: int,
    record_type: RecordType,
    counts: Counter[tuple[str, str]],
    sign: int,
) -> None:
    rows = [
        {"account_id": account_id, "record_type": int(record_type), "field": f, "value": v,
         "n": sign * n}
        for (f, v), n in sorted(counts.items())
    ]  # fmt: skip
    add_to_counter(conn, schema.value_counts, rows)
