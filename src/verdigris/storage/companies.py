"""Companies' own rules: a deleted company's people and opportunities lose their
`company_id` (cascade.py)."""

from __future__ import annotations

from sqlalchemy import Connection

from verdigris.domain.types import Record, RecordType
from verdigris.storage.cascade import forget_record
from verdigris.storage.rules import Rules

COMPANY = RecordType.COMPANY


class CompanyRules(Rules):
    def after_delete(self, conn: Connection, account_id: int, old: Record) -> None:
        forget_record(conn, account_id, COMPANY, old)
