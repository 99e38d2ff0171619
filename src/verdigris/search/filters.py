"""The filter registry: filter kind -> a short function returning a boolean clause.

Every function receives the Scope (account, user, clock, table), the declared Filter
(which column it compares) and the value parsing/search.py read; none of them can fail.
Multi-valued fields are filtered through child tables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import BigInteger, Float, Select, and_, false, intersect, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement

from verdigris.domain.declarations import declaration
from verdigris.domain.declarations.declaration import Filter, FilterKind
from verdigris.domain.declarations.fields import ADDRESS_KEYS
from verdigris.domain.numbers import INT64_MAX, INT64_MIN
from verdigris.domain.text import GRAM, grams
from verdigris.domain.types import RecordType
from verdigris.parsing.terms import CustomFieldFilter, Equals, IdSet, Options
from verdigris.search.custom_fields import custom_field_clause
from verdigris.search.name_match import name_clause
from verdigris.search.scope import Scope
from verdigris.storage import schema
from verdigris.storage.dialect import AnyCase, RowTest, Uncommon, in_values

Clause = ColumnElement[bool]
Build = Callable[[Scope, Filter, Any], Clause]
MAX_GRAMS = 3
"""Pieces of a substring query's longest run looked up; the word itself checks the rest."""
MAX_CANDIDATES = 5_000
"""Words holding every looked-up piece, beyond which the run is too common to narrow."""
MAX_WORDS = 1_000
"""Words holding a substring query's run, beyond which LIKE reads the name index."""


def clause(scope: Scope, spec: Filter, value: Any) -> Clause:
    """The clause of one given filter."""
    return BUILDERS[spec.kind](scope, spec, value)


def _column(scope: Scope, spec: Filter) -> ColumnElement[Any]:
    return scope.table.c[spec.column or spec.key]


def _ids(scope: Scope, spec: Filter, ids: tuple[int, ...]) -> Clause:
    return in_values(scope.table.c.id, ids)


def _ref_ids(scope: Scope, spec: Filter, value: IdSet) -> Clause:
    column = _column(scope, spec)
    parts = [in_values(column, value.ids)] if value.ids else []
    return or_(*parts, column.is_(None)) if value.none else or_(*parts)


def _fuzzy_name(scope: Scope, spec: Filter, query: str) -> Clause:
    return name_clause(scope, query)


def _name_contains(scope: Scope, spec: Filter, text: str) -> Clause:
    """A case-insensitive substring of the name (decision 0702). The names holding it are
    among those with a word holding its longest run of non-spaces, which the words'
    pieces find; a text without spaces needs no more. A walk of the sort index tests
    each row with LIKE instead; so does every plan when that run is shorter than a
    piece or too many words hold it."""
    key = text.casefold()
    contains = _column(scope, spec).contains(key, autoescape=True)
    runs = key.split()
    longest = max(runs, key=len, default="")
    words = _words_holding(scope, longest) if len(longest) >= GRAM else None
    if words is None:
        return contains
    if not words:
        return false()
    names = schema.name_words
    holders = scope.child_rows(names, in_values(names.c.word, words))
    gathered = scope.table.c.id.in_(holders)
    if runs != [key]:
        return RowTest(and_(gathered, contains), contains)
    # A record holding two of the words has two rows.
    ids = holders.distinct() if len(words) > 1 else holders
    return RowTest(gathered, contains, lambda: ids)


def _words_holding(scope: Scope, run: str) -> list[str] | None:
    """The words of the type's names that hold `run` (no spaces, at least one piece
    long), or None when more than MAX_WORDS may: found by up to MAX_GRAMS of its
    pieces, spread along it."""
    pieces = grams(run)
    step = max(1, len(pieces) // MAX_GRAMS)
    wg = schema.word_grams
    lookups = [
        select(wg.c.word).where(
            wg.c.account_id == scope.account_id,
            wg.c.record_type == int(scope.record_type),
            wg.c.gram == gram,
        )
        for gram in pieces[::step][:MAX_GRAMS]
    ]
    found = intersect(*lookups) if len(lookups) > 1 else lookups[0]
    candidates = scope.conn.execute(found.limit(MAX_CANDIDATES + 1)).scalars().all()
    if len(candidates) > MAX_CANDIDATES:
        return None
    words = [word for word in candidates if run in word]
    return words if len(words) <= MAX_WORDS else None


def _phone(scope: Scope, spec: Filter, digits: str) -> Clause:
    if not digits:
        return false()
    phones = schema.record_phones
    return scope.child_ids(phones, phones.c.digits == digits)


def _emails(scope: Scope, spec: Filter, keys: tuple[str, ...]) -> Clause:
    emails = schema.record_emails
    return scope.child_ids(emails, in_values(emails.c.email_key, keys), values=len(keys))


def _texts(scope: Scope, spec: Filter, keys: tuple[str, ...]) -> Clause:
    return in_values(_column(scope, spec), keys)


def _socials(scope: Scope, spec: Filter, keys: tuple[str, ...]) -> Clause:
    socials = schema.record_socials
    return scope.child_ids(socials, in_values(socials.c.url_key, keys), values=len(keys))


def _tags(scope: Scope, spec: Filter, value: Options) -> Clause:
    tags = schema.record_tags
    return scope.options(tags, tags.c.tag_key, value)


def _address(scope: Scope, spec: Filter, value: Equals) -> Clause:
    # The match key is the sort key trimmed: a value without spaces around it is found
    # through the sort key's index, the others through their partial index (fields.py
    # ADDRESS_KEYS); both keys are null for an empty value.
    sort_key, match_key = ADDRESS_KEYS[spec.column or spec.key]
    table = scope.table
    key, match = table.c[sort_key], table.c[match_key]
    if value.key is None:
        return key.is_(None)
    cases = [key == value.key, and_(Uncommon(key.is_distinct_from(match)), match == value.key)]
    if value.allow_empty:
        cases.append(key.is_(None))
    return AnyCase(table, table.c.account_id == scope.account_id, cases)


def _followed(scope: Scope, spec: Filter, which: int) -> Clause:
    followers = schema.followers
    mine = followers.c.user_id == scope.user_id
    followed = scope.child_ids(followers, mine, once=_followed_once(scope, mine))
    return followed if which == 1 else ~followed


def _followed_once(scope: Scope, mine: ColumnElement[bool]) -> Callable[[], Select[Any]] | None:
    """The user's followers rows of the type, which count the records followed alone
    from their primary key: a record's followers go with it (search_rows.delete_records).
    Not for leads, whose converted ones would then be read from their own index and left
    out: the 50,000 converted of 1,000,000 cost more than looking up each followed lead
    (3,483 followed, SQLite: 5.1 -> 9.0 ms; people, none left out: 5.1 -> 0.3 ms)."""
    if declaration(scope.record_type).converted_column is not None:
        return None
    return lambda: scope.child_rows(schema.followers, mine)


def _age(scope: Scope, spec: Filter, seconds: int) -> Clause:
    # Clamp: a huge or negative age must not overflow the 64-bit column's parameter.
    since = min(max(scope.now - seconds, INT64_MIN), INT64_MAX)
    return _column(scope, spec) >= since


def _minimum(scope: Scope, spec: Filter, value: float) -> Clause:
    return _column(scope, spec) >= _bound(value)


def _maximum(scope: Scope, spec: Filter, value: float) -> Clause:
    return _column(scope, spec) <= _bound(value)


def _bound(value: float) -> ColumnElement[Any]:
    """A range bound typed by its own value, not the column's: a 64-bit bound on a
    32-bit column (`interaction_count`) must compare, not overflow the parameter on
    PostgreSQL (int4 against int8 still uses the column's index)."""
    return literal(value, BigInteger() if isinstance(value, int) else Float())


def _opportunities(scope: Scope, spec: Filter, ids: tuple[int, ...]) -> Clause:
    """Related to one of the opportunities (a primary contact is related too)."""
    r = schema.relations
    related = select(r.c.other_id).where(
        r.c.account_id == scope.account_id,
        r.c.type == int(RecordType.OPPORTUNITY),
        in_values(r.c.id, ids),
        r.c.other_type == int(scope.record_type),
    )
    return scope.table.c.id.in_(related)


def _related_ids(scope: Scope, spec: Filter, value: IdSet) -> Clause:
    """The record's related resource is one of the ids of type `spec.target`."""
    table = scope.table
    kind, related = table.c.related_type, table.c.related_id
    parts: list[ColumnElement[bool]] = []
    if value.ids:
        parts.append(and_(kind == spec.target, in_values(related, value.ids)))
    if value.none:
        parts.append(kind.is_distinct_from(spec.target))
    return or_(*parts)


def _choices(scope: Scope, spec: Filter, names: tuple[str, ...]) -> Clause:
    return in_values(_column(scope, spec), names)


def _custom_fields(scope: Scope, spec: Filter, entries: tuple[CustomFieldFilter, ...]) -> Clause:
    clauses = [custom_field_clause(scope, entry) for entry in entries]
    # One entry keeps its own form (a RowTest that a lone filter can count by its ids).
    return clauses[0] if len(clauses) == 1 else and_(*clauses)


BUILDERS: Mapping[FilterKind, Build] = {
    FilterKind.IDS: _ids,
    FilterKind.REF_IDS: _ref_ids,
    FilterKind.FUZZY_NAME: _fuzzy_name,
    FilterKind.NAME_CONTAINS: _name_contains,
    FilterKind.PHONE: _phone,
    FilterKind.EMAILS: _emails,
    FilterKind.TEXTS: _texts,
    FilterKind.SOCIALS: _socials,
    FilterKind.ADDRESS: _address,
    FilterKind.TAGS: _tags,
    FilterKind.FOLLOWED: _followed,
    FilterKind.AGE: _age,
    FilterKind.MINIMUM: _minimum,
    FilterKind.MAXIMUM: _maximum,
    FilterKind.OPPORTUNITIES: _opportunities,
    FilterKind.CHOICES: _choices,
    FilterKind.CHOICE_IDS: _choices,
    FilterKind.RELATED_IDS: _related_ids,
    FilterKind.CUSTOM_FIELDS: _custom_fields,
}
