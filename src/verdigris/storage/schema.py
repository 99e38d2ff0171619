"""Core tables: one schema for SQLite and PostgreSQL, every table keyed by account.

Record tables are derived from their declarations (domain/declarations, through
storage/columns.py). Multi-valued fields are also projected into the shared child
tables below, keyed by (account_id, record_type, ...), so that filters on them are
indexed joins.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    event,
    false,
    text,
)

from verdigris.domain.declarations import DECLARATIONS, Declaration
from verdigris.domain.types import RecordType
from verdigris.storage import definition_stamps
from verdigris.storage.columns import LookupKey
from verdigris.storage.record_tables import padded_statistics, record_columns, record_indexes

metadata = MetaData()

ROW_IN_KEY: dict[str, Any] = {"sqlite_with_rowid": False}
"""SQLite keeps the rows of tables that are all key in their key's B-tree (WITHOUT
ROWID): one B-tree to write instead of a table and its key index."""


# Tables marked so are not an account's Copper data: cloning an account skips them.
NOT_CLONED: dict[str, Any] = {"not_cloned": True}


SERIAL: Any = BigInteger().with_variant(Integer(), "sqlite")
"""A queue's sequence number: BIGSERIAL on PostgreSQL, the rowid on SQLite."""


def id_column(name: str = "id") -> Column[int]:
    return Column(name, BigInteger, nullable=False, autoincrement=False)


accounts = Table(
    "accounts",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False),
    # Changed by triggers on every write of its definitions (definition_stamps.py).
    Column("definitions_stamp", BigInteger, nullable=False, server_default=text("0")),
)

users = Table(
    "users",
    metadata,
    id_column("account_id"),
    id_column(),
    Column("name", Text),
    Column("email", Text, nullable=False),
    Column("email_key", Text, nullable=False),
    PrimaryKeyConstraint("account_id", "id"),
    Index("ix_users_email", "account_id", "email_key"),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    id_column("account_id"),
    id_column("user_id"),
    Column("created_at", BigInteger, nullable=False),
)

id_sequences = Table(
    "id_sequences",
    metadata,
    id_column("account_id"),
    Column("kind", String(32), nullable=False),
    Column("next_id", BigInteger, nullable=False),
    PrimaryKeyConstraint("account_id", "kind"),
)


def _lookup(name: str, *extra: Any) -> Table:
    return Table(
        name,
        metadata,
        id_column("account_id"),
        id_column(),
        Column("name", Text, nullable=False),
        *extra,
        PrimaryKeyConstraint("account_id", "id"),
    )


contact_types = _lookup("contact_types")
customer_sources = _lookup("customer_sources")
lead_statuses = _lookup(
    "lead_statuses",
    Column("order", Integer, nullable=False, default=0),
    Column("is_default", Boolean, nullable=False, default=False),
)

loss_reasons = _lookup("loss_reasons")
pipelines = _lookup("pipelines")
pipeline_stages = _lookup(
    "pipeline_stages",
    Column("pipeline_id", BigInteger, nullable=False),
    Column("win_probability", Integer),
    Column("position", Integer, nullable=False),  # the stage's place in its pipeline
    Index("ix_pipeline_stages_pipeline", "account_id", "pipeline_id", "position"),
)

activity_types = Table(
    "activity_types",
    metadata,
    id_column("account_id"),
    Column("category", String(16), nullable=False),
    id_column(),
    Column("name", Text, nullable=False),
    Column("count_as_interaction", Boolean, nullable=False),
    # Custom activity types (user ones): their icon, whether new activities may use them,
    # and the one a new task gets (true on one type, null elsewhere, as Copper shows it).
    Column("icon_type", String(32)),
    Column("is_disabled", Boolean, nullable=False, default=False),
    Column("is_default_task_type", Boolean),
    PrimaryKeyConstraint("account_id", "category", "id"),
)

custom_field_definitions = Table(
    "custom_field_definitions",
    metadata,
    id_column("account_id"),
    id_column(),
    Column("name", Text, nullable=False),
    Column("data_type", String(16), nullable=False),
    Column("available_on", Text, nullable=False),  # JSON list of record type names
    PrimaryKeyConstraint("account_id", "id"),
)

custom_field_options = Table(
    "custom_field_options",
    metadata,
    id_column("account_id"),
    id_column("definition_id"),
    id_column(),
    Column("name", Text, nullable=False),
    Column("rank", Integer, nullable=False, default=0),
    PrimaryKeyConstraint("account_id", "definition_id", "id"),
)


def _stamped_on_write(table: Table) -> None:
    """The account's definitions stamp changes on every write of `table`."""
    for dialect, statement in definition_stamps.trigger_ddl(table.name):
        ddl = DDL(statement).execute_if(dialect=dialect)  # type: ignore[no-untyped-call]
        event.listen(table, "after_create", ddl)


_stamped_on_write(custom_field_definitions)
_stamped_on_write(custom_field_options)


def _record_table(declaration: Declaration, *extra: Any) -> Table:
    """A declared record type's table (storage/columns.py): its columns and indexes, and
    on PostgreSQL the statistics its planner needs (record_tables.padded_statistics)."""
    table = Table(
        declaration.table,
        metadata,
        *record_columns(declaration),
        PrimaryKeyConstraint("account_id", "id"),
        *record_indexes(declaration),
        *extra,
    )
    for statement in padded_statistics(declaration):
        ddl = DDL(statement).execute_if(dialect="postgresql")  # type: ignore[no-untyped-call]
        event.listen(table, "after_create", ddl)
    return table


RECORD_TABLES: dict[RecordType, Table] = {d.record_type: _record_table(d) for d in DECLARATIONS}
people = RECORD_TABLES[RecordType.PERSON]
leads = RECORD_TABLES[RecordType.LEAD]
companies = RECORD_TABLES[RecordType.COMPANY]
opportunities = RECORD_TABLES[RecordType.OPPORTUNITY]
tasks = RECORD_TABLES[RecordType.TASK]
projects = RECORD_TABLES[RecordType.PROJECT]
TYPE_OF_TABLE: dict[str, RecordType] = {str(t.name): k for k, t in RECORD_TABLES.items()}

# Related items (storage/relations.py): one row per direction of each relation, so a
# record's relations are the key range of its (type, id) whichever side it is on.
relations = Table(
    "relations",
    metadata,
    id_column("account_id"),
    Column("type", SmallInteger, nullable=False),
    id_column(),
    Column("other_type", SmallInteger, nullable=False),
    id_column("other_id"),
    PrimaryKeyConstraint("account_id", "type", "id", "other_type", "other_id"),
    **ROW_IN_KEY,
)


def _child(name: str, value: Column[Any]) -> Table:
    """A shared child table: one row per (record, value), indexed for lookup by value."""
    pk = ["account_id", "record_type", "record_id", value.name]
    return Table(
        name,
        metadata,
        id_column("account_id"),
        Column("record_type", SmallInteger, nullable=False),
        id_column("record_id"),
        value,
        PrimaryKeyConstraint(*pk),
        Index(f"ix_{name}_value", "account_id", "record_type", value.name, "record_id"),
        **ROW_IN_KEY,
    )


record_tags = _child("record_tags", Column("tag_key", LookupKey, nullable=False))
record_emails = _child("record_emails", Column("email_key", LookupKey, nullable=False))
record_phones = _child("record_phones", Column("digits", LookupKey, nullable=False))
record_socials = _child("record_socials", Column("url_key", LookupKey, nullable=False))
# Substring name search (FilterKind.NAME_CONTAINS, decision 0702): each record's
# folded name by its words, and per account and type the three-character pieces of
# every word ever seen (plus the word itself, to tell known words), which find the few
# words that hold a query's text.
name_words = _child("name_words", Column("word", LookupKey, nullable=False))

followers = Table(
    "followers",
    metadata,
    id_column("account_id"),
    Column("record_type", SmallInteger, nullable=False),
    id_column("user_id"),
    id_column("record_id"),
    PrimaryKeyConstraint("account_id", "record_type", "user_id", "record_id"),
    Index("ix_followers_record", "account_id", "record_type", "record_id"),
    **ROW_IN_KEY,
)

custom_field_values = Table(
    "custom_field_values",
    metadata,
    id_column("account_id"),
    Column("record_type", SmallInteger, nullable=False),
    id_column("record_id"),
    id_column("definition_id"),
    # Options of a MultiSelect give one row each; number-like values and option ids
    # live in value_number, String/Text/URL values (folded) in value_text.
    Column("value_number", Float),
    Column("value_text", LookupKey),
    Column("position", Integer, nullable=False, default=0),
    PrimaryKeyConstraint("account_id", "record_type", "record_id", "definition_id", "position"),
    # Partial: a value is a number or a text, and each index holds only its kind.
    Index(
        "ix_cfv_number",
        "account_id",
        "record_type",
        "definition_id",
        "value_number",
        "record_id",
        postgresql_where=text("value_number IS NOT NULL"),
        sqlite_where=text("value_number IS NOT NULL"),
    ),  # fmt: skip
    Index(
        "ix_cfv_text",
        "account_id",
        "record_type",
        "definition_id",
        "value_text",
        postgresql_where=text("value_text IS NOT NULL"),
        sqlite_where=text("value_text IS NOT NULL"),
    ),  # fmt: skip
    **ROW_IN_KEY,
)

# Fuzzy name search: each record's name tokens, and per account the deletion
# neighbourhood of every token ever seen (stale tokens only cost a lookup). Keyed by
# record like the other child tables (a load appends to the key; searches by token
# use the covering index). Each token row carries its record's converted flag and its
# key under the type's default sort (search/token_pages.py): a name search so sorted
# is counted and paged from the token index alone, where reading each match's row
# for its key took 26,903 leads of a misspelt name 100 ms (SQLite) and 300 ms.
name_tokens = Table(
    "name_tokens",
    metadata,
    id_column("account_id"),
    Column("record_type", SmallInteger, nullable=False),
    Column("token", LookupKey, nullable=False),
    id_column("record_id"),
    Column("converted", Boolean, nullable=False, server_default=false()),
    Column("default_key", LookupKey),
    PrimaryKeyConstraint("account_id", "record_type", "record_id", "token"),
    Index(
        "ix_name_tokens_token",
        "account_id",
        "record_type",
        "token",
        "record_id",
        "converted",
        "default_key",
    ),
    **ROW_IN_KEY,
)

token_variants = Table(
    "token_variants",
    metadata,
    id_column("account_id"),
    Column("variant", LookupKey, nullable=False),
    Column("token", LookupKey, nullable=False),
    PrimaryKeyConstraint("account_id", "variant", "token"),
    # Writes only ever add rows: an account's rows hold those of any earlier state of it,
    # so the sandbox's reset and restore keep them (storage/sandbox.py).
    info={"grows_only": True},
    **ROW_IN_KEY,
)

word_grams = Table(
    "word_grams",
    metadata,
    id_column("account_id"),
    Column("record_type", SmallInteger, nullable=False),
    Column("gram", LookupKey, nullable=False),
    Column("word", LookupKey, nullable=False),
    PrimaryKeyConstraint("account_id", "record_type", "gram", "word"),
    info={"grows_only": True},  # as token_variants
    **ROW_IN_KEY,
)

# Exact match counts per (account, record type, field, value), kept inside each write's
# transaction, so that X-PW-TOTAL of a single-value filter is a point read.
value_counts = Table(
    "value_counts",
    metadata,
    id_column("account_id"),
    Column("record_type", SmallInteger, nullable=False),
    Column("field", String(32), nullable=False),
    Column("value", Text, nullable=False),
    Column("n", BigInteger, nullable=False),
    PrimaryKeyConstraint("account_id", "record_type", "field", "value"),
    **ROW_IN_KEY,
)

activities = Table(
    "activities",
    metadata,
    id_column("account_id"),
    id_column(),
    Column("parent_type", SmallInteger, nullable=False),
    id_column("parent_id"),
    Column("type_category", String(16), nullable=False),
    id_column("type_id"),
    Column("user_id", BigInteger),
    Column("details", Text),
    Column("activity_date", BigInteger, nullable=False),
    Column("counts_as_interaction", Boolean, nullable=False),
    Column("date_created", BigInteger, nullable=False),
    Column("date_modified", BigInteger, nullable=False),
    PrimaryKeyConstraint("account_id", "id"),
    Index("ix_activities_parent", "account_id", "parent_type", "parent_id", "activity_date"),
    Index("ix_activities_date", "account_id", "activity_date", "id"),
)

# Rate limiting (api/ratelimit.py): per token, the times of its requests in the rolling
# window, as a JSON list. One row per token, locked while read and rewritten, so the
# limit holds across worker processes.
rate_limit_windows = Table(
    "rate_limit_windows",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("hits", Text, nullable=False, default="[]"),
)


# -- Tags (GET /tags) -----------------------------------------------------------------------
# The name each tag of an account is shown by (its first spelling), by folded tag: every
# write path adds the tags it stores (first one wins); their counts are `value_counts`.
tag_names = Table(
    "tag_names",
    metadata,
    id_column("account_id"),
    Column("tag_key", LookupKey, nullable=False),
    Column("name", Text, nullable=False),
    PrimaryKeyConstraint("account_id", "tag_key"),
    **ROW_IN_KEY,
)


# The test kit's tables (sandbox_tables.py) and the webhook tables (webhook_tables.py)
# live beside this module; importing them registers them on `metadata`.
from verdigris.storage import sandbox_tables, webhook_tables  # noqa: E402, F401
