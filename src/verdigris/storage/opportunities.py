"""Opportunities: create, read, update, delete and search, scoped by account.

`primary_contact_id` is a column and related people are rows of opportunity_people:
together they drive the people search filter `opportunity_ids`. Every other Copper
field lives in the `doc` JSON column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, select, update

from verdigris.domain.text import sort_key
from verdigris.domain.types import Record
from verdigris.domain.validation import Cleaned, clean
from verdigris.errors import BadRequest, NotFound, Unprocessable
from verdigris.render.opportunity import TYPE_NAME, render_opportunity
from verdigris.render.parts import parse_json
from verdigris.storage import payload, schema
from verdigris.storage.companies import require_lookup
from verdigris.storage.ids import next_id
from verdigris.storage.listing import Page, order, page_ids
from verdigris.storage.projection import dumps
from verdigris.storage.records import custom_field_definitions

VALIDATED = ("name", "details", "assignee_id", "customer_source_id", "monetary_unit",
             "monetary_value", "tags")  # fmt: skip
IDS = ("loss_reason_id", "pipeline_id", "pipeline_stage_id")
PRIORITIES = ("None", "Low", "Medium", "High")
STATUSES = ("Open", "Won", "Lost", "Abandoned")
SORT_KEYS = ("name", "date_created", "date_modified")
_opps = schema.opportunities


@dataclass(frozen=True)
class OpportunitySearch:
    page: Page
    ids: tuple[int, ...] = ()
    name: str | None = None


def _clean(conn: Connection, account_id: int, body: Mapping[str, Any]) -> Cleaned:
    """The writable keys present in `body`, checked; references must exist (else 400)."""
    values = clean(body, VALIDATED, custom_field_definitions(conn, account_id), TYPE_NAME)
    values |= {k: payload.integer(body, k) for k in IDS + ("win_probability",) if k in body}
    if "close_date" in body:
        values["close_date"] = payload.text(body, "close_date")
    if "priority" in body:
        values["priority"] = payload.choice(body, "priority", PRIORITIES) or "None"
    if "status" in body:
        values["status"] = payload.choice(body, "status", STATUSES) or "Open"
    if not 0 <= (values.get("win_probability") or 0) <= 100:
        raise BadRequest("win_probability: must be between 0 and 100")
    if "name" in values and not (values["name"] or "").strip():
        raise Unprocessable("name: an opportunity needs a name")
    _check_references(conn, account_id, body, values)
    return values


def _check_references(
    conn: Connection, account_id: int, body: Mapping[str, Any], values: Cleaned
) -> None:
    for key, table in (("company_id", schema.companies), ("primary_contact_id", schema.people)):
        if key in body:
            values[key] = payload.integer(body, key)
            require_lookup(conn, account_id, table, key, values[key])
    if "related_people" in body:
        values["related_people"] = payload.id_list(body, "related_people")
        for person_id in values["related_people"]:
            require_lookup(conn, account_id, schema.people, "related_people", person_id)
    require_lookup(conn, account_id, schema.users, "assignee_id", values.get("assignee_id"))
    require_lookup(conn, account_id, schema.customer_sources, "customer_source_id",
                   values.get("customer_source_id"))  # fmt: skip


def _apply(row: dict[str, Any], values: Cleaned, now: int) -> dict[str, Any]:
    """The row with `values` applied: columns set, the rest merged into `doc`."""
    doc = parse_json(row.get("doc"), {})
    for key, value in values.items():
        if key in ("name", "company_id", "primary_contact_id"):
            row[key] = value
        elif key == "custom_fields":
            merged = doc.get("custom_fields", {}) | {str(k): v for k, v in value.items()}
            doc["custom_fields"] = {k: v for k, v in merged.items() if v is not None}
        elif key != "related_people":
            doc[key] = value
    if "pipeline_stage_id" in values:
        doc["date_stage_changed"] = now
    row["name_key"] = sort_key(row["name"])
    row["doc"] = dumps(doc)
    return row


def create_opportunity(
    conn: Connection, account_id: int, body: Mapping[str, Any], now: int
) -> Record:
    values = _clean(conn, account_id, body)
    if "name" not in values:
        raise Unprocessable("name: an opportunity needs a name")
    opp_id = next_id(conn, account_id, "opportunity")
    row = {"account_id": account_id, "id": opp_id, "date_created": now, "date_modified": now}
    conn.execute(_opps.insert(), _apply(row, values, now))
    _set_related(conn, account_id, opp_id, values.get("related_people", []))
    return get_opportunity(conn, account_id, opp_id)


def update_opportunity(
    conn: Connection, account_id: int, opp_id: int, body: Mapping[str, Any], now: int
) -> Record:
    """Partial update: keys present change, null clears, `related_people` is replaced."""
    row = dict(_row(conn, account_id, opp_id))
    values = _clean(conn, account_id, body)
    row = _apply(row, values, now) | {"date_modified": now}
    conn.execute(update(_opps).where(*_key(account_id, opp_id)).values(row))
    if "related_people" in values:
        _set_related(conn, account_id, opp_id, values["related_people"])
    return get_opportunity(conn, account_id, opp_id)


def _set_related(conn: Connection, account_id: int, opp_id: int, people: list[int]) -> None:
    op = schema.opportunity_people
    conn.execute(delete(op).where(op.c.account_id == account_id, op.c.opportunity_id == opp_id))
    rows = [{"account_id": account_id, "opportunity_id": opp_id, "person_id": p} for p in people]
    if rows:
        conn.execute(op.insert(), rows)


def mark_converted_from(
    conn: Connection, account_id: int, opp_id: int, lead: Record, now: int
) -> Record:
    """Record on a new opportunity the lead it was converted from (as on the person)."""
    row = dict(_row(conn, account_id, opp_id))
    doc = parse_json(row["doc"], {}) | {
        "leads_converted_from": [{"lead_id": lead["id"], "converted_timestamp": now}],
        "date_lead_created": lead["date_created"],
    }
    conn.execute(update(_opps).where(*_key(account_id, opp_id)).values(doc=dumps(doc)))
    return get_opportunity(conn, account_id, opp_id)


def delete_opportunity(conn: Connection, account_id: int, opp_id: int) -> dict[str, Any]:
    _row(conn, account_id, opp_id)
    conn.execute(delete(_opps).where(*_key(account_id, opp_id)))
    _set_related(conn, account_id, opp_id, [])
    return {"id": opp_id, "is_deleted": True}


def related(conn: Connection, account_id: int, opp_id: int) -> list[dict[str, Any]]:
    """Copper's related-items list of people: the primary contact first, then the rest."""
    primary = _row(conn, account_id, opp_id)["primary_contact_id"]
    op = schema.opportunity_people
    people = conn.execute(
        select(op.c.person_id)
        .where(op.c.account_id == account_id, op.c.opportunity_id == opp_id)
        .order_by(op.c.person_id)
    ).scalars()
    ids = [primary] if primary is not None else []
    ids += [p for p in people if p != primary]
    return [{"id": i, "type": "person"} for i in ids]


def _key(account_id: int, opp_id: int) -> tuple[Any, Any]:
    if not payload.fits(opp_id):
        raise NotFound(f"opportunity {opp_id} not found")
    return (_opps.c.account_id == account_id, _opps.c.id == opp_id)


def _row(conn: Connection, account_id: int, opp_id: int) -> Mapping[str, Any]:
    row = conn.execute(select(_opps).where(*_key(account_id, opp_id))).first()
    if row is None:
        raise NotFound(f"opportunity {opp_id} not found")
    return row._asdict()


def load_opportunities(conn: Connection, account_id: int, ids: Sequence[int]) -> list[Record]:
    """Rendered opportunities in the order of `ids`; ids not in the account are skipped."""
    ids = [i for i in ids if payload.fits(i)]
    if not ids:
        return []
    c = schema.companies
    on = (c.c.account_id == _opps.c.account_id) & (c.c.id == _opps.c.company_id)
    query = (
        select(_opps, c.c.name.label("company_name"))
        .select_from(_opps.outerjoin(c, on))
        .where(_opps.c.account_id == account_id, _opps.c.id.in_(ids))
    )
    rows = {row.id: row._asdict() for row in conn.execute(query)}
    definitions = custom_field_definitions(conn, account_id) if rows else []
    return [render_opportunity(rows[i], definitions) for i in ids if i in rows]


def get_opportunity(conn: Connection, account_id: int, opp_id: int) -> Record:
    found = load_opportunities(conn, account_id, [opp_id])
    if not found:
        raise NotFound(f"opportunity {opp_id} not found")
    return found[0]


def parse_search(body: Mapping[str, Any], page: Page) -> OpportunitySearch:
    name = payload.text(body, "name")
    return OpportunitySearch(page, tuple(payload.id_list(body, "ids")), name or None)


def search_opportunities(
    conn: Connection, account_id: int, search: OpportunitySearch
) -> tuple[list[Record], int]:
    """A page and the capped total; `name` is a case-insensitive substring of the name."""
    query = select(_opps.c.id).where(_opps.c.account_id == account_id)
    if search.ids:
        query = query.where(_opps.c.id.in_(search.ids))
    if search.name is not None:
        query = query.where(_opps.c.name_key.contains(search.name.casefold(), autoescape=True))
    sort_by = search.page.sort_by or "name"
    column = _opps.c.name_key if sort_by == "name" else _opps.c[sort_by]
    query = query.order_by(*order(column, search.page.descending), _opps.c.id)
    ids, total = page_ids(conn, query, search.page)
    return load_opportunities(conn, account_id, ids), total
