"""Rows of an account's lookup sections in a snapshot (users and their tokens, lookups,
custom field definitions, an opportunity's related people), table by table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Table

from verdigris.domain.types import RecordType
from verdigris.storage import schema, webhook_tables
from verdigris.storage.accounts import hash_token
from verdigris.storage.columns import dumps
from verdigris.storage.lookup_rows import activity_type_rows, pipeline_rows


def header_rows(
    account_id: int, sections: Mapping[str, Any], now: int
) -> list[tuple[Table, list[dict[str, Any]]]]:
    """Rows of the account's small sections, table by table, in insert order."""
    base = {"account_id": account_id}
    users = sections.get("users") or []
    definitions = sections.get("custom_field_definitions") or []
    opportunities = sections.get("opportunities") or []
    return [
        (schema.users, [base | {"id": u["id"], "name": u.get("name") or u["email"],
                                "email": u["email"], "email_key": u["email"].strip().casefold()}
                        for u in users]),
        (schema.api_tokens, token_rows(account_id, users, now)),
        (schema.contact_types, _named(base, sections.get("contact_types"))),
        (schema.customer_sources, _named(base, sections.get("customer_sources"))),
        (schema.lead_statuses, [base | {"id": s["id"], "name": s["name"],
                                        "order": s.get("order") or 0,
                                        "is_default": bool(s.get("is_default"))}
                                for s in sections.get("lead_statuses") or []]),
        (schema.activity_types, activity_type_rows(account_id, sections.get("activity_types"))),
        *pipeline_rows(account_id, sections),
        (schema.custom_field_definitions, [base | {"id": d["id"], "name": d["name"],
                                                   "data_type": d["data_type"],
                                                   "available_on": dumps(d["available_on"])}
                                           for d in definitions]),
        (schema.custom_field_options, [base | {"definition_id": d["id"], "id": o["id"],
                                               "name": o["name"], "rank": o.get("rank") or 0}
                                       for d in definitions for o in d.get("options") or []]),
        (schema.relations, related_people_rows(account_id, opportunities)),
        (webhook_tables.webhooks, webhook_rows(account_id, sections.get("webhooks"), now)),
    ]  # fmt: skip


def webhook_rows(
    account_id: int, hooks: list[dict[str, Any]] | None, now: int
) -> list[dict[str, Any]]:
    return [
        {"account_id": account_id, "id": h["id"], "target": h["target"], "type": h["type"],
         "event": h["event"], "secret": dumps(h.get("secret") or {}),
         "headers": dumps(h.get("headers") or {}),
         "computed_values": bool(h.get("custom_field_computed_values")),
         "signing_secret": h.get("signing_secret"), "created_at": h.get("created_at") or now}
        for h in hooks or []
    ]  # fmt: skip


def relation_rows(account_id: int, relations: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Both directions of each relation of a snapshot's `relations` section."""
    rows = []
    for r in relations:
        kind, other = RecordType.from_api_name(r["type"]), RecordType.from_api_name(r["other_type"])
        base = {"account_id": account_id}
        rows.append(base | {"type": int(kind), "id": r["id"], "other_type": int(other),
                            "other_id": r["other_id"]})  # fmt: skip
        rows.append(base | {"type": int(other), "id": r["other_id"], "other_type": int(kind),
                            "other_id": r["id"]})  # fmt: skip
    return rows


def related_people_rows(
    account_id: int, opportunities: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """Both directions of each opportunity's related people (its primary contact's
    relation comes with the record itself, from projection.py)."""
    opportunity, person = int(RecordType.OPPORTUNITY), int(RecordType.PERSON)
    rows = []
    for o in opportunities:
        for p in sorted(set(o.get("related_people") or []) - {o.get("primary_contact_id")}):
            base = {"account_id": account_id}
            rows.append(base | {"type": opportunity, "id": o["id"], "other_type": person,
                                "other_id": p})  # fmt: skip
            rows.append(base | {"type": person, "id": p, "other_type": opportunity,
                                "other_id": o["id"]})  # fmt: skip
    return rows


def _named(base: dict[str, Any], rows: Any) -> list[dict[str, Any]]:
    return [base | {"id": r["id"], "name": r["name"]} for r in rows or []]


def token_rows(
    account_id: int, users: Iterable[Mapping[str, Any]], now: int
) -> list[dict[str, Any]]:
    """Plain tokens are hashed here; hashes from a dump are kept as they are."""
    return [
        {"token_hash": digest, "account_id": account_id, "user_id": u["id"], "created_at": now}
        for u in users
        for digest in sorted(
            {hash_token(t) for t in u.get("api_tokens") or []}
            | set(u.get("api_token_hashes") or [])
        )
    ]


def or_now(value: int | None, now: int) -> int:
    return now if value is None else value
