"""Hand-written SQL of each benchmark request: the baseline the server is measured against.

`plan(body)` turns a request body (only the filters the variants use) into the page
query, the row query and the capped count, written by hand against storage/schema.py;
`run` executes them on one connection and returns (ids, total). It shares nothing with
src/verdigris/search/ except the text rules of domain/text.py (tokens, edit budget).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from verdigris.domain.declarations.fields import ADDRESS_KEYS
from verdigris.domain.text import (
    deletion_variants,
    edit_budget,
    match_key,
    name_tokens,
    osa_distance,
    phone_digits,
)

CAP = 100_000
FEW = 10_000
"""At most this many matches: sort the matches (found through the filter's index) rather
than walk the sort key's index and test each record (SQLite then needs the hint)."""
RECORD_TYPE = {"people": 1, "leads": 2}
DEFAULT_SORT = {"people": "first_name", "leads": "name"}
SORT_COLUMNS = {
    "name": "name_key",
    "first_name": "first_name_key",
    "last_name": "last_name_key",
    "title": "title_key",
    "email": "email_key",
    "phone": "phone_key",
    "socials": "socials_key",
    "city": "city_key",
    "state": "state_key",
    "country": "country_key",
    "zip": "zip_key",
    "company_name": "company_name_key",
    "value": "monetary_value",
    "date_modified": "date_modified",
    "date_created": "date_created",
    "interaction_count": "interaction_count",
    "date_last_contacted": "date_last_contacted",
    "inactive_days": "date_last_contacted",
}
RANGES = {
    "interaction_count": "interaction_count",
    "interaction_date": "date_last_contacted",
    "created_date": "date_created",
    "modified_date": "date_modified",
    "monetary_value": "monetary_value",
    "status_change_date": "date_status_changed",
}
ID_FILTERS = {
    "assignee_ids": "assignee_id",
    "contact_type_ids": "contact_type_id",
    "company_ids": "company_id",
    "customer_source_ids": "customer_source_id",
    "status_ids": "status_id",
}
CHILD = (
    "id IN (SELECT record_id FROM {table} WHERE account_id = :a AND record_type = :t AND {cond})"
)


@dataclass
class Query:
    """The WHERE clause of one request and its parameters."""

    table: str
    where: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    empty: bool = False  # known to match nothing (a name with no matching token)
    sqlite: bool = False

    def bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def binds(self, values: list[Any]) -> str:
        return ", ".join(self.bind(v) for v in values)


@dataclass
class Plan:
    """Page, rows and count statements of one request."""

    query: Query
    page_sql: str
    few_sql: str  # the same page, sorting the matches instead of walking the sort index
    count_sql: str
    limit: int
    offset: int


def plan(
    conn: Connection, record: str, body: dict[str, Any], account: int, user: int, now: int
) -> Plan:
    q = Query(record, ["account_id = :a"], {"a": account, "t": RECORD_TYPE[record], "u": user})
    q.sqlite = conn.dialect.name == "sqlite"
    if record == "leads" and not body.get("include_converted_leads"):
        q.where.append("is_converted = " + q.bind(False))
    _filters(conn, q, body, now)
    where = " AND ".join(q.where)
    size = int(body.get("page_size", 20))
    offset = (int(body.get("page_number", 1)) - 1) * size
    limit = max(0, min(size, CAP - offset))
    count_sql = f"SELECT count(*) FROM (SELECT 1 FROM {record} WHERE {where} LIMIT {CAP + 1}) AS c"
    hint = conn.dialect.name == "sqlite"
    return Plan(
        q, _page_sql(record, where, body), _page_sql(record, where, body, hint), count_sql,
        limit, offset,
    )  # fmt: skip


def _page_sql(record: str, where: str, body: dict[str, Any], hint: bool = False) -> str:
    """Records with a value in key order, then those without in id order (SPEC 3).

    Each part stops at offset + limit rows (:reach), so an index in key order ends the
    scan early; the outer query merges the two parts and cuts the page.
    """
    key = str(body.get("sort_by") or DEFAULT_SORT[record])
    column = SORT_COLUMNS[key]
    desc = str(body.get("sort_direction", "asc")).lower() == "desc"
    if key == "inactive_days":
        desc = not desc
    order = " DESC" if desc else ""
    sort = f"+{column}" if hint else column  # SQLite: unary + keeps the index out of ORDER BY
    return (
        f"SELECT g, k, id FROM (SELECT * FROM (SELECT 0 AS g, {column} AS k, id FROM {record}"
        f" WHERE {where} AND {sort} IS NOT NULL ORDER BY {sort}{order}, id LIMIT :reach) AS a"
        f" UNION ALL SELECT * FROM (SELECT 1 AS g, {column} AS k, id FROM {record}"
        f" WHERE {where} AND {sort} IS NULL ORDER BY id LIMIT :reach) AS b) AS u"
        f" ORDER BY g, k{order}, id LIMIT :limit OFFSET :offset"
    )


def run(conn: Connection, p: Plan) -> tuple[list[int], int, int]:
    """(page ids, X-PW-TOTAL, rows loaded): capped count, page ids, their full rows."""
    if p.query.empty or p.limit == 0:
        total = 0 if p.query.empty else _count(conn, p)
        return [], total, 0
    total = _count(conn, p)
    params = {**p.query.params, "limit": p.limit, "offset": p.offset, "reach": p.offset + p.limit}
    page_sql = p.few_sql if total <= FEW else p.page_sql
    ids = [row[2] for row in conn.execute(text(page_sql), params)]
    rows = 0
    if ids:
        marks = ", ".join(str(int(i)) for i in ids)
        rows = len(
            conn.execute(
                text(f"SELECT * FROM {p.query.table} WHERE account_id = :a AND id IN ({marks})"),
                {"a": p.query.params["a"]},
            ).all()
        )
    return ids, total, rows


def _count(conn: Connection, p: Plan) -> int:
    return min(CAP, int(conn.execute(text(p.count_sql), p.query.params).scalar_one()))


def _filters(conn: Connection, q: Query, body: dict[str, Any], now: int) -> None:
    for key, value in body.items():
        if value is None or key in ("page_size", "page_number", "sort_by", "sort_direction"):
            continue
        if key in ID_FILTERS:
            _id_list(q, ID_FILTERS[key], value)
        elif key in ("city", "state", "postal_code", "country"):
            _address(q, key, value)
        elif key.startswith(("minimum_", "maximum_")):
            bound, _, name = key.partition("_")
            op = ">=" if bound == "minimum" else "<="
            q.where.append(f"{RANGES[name]} {op} {q.bind(value)}")
        else:
            _other(conn, q, key, value, now)


def _other(conn: Connection, q: Query, key: str, value: Any, now: int) -> None:
    if key == "ids":
        q.where.append(f"id IN ({q.binds(value)})")
    elif key == "name":
        _name(conn, q, value)
    elif key == "phone_number":
        q.where.append(
            CHILD.format(table="record_phones", cond=f"digits = {q.bind(phone_digits(value))}")
        )
    elif key == "emails":
        emails = [match_key(e) for e in ([value] if isinstance(value, str) else value)]
        q.where.append(
            CHILD.format(table="record_emails", cond=f"email_key IN ({q.binds(emails)})")
        )
    elif key == "socials":
        urls = [match_key(u) for u in value]
        q.where.append(CHILD.format(table="record_socials", cond=f"url_key IN ({q.binds(urls)})"))
    else:
        _more(conn, q, key, value, now)


def _more(conn: Connection, q: Query, key: str, value: Any, now: int) -> None:
    if key == "tags":
        _tags(q, value)
    elif key == "followed":
        sub = CHILD.format(table="followers", cond="user_id = :u")
        q.where.append(sub if value == 1 else f"NOT ({sub})")
    elif key == "age":
        q.where.append(f"date_created >= {q.bind(now - int(value))}")
    elif key == "opportunity_ids":
        marks = q.binds(value)
        q.where.append(
            f"id IN (SELECT other_id FROM relations WHERE account_id = :a AND type = 4"
            f" AND id IN ({marks}) AND other_type = 1)"
        )
    elif key == "custom_fields":
        for entry in value:
            _custom_field(conn, q, entry)


def _id_list(q: Query, column: str, ids: list[int]) -> None:
    real = [i for i in ids if i != -2]
    terms = [f"{column} IN ({q.binds(real)})"] if real else []
    if -2 in ids:
        terms.append(f"{column} IS NULL")
    q.where.append("(" + " OR ".join(terms) + ")")


def _address(q: Query, part: str, value: Any) -> None:
    """The sort key's index for values without spaces around them, the partial index of
    the match key for the others; SQLite will not OR the two, so it takes ids of each."""
    key, match = ADDRESS_KEYS[part]
    spec = value if isinstance(value, dict) else {"value": value}
    if spec.get("value") is None:
        q.where.append(f"{key} IS NULL")
        return
    v = q.bind(match_key(spec["value"]))
    cases = [f"{key} = {v}", f"({key} IS DISTINCT FROM {match} AND {match} = {v})"]
    if spec.get("allow_empty"):
        cases.append(f"{key} IS NULL")
    if q.sqlite:
        ids = [f"SELECT id FROM {q.table} WHERE account_id = :a AND {c}" for c in cases]
        q.where.append(f"id IN ({' UNION ALL '.join(ids)})")
    else:
        q.where.append("(" + " OR ".join(cases) + ")")


def _tags(q: Query, value: Any) -> None:
    spec = value if isinstance(value, dict) else {"value": value}
    tags = [match_key(t) for t in spec.get("value") or []]
    option = str(spec.get("option", "ANY")).upper()
    if option == "ALL":
        for tag in tags:
            q.where.append(CHILD.format(table="record_tags", cond=f"tag_key = {q.bind(tag)}"))
    else:
        sub = CHILD.format(table="record_tags", cond=f"tag_key IN ({q.binds(tags)})")
        q.where.append(sub if option == "ANY" else f"NOT ({sub})")


def _name(conn: Connection, q: Query, name: str) -> None:
    """Resolve the query's tokens to stored tokens within their edit budget, then match."""
    found: set[str] = set()
    for token in set(name_tokens(name)):
        budget = edit_budget(token)
        variants = sorted(deletion_variants(token, budget))
        rows = conn.execute(
            text(
                f"SELECT DISTINCT token FROM token_variants WHERE account_id = :a"
                f" AND variant IN ({', '.join(f':v{i}' for i in range(len(variants)))})"
            ),
            {"a": q.params["a"], **{f"v{i}": v for i, v in enumerate(variants)}},
        ).scalars()
        found |= {t for t in rows if osa_distance(token, t, budget) <= budget}
    if not found:
        q.empty = True
        return
    q.where.append(CHILD.format(table="name_tokens", cond=f"token IN ({q.binds(sorted(found))})"))


def _custom_field(conn: Connection, q: Query, entry: dict[str, Any]) -> None:
    definition = int(entry["custom_field_definition_id"])
    conds = [f"definition_id = {q.bind(definition)}"]
    value = entry.get("value")
    if "minimum_value" in entry:
        conds.append(f"value_number >= {q.bind(entry['minimum_value'])}")
    if "maximum_value" in entry:
        conds.append(f"value_number <= {q.bind(entry['maximum_value'])}")
    if isinstance(value, str):
        conds.append(f"value_text = {q.bind(value.casefold())}")
    elif isinstance(value, bool):
        conds.append("value_number = 1")
    elif isinstance(value, list):
        conds.append(f"value_number IN ({q.binds([float(v) for v in value])})")
    elif isinstance(value, int | float):
        conds.append(f"value_number = {q.bind(float(value))}")
    sub = CHILD.format(table="custom_field_values", cond=" AND ".join(conds))
    q.where.append(sub if value is not False else f"NOT ({sub})")
