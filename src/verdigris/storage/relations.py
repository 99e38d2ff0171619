"""The relation store: every relation between two records of an account, one row per
direction, so that a record's relations are one index range whichever side it is on.

It serves the related-items routes, an opportunity's related people and the people
`opportunity_ids` filter. Relations a record holds in a field (a person's or an
opportunity's `company_id`, an opportunity's `primary_contact_id`, a task's or project's
`related_resource`) are kept in step with that field by `sync` on every write; the
related-items routes change them through the record's own update (relate.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, delete, or_, select

from verdigris.domain.declarations import declaration
from verdigris.domain.declarations.fields import Ref, Related
from verdigris.domain.relations import ONE_IN_ALL, ONE_OF
from verdigris.domain.types import Record, RecordType
from verdigris.storage import schema
from verdigris.storage.dialect import insert_ignore

Resource = tuple[RecordType, int]
"""A record of the account: (its type, its id)."""
_rel = schema.relations


def _rows(account_id: int, a: Resource, b: Resource) -> list[dict[str, Any]]:
    one = {"account_id": account_id, "type": int(a[0]), "id": a[1],
           "other_type": int(b[0]), "other_id": b[1]}  # fmt: skip
    two = {"account_id": account_id, "type": int(b[0]), "id": b[1],
           "other_type": int(a[0]), "other_id": a[1]}  # fmt: skip
    return [one, two]


def relate(conn: Connection, account_id: int, a: Resource, b: Resource) -> None:
    """Relate two records (relating twice changes nothing)."""
    insert_ignore(conn, _rel, _rows(account_id, a, b))


def unrelate(conn: Connection, account_id: int, a: Resource, b: Resource) -> bool:
    """Remove the relation; False when there was none."""
    one, two = _rows(account_id, a, b)
    gone = conn.execute(delete(_rel).where(_matches(one) | _matches(two))).rowcount
    return bool(gone)


def _matches(row: dict[str, Any]) -> Any:
    return and_(*(_rel.c[k] == v for k, v in row.items()))


def related_to(
    conn: Connection, account_id: int, a: Resource, other: RecordType | None = None
) -> list[Resource]:
    """The records related to `a` (of type `other` only, when given), by type and id."""
    query = select(_rel.c.other_type, _rel.c.other_id).where(
        _rel.c.account_id == account_id, _rel.c.type == int(a[0]), _rel.c.id == a[1]
    )
    if other is not None:
        query = query.where(_rel.c.other_type == int(other))
    query = query.order_by(_rel.c.other_type, _rel.c.other_id)
    return [(RecordType(t), int(i)) for t, i in conn.execute(query)]


def is_related(conn: Connection, account_id: int, a: Resource, b: Resource) -> bool:
    return b in related_to(conn, account_id, a, b[0])


def forget(conn: Connection, account_id: int, a: Resource) -> None:
    """Every relation of a deleted record."""
    kind, record_id = int(a[0]), a[1]
    conn.execute(
        delete(_rel).where(
            _rel.c.account_id == account_id,
            or_(
                (_rel.c.type == kind) & (_rel.c.id == record_id),
                (_rel.c.other_type == kind) & (_rel.c.other_id == record_id),
            ),
        )
    )


def held(record_type: RecordType, record: Record) -> list[tuple[Resource, bool]]:
    """The relations a record holds in its fields, each with whether it is exclusive
    (the record relates to one record of that type, or one record at all, at most)."""
    found = []
    name = declaration(record_type).name
    for field in declaration(record_type).fields:
        if isinstance(field, Ref) and field.related and record.get(field.name) is not None:
            target = schema.TYPE_OF_TABLE[field.target]
            exclusive = (name, target.api_name) in ONE_OF
            found.append(((target, int(record[field.name])), exclusive))
        elif isinstance(field, Related) and _holds(record.get(field.name)):
            resource: dict[str, Any] = record[field.name]
            other = RecordType.from_api_name(resource["type"])
            found.append(((other, int(resource["id"])), name in ONE_IN_ALL))
    return found


def _holds(resource: Any) -> bool:
    return isinstance(resource, dict) and resource.get("id") is not None


def sync(
    conn: Connection,
    account_id: int,
    record_type: RecordType,
    old: Record | None,
    new: Record,
) -> None:
    """Relations held in fields follow the fields: a relation the write set is made; one
    it replaced goes when the field is exclusive (a person's company), and stays
    otherwise (a former primary contact is still a related person)."""
    me = (record_type, int(new["id"]))
    before = dict(held(record_type, old)) if old is not None else {}
    after = dict(held(record_type, new))
    for gone, exclusive in sorted(before.items()):
        if exclusive and gone not in after:
            unrelate(conn, account_id, me, gone)
    for come in sorted(set(after) - set(before)):
        relate(conn, account_id, me, come)


def set_people(
    conn: Connection,
    account_id: int,
    opportunity: Resource,
    people: Sequence[int],
    keep: int | None,
) -> None:
    """An opportunity's related people become `people` (and `keep`, its primary contact)."""
    current = {i for _, i in related_to(conn, account_id, opportunity, RecordType.PERSON)}
    wanted = set(people) | ({keep} if keep is not None else set())
    for person in sorted(current - wanted):
        unrelate(conn, account_id, opportunity, (RecordType.PERSON, person))
    for person in sorted(wanted - current):
        relate(conn, account_id, opportunity, (RecordType.PERSON, person))
