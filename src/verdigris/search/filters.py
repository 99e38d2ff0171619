"""The filter registry: Copper filter key -> a short function returning a boolean clause.

Every function receives the Scope (account, user, clock, table) and the value request.py
parsed; none of them can fail. Multi-valued fields are filtered through child tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, false, or_, select, union
from sqlalchemy.sql.elements import ColumnElement

from verdigris.search.custom_fields import custom_field_clause
from verdigris.search.name_match import name_clause
from verdigris.search.scope import Scope
from verdigris.search.terms import CustomFieldFilter, Equals, IdSet, Options
from verdigris.search.values import INT64_MAX, INT64_MIN
from verdigris.storage import schema
from verdigris.storage.dialect import AnyCase, in_values

Clause = ColumnElement[bool]
Filter = Callable[[Scope, Any], Clause]


def _ids(scope: Scope, ids: tuple[int, ...]) -> Clause:
    return in_values(scope.table.c.id, ids)


def _column_ids(column: str) -> Filter:
    def clause(scope: Scope, spec: IdSet) -> Clause:
        col = scope.table.c[column]
        parts = [in_values(col, spec.ids)] if spec.ids else []
        return or_(*parts, col.is_(None)) if spec.none else or_(*parts)

    return clause


def _plain_column_ids(column: str) -> Filter:
    return lambda scope, ids: in_values(scope.table.c[column], ids)


def _phone(scope: Scope, digits: str) -> Clause:
    if not digits:
        return false()
    phones = schema.record_phones
    return scope.child_ids(phones, phones.c.digits == digits)


def _emails(scope: Scope, keys: tuple[str, ...]) -> Clause:
    emails = schema.record_emails
    return scope.child_ids(emails, in_values(emails.c.email_key, keys))


def _socials(scope: Scope, keys: tuple[str, ...]) -> Clause:
    socials = schema.record_socials
    return scope.child_ids(socials, in_values(socials.c.url_key, keys))


def _tags(scope: Scope, spec: Options) -> Clause:
    tags = schema.record_tags
    return scope.options(tags, tags.c.tag_key, spec)


def _address(part: str) -> Filter:
    sort_key, match_key = schema.ADDRESS_KEYS[part]

    def clause(scope: Scope, spec: Equals) -> Clause:
        # The match key is the sort key trimmed: a value without spaces around it is
        # found through the sort key's index, the others through their partial index
        # (schema.ADDRESS_KEYS); both keys are null for an empty value.
        table = scope.table
        key, match = table.c[sort_key], table.c[match_key]
        if spec.key is None:
            return key.is_(None)
        cases = [key == spec.key, and_(key.is_distinct_from(match), match == spec.key)]
        if spec.allow_empty:
            cases.append(key.is_(None))
        return AnyCase(table, table.c.account_id == scope.account_id, cases)

    return clause


def _followed(scope: Scope, which: int) -> Clause:
    followers = schema.followers
    followed = scope.child_ids(followers, followers.c.user_id == scope.user_id)
    return followed if which == 1 else ~followed


def _age(scope: Scope, seconds: int) -> Clause:
    # Clamp: a huge or negative age must not overflow the 64-bit column's parameter.
    since = min(max(scope.now - seconds, INT64_MIN), INT64_MAX)
    return scope.table.c.date_created >= since


def _bound(column: str, minimum: bool) -> Filter:
    def clause(scope: Scope, value: float) -> Clause:
        col = scope.table.c[column]
        return col >= value if minimum else col <= value

    return clause


def _opportunities(scope: Scope, ids: tuple[int, ...]) -> Clause:
    o, related = schema.opportunities, schema.opportunity_people
    primary = select(o.c.primary_contact_id).where(
        o.c.account_id == scope.account_id, in_values(o.c.id, ids)
    )
    others = select(related.c.person_id).where(
        related.c.account_id == scope.account_id, in_values(related.c.opportunity_id, ids)
    )
    return scope.table.c.id.in_(union(primary, others))


def _custom_fields(scope: Scope, specs: tuple[CustomFieldFilter, ...]) -> Clause:
    return and_(*(custom_field_clause(scope, spec) for spec in specs))


_BOUNDED = {
    "interaction_count": "interaction_count",
    "interaction_date": "date_last_contacted",
    "created_date": "date_created",
    "modified_date": "date_modified",
    "monetary_value": "monetary_value",
    "status_change_date": "date_status_changed",
}

FILTERS: dict[str, Filter] = {
    "ids": _ids,
    "name": lambda scope, query: name_clause(scope, query),
    "phone_number": _phone,
    "emails": _emails,
    "assignee_ids": _column_ids("assignee_id"),
    "contact_type_ids": _column_ids("contact_type_id"),
    "company_ids": _column_ids("company_id"),
    "customer_source_ids": _column_ids("customer_source_id"),
    "status_ids": _plain_column_ids("status_id"),
    "opportunity_ids": _opportunities,
    **{part: _address(part) for part in ("city", "state", "postal_code", "country")},
    "tags": _tags,
    "socials": _socials,
    "followed": _followed,
    "age": _age,
    **{f"minimum_{key}": _bound(column, True) for key, column in _BOUNDED.items()},
    **{f"maximum_{key}": _bound(column, False) for key, column in _BOUNDED.items()},
    "custom_fields": _custom_fields,
}
