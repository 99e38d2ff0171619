"""Companies: create, read, update, delete and search, scoped by account.

Deleting a company also clears its people's `company_id` (and moves their counters),
and its opportunities' `company_id`, in the same transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, select, update

from verdigris.domain.text import sort_key
from verdigris.domain.types import Record, RecordType
from verdigris.domain.validation import Cleaned, clean
from verdigris.errors import BadRequest, NotFound, Unprocessable
from verdigris.render.company import TYPE_NAME, render_company
from verdigris.render.parts import parse_json
from verdigris.storage import payload, schema
from verdigris.storage.ids import next_id
from verdigris.storage.indexing import change_counts
from verdigris.storage.listing import Page, order, page_ids
from verdigris.storage.projection import dumps
from verdigris.storage.records import custom_field_definitions

WRITABLE = (
    "name", "details", "assignee_id", "contact_type_id", "address", "tags",
    "phone_numbers", "socials", "websites",
)  # fmt: skip
LIST_COLUMNS = ("phone_numbers", "socials", "tags", "websites")
SORT_KEYS = ("name", "date_created", "date_modified", "interaction_count")
_companies = schema.companies
_NOUNS = {"people": "person", "leads": "lead", "companies": "company", "users": "user",
          "contact_types": "contact type", "customer_sources": "customer source"}  # fmt: skip


@dataclass(frozen=True)
class CompanySearch:
    page: Page
    ids: tuple[int, ...] = ()
    name: str | None = None


def require_lookup(conn: Connection, account_id: int, table: Table, key: str, value: Any) -> None:
    """400 naming `key` when `value` is not an id of `table` in the account."""
    if value is None:
        return
    if not payload.is_int(value):
        raise BadRequest(f"{key}: must be an integer id")
    found = conn.execute(
        select(table.c.id).where(table.c.account_id == account_id, table.c.id == value)
    ).first()
    if found is None:
        raise BadRequest(f"{key}: no {_NOUNS.get(table.name, table.name)} {value} in this account")


def _columns(values: Cleaned, stored_custom: Mapping[str, Any]) -> dict[str, Any]:
    """Cleaned body values -> column values (JSON text for objects and lists)."""
    columns = {k: v for k, v in values.items() if k not in ("custom_fields", "address")}
    for key in LIST_COLUMNS:
        if key in values:
            columns[key] = dumps(values[key])
    if "address" in values:
        columns["address"] = None if values["address"] is None else dumps(values["address"])
    if "custom_fields" in values:
        changes = {str(k): v for k, v in values["custom_fields"].items()}
        merged = {k: v for k, v in {**stored_custom, **changes}.items() if v is not None}
        columns["custom_fields"] = dumps(merged)
    if "name" in values:
        columns["name_key"] = sort_key(values["name"])
    return columns


def _clean(conn: Connection, account_id: int, body: Mapping[str, Any]) -> Cleaned:
    values = clean(body, WRITABLE, custom_field_definitions(conn, account_id), TYPE_NAME)
    if "email_domain" in body:
        values["email_domain"] = payload.text(body, "email_domain")
    if "name" in values and not (values["name"] or "").strip():
        raise Unprocessable("name: a company needs a name")
    require_lookup(conn, account_id, schema.contact_types, "contact_type_id",
                   values.get("contact_type_id"))  # fmt: skip
    require_lookup(conn, account_id, schema.users, "assignee_id", values.get("assignee_id"))
    return values


def create_company(conn: Connection, account_id: int, body: Mapping[str, Any], now: int) -> Record:
    values = _clean(conn, account_id, body)
    if "name" not in values:
        raise Unprocessable("name: a company needs a name")
    company_id = next_id(conn, account_id, "company")
    row: dict[str, Any] = {"account_id": account_id, "id": company_id, "date_created": now,
                           "date_modified": now}  # fmt: skip
    row |= dict.fromkeys(LIST_COLUMNS, "[]") | {"custom_fields": "{}", "interaction_count": 0}
    conn.execute(_companies.insert(), row | _columns(values, {}))
    return get_company(conn, account_id, company_id)


def update_company(
    conn: Connection, account_id: int, company_id: int, body: Mapping[str, Any], now: int
) -> Record:
    """Partial update: keys present change, null clears, custom fields merge by id."""
    stored = _row(conn, account_id, company_id)
    values = _clean(conn, account_id, body)
    columns = _columns(values, parse_json(stored["custom_fields"], {})) | {"date_modified": now}
    conn.execute(update(_companies).where(*_key(account_id, company_id)).values(columns))
    return get_company(conn, account_id, company_id)


def delete_company(conn: Connection, account_id: int, company_id: int) -> dict[str, Any]:
    _row(conn, account_id, company_id)
    conn.execute(_companies.delete().where(*_key(account_id, company_id)))
    _unlink_people(conn, account_id, company_id)
    o = schema.opportunities
    conn.execute(
        update(o)
        .where(o.c.account_id == account_id, o.c.company_id == company_id)
        .values(company_id=None)
    )
    return {"id": company_id, "is_deleted": True}


def _unlink_people(conn: Connection, account_id: int, company_id: int) -> None:
    """People of a deleted company get no company; their counter moves to "none"."""
    p = schema.people
    result = conn.execute(
        update(p)
        .where(p.c.account_id == account_id, p.c.company_id == company_id)
        .values(company_id=None)
    )
    moved = result.rowcount
    if moved:
        person = RecordType.PERSON
        change_counts(
            conn, account_id, person, Counter({("company_id", str(company_id)): moved}), -1
        )
        change_counts(conn, account_id, person, Counter({("company_id", ""): moved}), +1)


def _key(account_id: int, company_id: int) -> tuple[Any, Any]:
    if not payload.fits(company_id):
        raise NotFound(f"company {company_id} not found")
    return (_companies.c.account_id == account_id, _companies.c.id == company_id)


def _row(conn: Connection, account_id: int, company_id: int) -> Mapping[str, Any]:
    row = conn.execute(select(_companies).where(*_key(account_id, company_id))).first()
    if row is None:
        raise NotFound(f"company {company_id} not found")
    return row._asdict()


def load_companies(conn: Connection, account_id: int, ids: Sequence[int]) -> list[Record]:
    """Rendered companies in the order of `ids`; ids not in the account are skipped."""
    ids = [i for i in ids if payload.fits(i)]
    if not ids:
        return []
    query = select(_companies).where(_companies.c.account_id == account_id,
                                     _companies.c.id.in_(list(ids)))  # fmt: skip
    rows = {row.id: row._asdict() for row in conn.execute(query)}
    definitions = custom_field_definitions(conn, account_id) if rows else []
    return [render_company(rows[i], definitions) for i in ids if i in rows]


def get_company(conn: Connection, account_id: int, company_id: int) -> Record:
    found = load_companies(conn, account_id, [company_id])
    if not found:
        raise NotFound(f"company {company_id} not found")
    return found[0]


def parse_search(body: Mapping[str, Any], page: Page) -> CompanySearch:
    name = payload.text(body, "name")
    return CompanySearch(page, tuple(payload.id_list(body, "ids")), name or None)


def search_companies(
    conn: Connection, account_id: int, search: CompanySearch
) -> tuple[list[Record], int]:
    """A page of companies and the capped total. `name` matches case-insensitively as a
    substring of the company's name."""
    c = _companies
    query = select(c.c.id).where(c.c.account_id == account_id)
    if search.ids:
        query = query.where(c.c.id.in_(search.ids))
    if search.name is not None:
        query = query.where(c.c.name_key.contains(search.name.casefold(), autoescape=True))
    column = c.c.name_key if search.page.sort_by == "name" else c.c[search.page.sort_by or "name"]
    query = query.order_by(*order(column, search.page.descending), c.c.id)
    ids, total = page_ids(conn, query, search.page)
    return load_companies(conn, account_id, ids), total
