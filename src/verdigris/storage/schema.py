"""Core tables: one schema for SQLite and PostgreSQL, every table keyed by account.

Each record table holds the rendered scalars, its lists as JSON text (read back as they
were written), and folded search columns (`*_key` sort keys, `*_match` equality keys).
Multi-valued fields are also projected into the shared child tables below, keyed by
(account_id, record_type, ...), so that filters on them are indexed joins.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
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
    text,
)

metadata = MetaData()

ROW_IN_KEY: dict[str, Any] = {"sqlite_with_rowid": False}
"""SQLite keeps the rows of tables that are all key in their key's B-tree (WITHOUT
ROWID): one B-tree to write instead of a table and its key index."""

SortKey = Text().with_variant(Text(collation="C"), "postgresql")
"""Folded text compared code point by code point (SQLite's BINARY; on PostgreSQL the
database default collation would reorder it, so the column says "C")."""
LookupKey = SortKey
"""Text looked up by equality only (tags, emails, name tokens...): "C" on PostgreSQL
too, where it changes no answer and lets index builds sort by abbreviated keys,
several times faster than the database's collation (decision 0302)."""


def _id(name: str = "id") -> Column[int]:
    return Column(name, BigInteger, nullable=False, autoincrement=False)


accounts = Table(
    "accounts",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False),
)

users = Table(
    "users",
    metadata,
    _id("account_id"),
    _id(),
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
    _id("account_id"),
    _id("user_id"),
    Column("created_at", BigInteger, nullable=False),
)

id_sequences = Table(
    "id_sequences",
    metadata,
    _id("account_id"),
    Column("kind", String(32), nullable=False),
    Column("next_id", BigInteger, nullable=False),
    PrimaryKeyConstraint("account_id", "kind"),
)


def _lookup(name: str, *extra: Column[Any]) -> Table:
    return Table(
        name,
        metadata,
        _id("account_id"),
        _id(),
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

activity_types = Table(
    "activity_types",
    metadata,
    _id("account_id"),
    Column("category", String(16), nullable=False),
    _id(),
    Column("name", Text, nullable=False),
    Column("count_as_interaction", Boolean, nullable=False),
    PrimaryKeyConstraint("account_id", "category", "id"),
)

custom_field_definitions = Table(
    "custom_field_definitions",
    metadata,
    _id("account_id"),
    _id(),
    Column("name", Text, nullable=False),
    Column("data_type", String(16), nullable=False),
    Column("available_on", Text, nullable=False),  # JSON list of record type names
    PrimaryKeyConstraint("account_id", "id"),
)

custom_field_options = Table(
    "custom_field_options",
    metadata,
    _id("account_id"),
    _id("definition_id"),
    _id(),
    Column("name", Text, nullable=False),
    Column("rank", Integer, nullable=False, default=0),
    PrimaryKeyConstraint("account_id", "definition_id", "id"),
)

companies = Table(
    "companies",
    metadata,
    _id("account_id"),
    _id(),
    Column("name", Text, nullable=False),
    Column("name_key", SortKey),
    Column("address", Text),  # JSON object or null
    Column("assignee_id", BigInteger),
    Column("contact_type_id", BigInteger),
    Column("details", Text),
    Column("email_domain", Text),
    Column("phone_numbers", Text, nullable=False, default="[]"),
    Column("socials", Text, nullable=False, default="[]"),
    Column("tags", Text, nullable=False, default="[]"),
    Column("websites", Text, nullable=False, default="[]"),
    Column("custom_fields", Text, nullable=False, default="{}"),
    Column("interaction_count", Integer, nullable=False, default=0),
    Column("date_created", BigInteger, nullable=False),
    Column("date_modified", BigInteger, nullable=False),
    PrimaryKeyConstraint("account_id", "id"),
    Index("ix_companies_name", "account_id", "name_key", "id"),
)

opportunities = Table(
    "opportunities",
    metadata,
    _id("account_id"),
    _id(),
    Column("name", Text, nullable=False),
    Column("name_key", SortKey),
    Column("primary_contact_id", BigInteger),
    Column("company_id", BigInteger),
    Column("doc", Text, nullable=False, default="{}"),  # the other Copper fields, as given
    Column("date_created", BigInteger, nullable=False),
    Column("date_modified", BigInteger, nullable=False),
    PrimaryKeyConstraint("account_id", "id"),
    Index("ix_opportunities_name", "account_id", "name_key", "id"),
    Index("ix_opportunities_primary", "account_id", "primary_contact_id"),
)

opportunity_people = Table(
    "opportunity_people",
    metadata,
    _id("account_id"),
    _id("opportunity_id"),
    _id("person_id"),
    PrimaryKeyConstraint("account_id", "opportunity_id", "person_id"),
    Index("ix_opportunity_people_person", "account_id", "person_id"),
)


def _sorted(table: str, *columns: str) -> list[Index]:
    """One (account_id, column, id) index per sort or filter column."""
    return [Index(f"ix_{table}_{c}", "account_id", c, "id") for c in columns]


_TEXT_SORTS = ("name_key", "first_name_key", "last_name_key", "title_key", "email_key")
_MORE_SORTS = ("phone_key", "socials_key", "city_key", "state_key", "country_key", "zip_key")
_NUMBER_SORTS = ("date_modified", "date_created", "interaction_count", "date_last_contacted")
ADDRESS_KEYS = {
    "city": ("city_key", "city_match"),
    "state": ("state_key", "state_match"),
    "postal_code": ("zip_key", "postal_code_match"),
    "country": ("country_key", "country_match"),
}
"""Address part -> (sort key, match key). The match key is the sort key trimmed, so
they differ only for values with spaces around them: equality filters look up the sort
key's index, and those few values in a partial index of their own."""
_ADDRESS_MATCHES = tuple(match for _, match in ADDRESS_KEYS.values())


def _padded(table: str) -> list[Index]:
    """Per address part, the records whose match key is not their sort key."""
    indexes = []
    for part, (key, match) in ADDRESS_KEYS.items():
        differs = text(f"{key} IS DISTINCT FROM {match}")
        indexes.append(
            Index(
                f"ix_{table}_{part}_padded",
                "account_id",
                match,
                "id",
                postgresql_where=differs,
                sqlite_where=text(f"{key} IS NOT {match}"),
            )  # fmt: skip
        )
    return indexes


def _record_columns() -> list[Column[Any]]:
    """Columns people and leads share, in no particular order."""
    text = ["name", "prefix", "first_name", "middle_name", "last_name", "suffix", "details"]
    lists = ["phone_numbers", "socials", "tags", "websites"]
    return [
        _id("account_id"),
        _id(),
        *(Column(c, Text) for c in text),
        Column("title", Text),
        Column("address", Text),  # JSON object or null
        Column("assignee_id", BigInteger),
        *(Column(c, Text, nullable=False, default="[]") for c in lists),
        Column("custom_fields", Text, nullable=False, default="{}"),  # {definition id: value}
        Column("date_created", BigInteger, nullable=False),
        Column("date_modified", BigInteger, nullable=False),
        Column("date_last_contacted", BigInteger),
        Column("interaction_count", Integer, nullable=False, default=0),
        *(Column(c, SortKey) for c in _TEXT_SORTS + _MORE_SORTS + _ADDRESS_MATCHES),
    ]


people = Table(
    "people",
    metadata,
    *_record_columns(),
    Column("company_id", BigInteger),
    Column("contact_type_id", BigInteger),
    Column("emails", Text, nullable=False, default="[]"),
    Column("leads_converted_from", Text, nullable=False, default="[]"),
    Column("date_lead_created", BigInteger),
    PrimaryKeyConstraint("account_id", "id"),
    *_sorted("people", *_TEXT_SORTS, *_MORE_SORTS, *_NUMBER_SORTS),
    *_padded("people"),
    *_sorted("people", "assignee_id", "company_id", "contact_type_id"),
)

leads = Table(
    "leads",
    metadata,
    *_record_columns(),
    Column("company_name", Text),
    Column("company_name_key", SortKey),
    Column("customer_source_id", BigInteger),
    Column("email", Text),  # JSON object or null
    Column("monetary_unit", Text),
    Column("monetary_value", Float),
    Column("status_id", BigInteger),
    Column("date_status_changed", BigInteger, nullable=False),
    Column("converted_opportunity_id", BigInteger),
    Column("converted_contact_id", BigInteger),
    Column("converted_at", BigInteger),
    Column("is_converted", Boolean, nullable=False, default=False),
    PrimaryKeyConstraint("account_id", "id"),
    *_sorted("leads", *_TEXT_SORTS, *_MORE_SORTS, *_NUMBER_SORTS),
    *_padded("leads"),
    *_sorted("leads", "company_name_key", "monetary_value", "date_status_changed"),
    *_sorted("leads", "assignee_id", "customer_source_id", "status_id"),
)


def _child(name: str, value: Column[Any], *, unique_per_record: bool = False) -> Table:
    """A shared child table: one row per (record, value), indexed for lookup by value."""
    pk = ["account_id", "record_type", "record_id", value.name]
    return Table(
        name,
        metadata,
        _id("account_id"),
        Column("record_type", SmallInteger, nullable=False),
        _id("record_id"),
        value,
        PrimaryKeyConstraint(*pk),
        Index(f"ix_{name}_value", "account_id", "record_type", value.name, "record_id"),
        **ROW_IN_KEY,
    )


record_tags = _child("record_tags", Column("tag_key", LookupKey, nullable=False))
record_emails = _child("record_emails", Column("email_key", LookupKey, nullable=False))
record_phones = _child("record_phones", Column("digits", LookupKey, nullable=False))
record_socials = _child("record_socials", Column("url_key", LookupKey, nullable=False))

followers = Table(
    "followers",
    metadata,
    _id("account_id"),
    Column("record_type", SmallInteger, nullable=False),
    _id("user_id"),
    _id("record_id"),
    PrimaryKeyConstraint("account_id", "record_type", "user_id", "record_id"),
    Index("ix_followers_record", "account_id", "record_type", "record_id"),
    **ROW_IN_KEY,
)

custom_field_values = Table(
    "custom_field_values",
    metadata,
    _id("account_id"),
    Column("record_type", SmallInteger, nullable=False),
    _id("record_id"),
    _id("definition_id"),
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
# use the covering index).
name_tokens = Table(
    "name_tokens",
    metadata,
    _id("account_id"),
    Column("record_type", SmallInteger, nullable=False),
    Column("token", LookupKey, nullable=False),
    _id("record_id"),
    PrimaryKeyConstraint("account_id", "record_type", "record_id", "token"),
    Index("ix_name_tokens_token", "account_id", "record_type", "token", "record_id"),
    **ROW_IN_KEY,
)

token_variants = Table(
    "token_variants",
    metadata,
    _id("account_id"),
    Column("variant", LookupKey, nullable=False),
    Column("token", LookupKey, nullable=False),
    PrimaryKeyConstraint("account_id", "variant", "token"),
    **ROW_IN_KEY,
)

# Exact match counts per (account, record type, field, value), kept inside each write's
# transaction, so that X-PW-TOTAL of a single-value filter is a point read.
value_counts = Table(
    "value_counts",
    metadata,
    _id("account_id"),
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
    _id("account_id"),
    _id(),
    Column("parent_type", SmallInteger, nullable=False),
    _id("parent_id"),
    Column("type_category", String(16), nullable=False),
    _id("type_id"),
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
