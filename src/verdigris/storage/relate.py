"""Related items (SPEC.md 7): list, relate and unrelate two records of an account.

A relation one of the records holds in an exclusive field (a person's or an
opportunity's company, a task's related resource) is made or removed through that
record's own update, so its counters move and the change is reported like any other
update; every other relation is a pair of rows of the relation store (relations.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from verdigris.domain.declarations import declaration
from verdigris.domain.declarations.fields import Ref, Related
from verdigris.domain.relations import ONE_IN_ALL, ONE_OF, allowed
from verdigris.domain.types import Record, RecordType
from verdigris.errors import Unprocessable
from verdigris.parsing.records import Changes
from verdigris.storage import relations, schema
from verdigris.storage.records import get_stored
from verdigris.storage.relations import Resource
from verdigris.storage.writes import update_record


def related(
    conn: Connection, account_id: int, a: Resource, other: RecordType | None = None
) -> list[dict[str, Any]]:
    """`[{"id", "type"}]` of the records related to `a` (404 when `a` is absent): those
    it holds in its fields first (an opportunity's primary contact before its other
    people), then the rest by type and id."""
    record = get_stored(conn, account_id, a[0], a[1])
    found = relations.related_to(conn, account_id, a, other)
    held = [r for r, _ in relations.held(a[0], record) if r in found]
    ordered = held + [r for r in found if r not in held]
    return [{"id": i, "type": kind.api_name} for kind, i in ordered]


def relate(conn: Connection, account_id: int, a: Resource, b: Resource, now: int) -> None:
    """Relate `a` and `b` (404 when either is absent; relating twice changes nothing)."""
    _check_pair(a, b)
    records = {a: get_stored(conn, account_id, *a), b: get_stored(conn, account_id, *b)}
    for me, other in ((a, b), (b, a)):
        name = _exclusive_field(me[0], other[0])
        if name is None:
            continue
        holds = _holding(me[0], records[me], name)
        if holds == other:
            return
        if holds is not None:
            raise Unprocessable(
                f"{me[0].api_name} {me[1]} is already related to {holds[0].api_name} "
                f"{holds[1]}; remove that relation first"
            )
        update_record(conn, account_id, me[0], me[1], Changes({name: _value(other, name, me)}), now)
        return
    relations.relate(conn, account_id, a, b)


def unrelate(conn: Connection, account_id: int, a: Resource, b: Resource, now: int) -> None:
    """Remove the relation of `a` and `b`; 422 when they are not related."""
    _check_pair(a, b)
    records = {a: get_stored(conn, account_id, *a), b: get_stored(conn, account_id, *b)}
    if not relations.is_related(conn, account_id, a, b):
        raise Unprocessable("Resources are not related")
    for me, other in ((a, b), (b, a)):
        for name in _fields_holding(me[0], records[me], other):
            update_record(conn, account_id, me[0], me[1], Changes({name: None}), now)
    relations.unrelate(conn, account_id, a, b)


def _check_pair(a: Resource, b: Resource) -> None:
    if not allowed(a[0].api_name, b[0].api_name):
        raise Unprocessable(f"a {a[0].api_name} cannot be related to a {b[0].api_name}")


def _exclusive_field(kind: RecordType, other: RecordType) -> str | None:
    """The field in which a `kind` record holds its one related `other` record."""
    if (kind.api_name, other.api_name) in ONE_OF:
        return ONE_OF[(kind.api_name, other.api_name)]
    if kind.api_name in ONE_IN_ALL:
        return next(f.name for f in declaration(kind).fields if isinstance(f, Related))
    return None


def _holding(kind: RecordType, record: Record, name: str) -> Resource | None:
    """The record an exclusive field holds, if any."""
    field, value = declaration(kind).by_name[name], record.get(name)
    if isinstance(field, Related):
        if not isinstance(value, dict) or value.get("id") is None:
            return None
        return RecordType.from_api_name(value["type"]), int(value["id"])
    if value is None or not isinstance(field, Ref):
        return None
    return schema.TYPE_OF_TABLE[field.target], int(value)


def _value(other: Resource, name: str, me: Resource) -> Any:
    field = declaration(me[0]).by_name[name]
    if isinstance(field, Related):
        return {"id": other[1], "type": other[0].api_name}
    return other[1]


def _fields_holding(kind: RecordType, record: Record, other: Resource) -> list[str]:
    """The fields of a record that hold `other` (a reference or a related resource)."""
    names = []
    for field in declaration(kind).fields:
        value = record.get(field.name)
        if isinstance(field, Ref) and field.related and value == other[1]:
            if schema.TYPE_OF_TABLE[field.target] is other[0]:
                names.append(field.name)
        elif isinstance(field, Related) and isinstance(value, dict):
            held = (value.get("type"), value.get("id"))
            names += [field.name] if held == (other[0].api_name, other[1]) else []
    return names
