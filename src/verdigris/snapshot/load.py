"""Load a snapshot file in one transaction (interim, non-streaming version)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Connection, Engine, delete

from verdigris.domain.names import has_parts, join_name
from verdigris.domain.types import RecordType
from verdigris.storage import schema
from verdigris.storage.accounts import hash_token
from verdigris.storage.engine import write
from verdigris.storage.indexing import insert_records
from verdigris.storage.projection import dumps


@dataclass
class LoadSummary:
    accounts: int = 0
    people: int = 0
    leads: int = 0


def load_snapshot(
    engine: Engine,
    source: Path | BinaryIO,
    *,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
) -> LoadSummary:
    if isinstance(source, Path):
        with source.open("rb") as f:
            data = json.load(f)
    else:
        data = json.load(source)
    summary = LoadSummary()
    with write(engine) as conn:
        for account in data["accounts"]:
            _load_account(conn, account, replace)
            summary.accounts += 1
            summary.people += len(account.get("people") or [])
            summary.leads += len(account.get("leads") or [])
    return summary


def _load_account(conn: Connection, account: dict[str, Any], replace: bool) -> None:
    aid = account["id"]
    now = int(time.time())
    conn.execute(schema.id_sequences.delete().where(schema.id_sequences.c.account_id == aid))
    conn.execute(schema.accounts.insert(), {"id": aid, "name": account["name"]})
    for user in account.get("users") or []:
        conn.execute(schema.users.insert(), {"account_id": aid, "id": user["id"], "name": user.get("name"),
            "email": user["email"], "email_key": user["email"].casefold()})
        hashes = [hash_token(t) for t in user.get("api_tokens") or []] + list(user.get("api_token_hashes") or [])
        for h in hashes:
            conn.execute(schema.api_tokens.insert(), {"token_hash": h, "account_id": aid, "user_id": user["id"], "created_at": now})
    for name in ("contact_types", "customer_sources"):
        rows = [{"account_id": aid, "id": r["id"], "name": r["name"]} for r in account.get(name) or []]
        if rows:
            conn.execute(getattr(schema, name).insert(), rows)
    statuses = account.get("lead_statuses") or []
    if statuses:
        conn.execute(schema.lead_statuses.insert(), [{"account_id": aid, "id": r["id"], "name": r["name"],
            "order": r.get("order", 0), "is_default": bool(r.get("is_default", False))} for r in statuses])
    rows = [{"account_id": aid, **{k: r[k] for k in ("id", "category", "name", "count_as_interaction")}}
            for r in account.get("activity_types") or []]
    if rows:
        conn.execute(schema.activity_types.insert(), rows)
    types: dict[int, str] = {}
    for d in account.get("custom_field_definitions") or []:
        types[d["id"]] = d["data_type"]
        conn.execute(schema.custom_field_definitions.insert(), {"account_id": aid, "id": d["id"], "name": d["name"],
            "data_type": d["data_type"], "available_on": dumps(d["available_on"])})
        for o in d.get("options") or []:
            conn.execute(schema.custom_field_options.insert(), {"account_id": aid, "definition_id": d["id"],
                "id": o["id"], "name": o["name"], "rank": o.get("rank", 0)})
    companies = {}
    for c in account.get("companies") or []:
        companies[c["id"]] = c["name"]
        conn.execute(schema.companies.insert(), {"account_id": aid, "id": c["id"], "name": c["name"],
            "name_key": c["name"].casefold(), "date_created": c.get("date_created", now), "date_modified": c.get("date_modified", now)})
    for o in account.get("opportunities") or []:
        conn.execute(schema.opportunities.insert(), {"account_id": aid, "id": o["id"], "name": o["name"],
            "name_key": o["name"].casefold(), "primary_contact_id": o.get("primary_contact_id"),
            "date_created": o.get("date_created", now), "date_modified": o.get("date_modified", now)})
        for pid in o.get("related_people") or []:
            conn.execute(schema.opportunity_people.insert(), {"account_id": aid, "opportunity_id": o["id"], "person_id": pid})
    status_names = {s["id"]: s["name"] for s in statuses}
    people = [_derive(p) | {"company_name": companies.get(p.get("company_id"))} for p in account.get("people") or []]
    leads = [_derive(r) | {"status": status_names.get(r.get("status_id"))} for r in account.get("leads") or []]
    insert_records(conn, aid, RecordType.PERSON, people, types)
    insert_records(conn, aid, RecordType.LEAD, leads, types)
    for kind, records in ((RecordType.PERSON, people), (RecordType.LEAD, leads)):
        rows = [{"account_id": aid, "record_type": int(kind), "user_id": u, "record_id": r["id"]}
                for r in records for u in r.get("followers") or []]
        if rows:
            conn.execute(schema.followers.insert(), rows)


def _derive(record: dict[str, Any]) -> dict[str, Any]:
    if has_parts(record):
        return record | {"name": join_name(record.get("first_name"), record.get("middle_name"),
                                           record.get("last_name"), record.get("suffix"))}
    return dict(record)
