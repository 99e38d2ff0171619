"""Companies' own rules: an email domain names one company of the account (Copper: "Email
domain is a unique key for Companies"); a deleted company's people and opportunities
lose their `company_id` (cascade.py, for every type)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from verdigris.domain.text import match_key
from verdigris.domain.types import Record, RecordType
from verdigris.errors import Unprocessable
from verdigris.parsing.records import Changes
from verdigris.storage import schema
from verdigris.storage.rules import Rules

COMPANY = RecordType.COMPANY


class CompanyRules(Rules):
    def prepare(
        self, conn: Connection, account_id: int, old: Record | None, new: Record,
        changes: Changes, now: int,
    ) -> None:  # fmt: skip
        domain = match_key(new["email_domain"])
        if domain is not None and (old is None or match_key(old["email_domain"]) != domain):
            require_free_domain(conn, account_id, domain, new["id"])

    def claim(self, record: Record, claimed: dict[str, int]) -> None:
        domain = match_key(record["email_domain"])
        if domain is None:
            return
        if domain in claimed:
            holder = claimed[domain]
            raise Unprocessable(f"email_domain: {domain!r} is already company {holder}'s domain")
        claimed[domain] = record["id"]


def require_free_domain(conn: Connection, account_id: int, domain: str, company_id: int) -> None:
    """422 when another company of the account has this (folded) email domain."""
    c = schema.companies
    holder = conn.execute(
        select(c.c.id)
        .where(c.c.account_id == account_id, c.c.email_domain_match == domain)
        .where(c.c.id != company_id)
        .limit(1)
    ).scalar()
    if holder is not None:
        raise Unprocessable(f"email_domain: {domain!r} is already company {holder}'s domain")
