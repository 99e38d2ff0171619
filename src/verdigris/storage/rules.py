"""What one record type adds to the generic writes of writes.py: hooks that run inside
the write's transaction. The base hooks do nothing; each type's module (people.py,
leads.py, opportunities.py, tasks.py) overrides the ones it needs."""

from __future__ import annotations

from sqlalchemy import Connection

from verdigris.domain.types import Record
from verdigris.parsing.records import Changes


class Rules:
    def prepare(
        self, conn: Connection, account_id: int, old: Record | None, new: Record,
        changes: Changes, now: int,
    ) -> None:  # fmt: skip
        """Complete or check `new` before it is stored (`old` is None on create)."""

    def after_write(
        self, conn: Connection, account_id: int, record: Record, changes: Changes, now: int
    ) -> None:
        """Store what lives outside the record's rows (an opportunity's related people)."""

    def after_delete(self, conn: Connection, account_id: int, old: Record) -> None:
        """Drop or unlink what referred to the deleted record."""
