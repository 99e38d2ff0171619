"""What one record type adds to the generic writes of writes.py: hooks that run inside
the write's transaction. The base hooks do nothing; each type's module (people.py,
leads.py, opportunities.py, tasks.py) overrides the ones it needs."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from verdigris.domain.types import Record
from verdigris.errors import VerdigrisError
from verdigris.parsing.records import Changes


class Rules:
    def prepare(
        self, conn: Connection, account_id: int, old: Record | None, new: Record,
        changes: Changes, now: int,
    ) -> None:  # fmt: skip
        """Complete or check `new` before it is stored (`old` is None on create)."""

    def prepare_new(
        self, conn: Connection, account_id: int, records: Sequence[Record],
        bodies: Sequence[Changes], now: int,
    ) -> list[VerdigrisError | None]:  # fmt: skip
        """`prepare` of many new records (a bulk create): each one's error, or None."""
        errors: list[VerdigrisError | None] = []
        for record, changes in zip(records, bodies, strict=True):
            try:
                self.prepare(conn, account_id, None, record, changes, now)
                errors.append(None)
            except VerdigrisError as error:
                errors.append(error)
        return errors

    def claim(self, record: Record, claimed: dict[str, int]) -> None:
        """Within one bulk create, whose items are checked before any is stored: 422
        when `record` takes a value unique in the account that an earlier item took (its
        id in `claimed`); else note the record's unique values there."""

    def after_write(
        self, conn: Connection, account_id: int, record: Record, changes: Changes, now: int
    ) -> None:
        """Store what lives outside the record's rows (an opportunity's related people)."""

    def after_delete(self, conn: Connection, account_id: int, old: Record) -> None:
        """Drop or unlink what referred to the deleted record."""
