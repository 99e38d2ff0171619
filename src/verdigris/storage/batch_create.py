"""Bulk create (`POST /{people,leads,companies}/bulk_create`): every item checked as
`writes.create_record` checks one, then the good ones stored together, in statements of
many rows, in the caller's transaction (decision 0703). A bad item takes nothing, not
even an id, and becomes its answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from verdigris.domain.declarations import declaration
from verdigris.domain.definitions import Definition
from verdigris.domain.types import Record, RecordType
from verdigris.errors import VerdigrisError
from verdigris.parsing.records import Changes
from verdigris.storage import events, joined_keys, relations
from verdigris.storage.ids import lock, take_ids
from verdigris.storage.records import custom_field_definitions, load_records
from verdigris.storage.search_rows import insert_records
from verdigris.storage.writes import apply, blank, check_references, custom_types, rules_for

Answer = Record | VerdigrisError
Staged = tuple[int, Record, Changes]
"""An item still standing: its place among the items, its record, its body."""
UNSET_ID = 0
"""A new record's id while the type's rules check it: no record has it."""


def create_records(
    conn: Connection,
    account_id: int,
    record_type: RecordType,
    bodies: Sequence[Changes | VerdigrisError],
    now: int,
) -> list[Answer]:
    """Each item's answer: its new record, or its error (a body that failed to parse is
    passed in as its error). Ids follow the items' order."""
    # The id counter's row lock, held to commit, first: it serialises the uniqueness
    # checks below with any concurrent writer of the account (as for one create).
    first_id = lock(conn, account_id, declaration(record_type).name)
    definitions = custom_field_definitions(conn, account_id)
    answers: list[Answer] = [b if isinstance(b, VerdigrisError) else {} for b in bodies]
    items = _applied(conn, account_id, record_type, bodies, definitions, now, answers)
    items = _prepared(conn, account_id, record_type, items, now, answers)
    items = _numbered(conn, account_id, record_type, items, first_id, answers)
    _store(conn, account_id, record_type, items, definitions, now)
    shown = load_records(conn, account_id, record_type, [r["id"] for _, r, _ in items])
    for (at, _, _), record in zip(items, shown, strict=True):
        answers[at] = record
    return answers


def _applied(
    conn: Connection,
    account_id: int,
    record_type: RecordType,
    bodies: Sequence[Changes | VerdigrisError],
    definitions: Sequence[Definition],
    now: int,
    answers: list[Answer],
) -> list[Staged]:
    """Each body on a blank record, with the ids it references checked."""
    decl = declaration(record_type)
    items: list[Staged] = []
    for at, changes in enumerate(bodies):
        if isinstance(changes, VerdigrisError):
            continue
        try:
            record = apply(decl, blank(decl, now), changes, definitions)
            check_references(conn, account_id, decl, changes)
        except VerdigrisError as error:
            answers[at] = error
            continue
        record["id"] = UNSET_ID
        items.append((at, record, changes))
    return items


def _prepared(
    conn: Connection,
    account_id: int,
    record_type: RecordType,
    items: list[Staged],
    now: int,
    answers: list[Answer],
) -> list[Staged]:
    """The type's rules on all of them at once (unique emails: one query)."""
    records, bodies = [r for _, r, _ in items], [c for _, _, c in items]
    errors = rules_for(record_type).prepare_new(conn, account_id, records, bodies, now)
    for (at, _, _), error in zip(items, errors, strict=True):
        if error is not None:
            answers[at] = error
    return [item for item, error in zip(items, errors, strict=True) if error is None]


def _numbered(
    conn: Connection,
    account_id: int,
    record_type: RecordType,
    items: list[Staged],
    first_id: int,
    answers: list[Answer],
) -> list[Staged]:
    """Ids in order, to the items that do not take what an earlier item took (an email,
    a domain), with the names they show from other rows."""
    decl, rules = declaration(record_type), rules_for(record_type)
    kept: list[Staged] = []
    claimed: dict[str, int] = {}
    for at, record, changes in items:
        record["id"] = first_id + len(kept)
        try:
            rules.claim(record, claimed)
            joined_keys.fill(conn, account_id, decl, None, record)
        except VerdigrisError as error:
            answers[at] = error
            continue
        kept.append((at, record, changes))
    return kept


def _store(
    conn: Connection,
    account_id: int,
    record_type: RecordType,
    items: Sequence[Staged],
    definitions: Sequence[Definition],
    now: int,
) -> None:
    if not items:
        return
    decl, rules = declaration(record_type), rules_for(record_type)
    take_ids(conn, account_id, decl.name, len(items))
    insert_records(conn, account_id, record_type, [r for _, r, _ in items],
                   custom_types(definitions))  # fmt: skip
    for _, record, changes in items:
        relations.sync(conn, account_id, record_type, None, record)
        rules.after_write(conn, account_id, record, changes, now)
    events.emit(conn, account_id, [events.Change(decl.name, "new", r["id"]) for _, r, _ in items])
