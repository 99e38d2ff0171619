"""Load a snapshot file: streamed in batches, validated record by record, one transaction.

A broken file changes nothing: the SnapshotError names the account, the record (by
position and id) and the field. Ids, timestamps, interaction counts and contact dates
are kept as given; `name` (from its parts), and the default lead status are derived.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from verdigris.domain.names import has_parts, join_name, split_name
from verdigris.domain.text import match_key
from verdigris.domain.types import Record, RecordType
from verdigris.errors import SnapshotError
from verdigris.snapshot import format as fmt
from verdigris.snapshot.stream import Piece, read_pieces
from verdigris.storage.bulk import BulkWriter, database_errors
from verdigris.storage.engine import write

if TYPE_CHECKING:
    from sqlalchemy import Engine

BATCH = 5_000
DROP_INDEXES_AFTER = 20_000
"""Records loaded before the big tables' secondary indexes are dropped and rebuilt
at the end: cheaper for big files, pointless (and slow on a big database) for small."""


@dataclass
class LoadSummary:
    accounts: list[int] = field(default_factory=list)
    people: int = 0
    leads: int = 0
    seconds: float = 0.0


def load_snapshot(
    engine: Engine,
    source: Path | str | BinaryIO,
    *,
    replace: bool = False,
    progress: Callable[[int], None] | None = None,
    batch: int = BATCH,
) -> LoadSummary:
    """Load every account of the file; `progress` gets the bytes read so far.

    An account id already in the database is an error unless `replace`, which first
    deletes all of that account's rows (in the same transaction).
    """
    started = time.perf_counter()
    with _opened(source) as stream, write(engine) as conn:
        loader = _Loader(BulkWriter(conn), replace)
        with database_errors(loader.where):
            for piece in read_pieces(stream, batch, progress):
                loader.take(piece)
            loader.finish()
    loader.summary.seconds = time.perf_counter() - started
    return loader.summary


@contextmanager
def _opened(source: Path | str | BinaryIO) -> Iterator[BinaryIO]:
    if isinstance(source, str | Path):
        with Path(source).open("rb") as stream:
            yield stream
    else:
        yield source


@dataclass
class _Account:
    index: int
    sections: dict[str, Any] = field(default_factory=dict)
    opened: bool = False
    refs: fmt.AccountRefs = field(default_factory=fmt.AccountRefs)
    types: dict[int, str] = field(default_factory=dict)
    default_status: int | None = None
    ids: dict[str, set[int]] = field(default_factory=lambda: {"people": set(), "leads": set()})
    emails: set[str] = field(default_factory=set)
    person_refs: dict[int, str] = field(default_factory=dict)
    counts: dict[RecordType, Counter[tuple[str, str]]] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    where: str = ""

    @property
    def id(self) -> int:
        return int(self.sections["id"])

    @property
    def label(self) -> str:
        if type(self.sections.get("id")) is int:
            return f"accounts[{self.index}] (id {self.sections['id']})"
        return f"accounts[{self.index}]"


class _Loader:
    def __init__(self, writer: BulkWriter, replace: bool) -> None:
        self.writer = writer
        self.replace = replace
        self.account: _Account | None = None
        self.format_seen = False
        self.loaded = 0
        self.summary = LoadSummary()

    def where(self) -> str:
        return self.account.where or self.account.label if self.account else "snapshot"

    def take(self, piece: Piece) -> None:
        if piece.kind == "format":
            if piece.value != fmt.FORMAT:
                raise SnapshotError(f"snapshot.format: expected {fmt.FORMAT!r}")
            self.format_seen = True
        elif piece.account < 0:
            kind = "is required" if piece.value is None else "expected a list"
            raise SnapshotError(f"snapshot.accounts: {kind}")
        elif piece.kind == "end":
            self._end(self._current(piece))
        elif piece.kind == "records":
            self._records(self._current(piece), piece)
        else:
            self._field(self._current(piece), piece.key, piece.value)

    def _current(self, piece: Piece) -> _Account:
        if self.account is None or self.account.index != piece.account:
            self.account = _Account(piece.account)
        return self.account

    def finish(self) -> None:
        if not self.format_seen:
            raise SnapshotError(f"snapshot.format: is required ({fmt.FORMAT!r})")
        self.account = None
        if self.writer.dropped:
            self.writer.restore_indexes()
        self.writer.analyze()

    def _field(self, account: _Account, key: str, value: Any) -> None:
        label = account.label
        if key == "":
            raise SnapshotError(f"{label}: expected an object")
        if key in fmt.RECORD_SECTIONS:
            if value is not None:
                raise SnapshotError(f"{label}.{key}: expected a list")
            return
        if key not in fmt.ACCOUNT_SCALARS and key not in fmt.SECTIONS:
            raise SnapshotError(f"{label}.{key}: unknown key")
        if account.opened:
            raise SnapshotError(f"{label}.{key}: must come before people and leads")
        scalar = fmt.ACCOUNT_SCALARS.get(key)
        error = scalar(value) if scalar else fmt.section_error(key, value)
        if error:
            raise SnapshotError(f"{label}.{key}{error}")
        account.sections[key] = value

    def _open(self, account: _Account) -> None:
        """Check the header and write it: the records' references need it."""
        if account.opened:
            return
        for key in ("id", "name"):
            if key not in account.sections:
                raise SnapshotError(f"{account.label}.{key}: is required (before people and leads)")
        if self.writer.account_exists(account.id):
            if not self.replace:
                raise SnapshotError(
                    f"{account.label}: account {account.id} already exists (load with --replace)"
                )
            self.writer.delete_account(account.id)
        if account.id in self.summary.accounts:
            raise SnapshotError(f"{account.label}.id: duplicate account id {account.id}")
        account.opened = True
        _prepare(account)
        self.writer.insert_header(account.id, account.sections["name"], account.sections)

    def _records(self, account: _Account, piece: Piece) -> None:
        self._open(account)
        if self.loaded >= DROP_INDEXES_AFTER:
            self.writer.drop_indexes()
        record_type = RecordType.PERSON if piece.key == "people" else RecordType.LEAD
        records = [
            _checked(account, record_type, piece.key, piece.position + offset, record)
            for offset, record in enumerate(piece.value)
        ]
        account.where = (
            f"{account.label}.{piece.key}[{piece.position}:{piece.position + len(records)}]"
        )
        counts, tokens = self.writer.insert_records(account.id, record_type, records, account.types)
        account.where = ""
        account.counts.setdefault(record_type, Counter()).update(counts)
        account.tokens |= tokens
        self.loaded += len(records)
        if record_type is RecordType.PERSON:
            self.summary.people += len(records)
        else:
            self.summary.leads += len(records)

    def _end(self, account: _Account) -> None:
        self._open(account)
        for person_id, where in sorted(account.person_refs.items()):
            if person_id not in account.ids["people"]:
                raise SnapshotError(f"{where}: person {person_id} is not in this account")
        self.writer.finish_account(account.id, account.counts, account.tokens)
        self.summary.accounts.append(account.id)
        self.account = None


def _prepare(account: _Account) -> None:
    """Reference sets and derived lookups of a checked header."""
    sections = account.sections
    account.refs = fmt.account_refs(sections)
    account.types = {i: d.data_type for i, d in account.refs.custom_fields.items()}
    statuses = sorted(sections.get("lead_statuses") or [], key=lambda s: s.get("order") or 0)
    default = [s for s in statuses if s.get("is_default")] or statuses
    account.default_status = default[0]["id"] if default else None
    for i, opportunity in enumerate(sections.get("opportunities") or []):
        where = f"{account.label}.opportunities[{i}] (id {opportunity['id']})"
        if opportunity.get("primary_contact_id") is not None:
            account.person_refs.setdefault(opportunity["primary_contact_id"], where)
        for person_id in opportunity.get("related_people") or []:
            account.person_refs.setdefault(person_id, f"{where}.related_people")


def _checked(
    account: _Account, record_type: RecordType, section: str, position: int, record: Any
) -> Record:
    """The record with its derived fields, or SnapshotError naming it and the field."""
    error = _record_error(account, record_type, section, record)
    if error:
        has_id = type(record) is dict and type(record.get("id")) is int
        name = f"{account.label}.{section}[{position}]" + (
            f" (id {record['id']})" if has_id else ""
        )
        raise SnapshotError(name + error)
    if record_type is RecordType.LEAD and record.get("converted_contact_id") is not None:
        where = f"{account.label}.{section}[{position}] (id {record['id']}).converted_contact_id"
        account.person_refs.setdefault(record["converted_contact_id"], where)
    return _derived(account, record_type, record)


def _record_error(
    account: _Account, record_type: RecordType, section: str, record: Any
) -> str | None:
    shape = fmt.PERSON if record_type is RecordType.PERSON else fmt.LEAD
    error = shape(record)
    if error:
        return error
    refs = account.refs
    references = {"assignee_id": refs.users, "company_id": refs.companies,
                  "contact_type_id": refs.contact_types}  # fmt: skip
    if record_type is RecordType.LEAD:
        references = {"assignee_id": refs.users, "customer_source_id": refs.customer_sources,
                      "status_id": refs.lead_statuses,
                      "converted_opportunity_id": refs.opportunities}  # fmt: skip
    error = (
        _name_error(record)
        or fmt.refs_error(record, references)
        or fmt.custom_fields_error(refs, record_type.api_name, record.get("custom_fields"))
        or _followers_error(refs.users, record.get("followers"))
    )
    return error or _unique_error(account, section, record)


def _name_error(record: Record) -> str | None:
    name = record.get("name")
    if (isinstance(name, str) and name.strip()) or has_parts(record):
        return None
    return ".name: a name (or first_name / last_name) is required"


def _followers_error(users: set[int], followers: Sequence[int] | None) -> str | None:
    for i, user_id in enumerate(followers or ()):
        if user_id not in users:
            return f".followers[{i}]: user {user_id} is not in this account"
    return None


def _unique_error(account: _Account, section: str, record: Record) -> str | None:
    ids = account.ids[section]
    if record["id"] in ids:
        return f".id: duplicate id {record['id']}"
    ids.add(record["id"])
    if section != "people":
        return None
    keys = [match_key(entry["email"]) for entry in record.get("emails") or ()]
    for i, key in enumerate(keys):
        if key in account.emails:
            return f".emails[{i}].email: {key!r} is already another person's email"
    account.emails.update(k for k in keys if k)
    return None


def _derived(account: _Account, record_type: RecordType, record: Record) -> Record:
    """Name from its parts (or parts from the name), default status, default dates."""
    if has_parts(record):
        name = join_name(
            record.get("first_name"), record.get("middle_name"),
            record.get("last_name"), record.get("suffix"),
        )  # fmt: skip
        record["name"] = name
    else:
        record["first_name"], record["last_name"] = split_name(record["name"])
    if record.get("date_created") is None:
        record["date_created"] = int(time.time())
    if record.get("date_modified") is None:
        record["date_modified"] = record["date_created"]
    if record_type is RecordType.LEAD and record.get("status_id") is None:
        record["status_id"] = account.default_status
    return record
