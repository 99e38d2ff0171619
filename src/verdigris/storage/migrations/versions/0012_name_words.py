"""names searched by substring through their words

The names of companies, opportunities, tasks and projects are indexed by their words
(`name_words`, one row per distinct word of a record's folded name) instead of their
three-character pieces; the pieces of each word an account's names have held live once
per account and type in `word_grams` (decision 0702).

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_KEY: Any = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
_TABLES = {"companies": 3, "opportunities": 4, "tasks": 5, "projects": 6}
_CHUNK = 10_000


def _id(name: str) -> sa.Column[Any]:
    return sa.Column(name, sa.BigInteger(), autoincrement=False, nullable=False)


def upgrade() -> None:
    op.create_table(
        "name_words",
        _id("account_id"), sa.Column("record_type", sa.SmallInteger(), nullable=False),
        _id("record_id"), sa.Column("word", _KEY, nullable=False),
        sa.PrimaryKeyConstraint("account_id", "record_type", "record_id", "word"),
        sqlite_with_rowid=False,
    )  # fmt: skip
    op.create_table(
        "word_grams",
        _id("account_id"), sa.Column("record_type", sa.SmallInteger(), nullable=False),
        sa.Column("gram", _KEY, nullable=False), sa.Column("word", _KEY, nullable=False),
        sa.PrimaryKeyConstraint("account_id", "record_type", "gram", "word"),
        sqlite_with_rowid=False,
    )  # fmt: skip
    _fill()
    op.create_index(
        "ix_name_words_value", "name_words", ["account_id", "record_type", "word", "record_id"]
    )
    op.drop_table("name_grams")


def _fill() -> None:
    conn = op.get_bind()
    words: set[tuple[int, int, str]] = set()
    for table, kind in _TABLES.items():
        rows = conn.execute(sa.text(f"SELECT account_id, id, name_key FROM {table}"))
        postings = [
            {"a": account_id, "k": kind, "r": record_id, "w": word}
            for account_id, record_id, key in rows
            for word in dict.fromkeys((key or "").split())
        ]
        words.update((p["a"], p["k"], p["w"]) for p in postings)
        for chunk in _chunks(postings):
            conn.execute(
                sa.text("INSERT INTO name_words (account_id, record_type, record_id, word) "
                        "VALUES (:a, :k, :r, :w)"),
                chunk,
            )  # fmt: skip
    pieces = [
        {"a": account_id, "k": kind, "g": gram, "w": word}
        for account_id, kind, word in sorted(words)
        for gram in sorted({word, *(word[i : i + 3] for i in range(len(word) - 2))})
    ]
    for chunk in _chunks(pieces):
        conn.execute(
            sa.text("INSERT INTO word_grams (account_id, record_type, gram, word) "
                    "VALUES (:a, :k, :g, :w)"),
            chunk,
        )  # fmt: skip


def _chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), _CHUNK):
        yield rows[start : start + _CHUNK]


def downgrade() -> None:
    op.create_table(
        "name_grams",
        _id("account_id"), sa.Column("record_type", sa.SmallInteger(), nullable=False),
        _id("record_id"), sa.Column("gram", _KEY, nullable=False),
        sa.PrimaryKeyConstraint("account_id", "record_type", "record_id", "gram"),
        sqlite_with_rowid=False,
    )  # fmt: skip
    conn = op.get_bind()
    for table, kind in _TABLES.items():
        rows = conn.execute(sa.text(f"SELECT account_id, id, name_key FROM {table}"))
        grams = [
            {"a": a, "k": kind, "r": record_id, "g": gram}
            for a, record_id, key in rows
            for gram in sorted({key[i : i + 3] for i in range(len(key or "") - 2)})
        ]
        for chunk in _chunks(grams):
            conn.execute(
                sa.text("INSERT INTO name_grams (account_id, record_type, record_id, gram) "
                        "VALUES (:a, :k, :r, :g)"),
                chunk,
            )  # fmt: skip
    op.create_index(
        "ix_name_grams_value", "name_grams", ["account_id", "record_type", "gram", "record_id"]
    )
    op.drop_table("word_grams")
    op.drop_table("name_words")
