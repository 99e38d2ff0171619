"""The middle stage of a load: checks each record of a batch, completes its derived
fields and projects it into rows of every table (storage/projection.py, as HTTP writes
do); keeps the account's counters until its end."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import orjson

from verdigris.domain.declarations import BY_PLURAL, declaration
from verdigris.domain.declarations.fields import Ref
from verdigris.domain.names import complete_names, has_parts
from verdigris.domain.types import Record, RecordType
from verdigris.errors import SnapshotError
from verdigris.snapshot import commands as c
from verdigris.snapshot import format as fmt
from verdigris.snapshot.fast import (
    custom_fields_plainly_valid,
    fast_kinds,
    may_hold_nul,
    plainly_valid,
)
from verdigris.snapshot.reader import record_name
from verdigris.snapshot.record_checks import record_check
from verdigris.storage.bulk import CounterKey
from verdigris.storage.projection import project

Emit = Callable[[c.Command], None]


class Mapper:
    def __init__(self, emit: Emit, now: int) -> None:
        self.emit = emit
        self.now = now
        self.account_id = 0
        self.label = ""
        self.refs = fmt.AccountRefs()
        self.default_status: int | None = None
        self.types: dict[int, str] = {}
        self.references: dict[RecordType, dict[str, set[int]]] = {}
        self.counts: dict[CounterKey, int] = {}

    def apply(self, command: c.Command) -> None:
        match command:
            case ("records", where, section, position, text, duplicate, done):
                command = self._rows(where, section, position, text, duplicate, done)
            case ("open", where, account_id, _, sections, _):
                self._open(where, account_id, sections)
            case ("end", *_):
                command = (*command, self.counts)
        self.emit(command)

    def _open(self, label: str, account_id: int, sections: dict[str, Any]) -> None:
        self.label, self.account_id = label, account_id
        self.refs = fmt.account_refs(sections)
        statuses = sorted(sections.get("lead_statuses") or [], key=lambda s: s.get("order") or 0)
        default = [s for s in statuses if s.get("is_default")] or statuses
        self.default_status = default[0]["id"] if default else None
        definitions = sections.get("custom_field_definitions") or ()
        self.types = {d["id"]: d["data_type"] for d in definitions}
        self.references = {}
        self.counts = {}

    def _references(self, record_type: RecordType) -> dict[str, set[int]]:
        """Reference -> the ids it may name, for references to the account's sections
        (references to people are checked by the reader, across records)."""
        found = self.references.get(record_type)
        if found is None:
            fields = declaration(record_type).fields
            refs = [f for f in fields if isinstance(f, Ref) and f.target != "people"]
            ids = self.refs.ids
            found = self.references[record_type] = {r.name: ids.get(r.target, set()) for r in refs}
        return found

    def _rows(
        self,
        where: str,
        section: str,
        position: int,
        text: bytes,
        duplicate: c.Duplicate,
        done: int,
    ) -> c.Command:
        record_type = BY_PLURAL[section].record_type
        records = orjson.loads(text)
        if may_hold_nul(text) or not self._plainly_valid(record_type, records):
            for i, record in enumerate(records):
                error = self._error(record_type, record)
                if error:
                    raise SnapshotError(
                        record_name(self.label, section, position + i, record) + error
                    )
        if duplicate is not None:
            i, error = duplicate
            raise SnapshotError(record_name(self.label, section, position + i, records[i]) + error)
        for record in records:
            self._complete(record_type, record)
        projection = project(self.account_id, record_type, records, self.types)
        kind = int(record_type)
        for (name, value), n in projection.counts().items():
            key = (kind, name, value)
            self.counts[key] = self.counts.get(key, 0) + n
        return c.rows(where, section, len(records), projection.tables(), done)

    def _plainly_valid(self, record_type: RecordType, records: list[Any]) -> bool:
        """True when no record of the batch has anything wrong on its own (the fast
        path: whole columns at a time; `_error` then finds nothing)."""
        kinds = fast_kinds(record_type)
        if kinds is None or not plainly_valid(records, kinds):
            return False
        for key, known in self._references(record_type).items():
            values = {r.get(key) for r in records}
            values.discard(None)
            if not values <= known:
                return False
        followers = {u for r in records for u in r.get("followers") or ()}
        lists = [r.get("custom_fields") for r in records]
        return (
            followers <= self.refs.users
            and custom_fields_plainly_valid(self.refs, record_type.api_name, lists)
            and not any(map(name_error, (r for r in records if not _has_name(r))))
        )

    def _error(self, record_type: RecordType, record: Any) -> str | None:
        """What is wrong with the record on its own (its type, names, references)."""
        return (
            record_check(record_type)(record)
            or name_error(record)
            or fmt.refs_error(record, self._references(record_type))
            or fmt.custom_fields_error(self.refs, record_type.api_name, record.get("custom_fields"))
            or followers_error(self.refs.users, record.get("followers"))
        )

    def _complete(self, record_type: RecordType, record: Record) -> None:
        """Names from their parts (or parts from the name), default status and dates."""
        complete_names(record)
        if record.get("date_created") is None:
            record["date_created"] = self.now
        if record_type is RecordType.LEAD and record.get("status_id") is None:
            record["status_id"] = self.default_status


def _has_name(record: Record) -> bool:
    name = record.get("name")
    return type(name) is str and bool(name.strip())


def name_error(record: Record) -> str | None:
    name = record.get("name")
    if (isinstance(name, str) and name.strip()) or has_parts(record):
        return None
    return ".name: a name (or first_name / last_name) is required"


def followers_error(users: set[int], followers: Sequence[int] | None) -> str | None:
    for i, user_id in enumerate(followers or ()):
        if user_id not in users:
            return f".followers[{i}]: user {user_id} is not in this account"
    return None
