"""Load a snapshot file: streamed in batches, validated record by record, one transaction.

A broken file changes nothing: the SnapshotError names the account, the record (by
position and id) and the field. Ids, timestamps, interaction counts and contact dates
are kept as given; `name` (from its parts), and the default lead status are derived.
"""

from __future__ import annotations

import gc
import marshal
import multiprocessing
import os
import time
import traceback
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from verdigris.domain.names import has_parts, join_name, split_name
from verdigris.domain.text import match_key
from verdigris.domain.types import Record, RecordType
from verdigris.errors import SnapshotError
from verdigris.snapshot import format as fmt
from verdigris.snapshot.stream import Piece, read_pieces
from verdigris.storage.bulk import (
    Batch,
    BulkWriter,
    bulk_transaction,
    counter_batch,
    database_errors,
    project_records,
    with_stored_custom_values,
)
from verdigris.storage.projection import counter_keys

if TYPE_CHECKING:
    from sqlalchemy import Engine

BATCH = 5_000
DROP_INDEXES_AFTER = 20_000
"""Records loaded before the big tables' secondary indexes are dropped and rebuilt
at the end: cheaper for big files, pointless (and slow on a big database) for small."""
PARALLEL_BYTES = 4 << 20
"""Files at least this big are read and checked in one worker process and projected
in another while this one writes (see _load_parallel)."""

Command = tuple[Any, ...]
"""What a stage asks of the next, as plain (marshal-able) data: ("open", where,
account id, name, sections), ("drop", where), ("records", where, section, checked
records, with their stored custom values: bulk.with_stored_custom_values) which the
projector turns into ("rows", where, section, record count, batches of table rows),
("end", where, account id) to which it adds the counter rows, ("finish", where),
("progress", bytes read)."""


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
    parallel: bool | None = None,
) -> LoadSummary:
    """Load every account of the file; `progress` gets the bytes read so far.

    An account id already in the database is an error unless `replace`, which first
    deletes all of that account's rows (in the same transaction). `parallel` (default:
    for files of PARALLEL_BYTES or more) reads in a forked worker process.
    """
    started = time.perf_counter()
    if parallel is None:
        parallel = _size(source) >= PARALLEL_BYTES
    run = _load_parallel if parallel else _load_inline
    with _without_cycle_collector():
        summary = run(engine, source, replace, progress, batch)
    summary.seconds = time.perf_counter() - started
    return summary


@contextmanager
def _without_cycle_collector() -> Iterator[None]:
    """Records are trees, freed by reference counting; the cycle collector would walk
    the growing heap every few hundred allocations (half the CPU time of a load)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _size(source: Path | str | BinaryIO) -> int:
    if isinstance(source, str | Path):
        return Path(source).stat().st_size
    try:
        return os.fstat(source.fileno()).st_size
    except (AttributeError, OSError, ValueError):  # BytesIO and the like
        return 0


def _load_inline(
    engine: Engine,
    source: Path | str | BinaryIO,
    replace: bool,
    progress: Callable[[int], None] | None,
    batch: int,
) -> LoadSummary:
    feed = lambda take: _read(source, batch, _Projector(take).apply)  # noqa: E731
    return _write(engine, replace, progress, feed)


def _load_parallel(
    engine: Engine,
    source: Path | str | BinaryIO,
    replace: bool,
    progress: Callable[[int], None] | None,
    batch: int,
) -> LoadSummary:
    """Three processes in a pipeline: a reader parses and checks records, a projector
    turns them into table rows, and this process writes the rows in one transaction.

    Each pipe holds about one message, so each stage works on the next batch while
    the one after it takes the last. The three cost about the same CPU per record
    (see 0302). Any error ends the workers and rolls the transaction back.
    """
    context = multiprocessing.get_context("fork")
    records_out, records_in = context.Pipe(duplex=False)
    rows_out, rows_in = context.Pipe(duplex=False)
    stages = [
        (partial(_read, source, batch), records_in, [records_out, rows_out, rows_in]),
        (partial(_project_stream, records_out), rows_in, [records_in, rows_out]),
    ]
    workers = [context.Process(target=_work, args=stage, daemon=True) for stage in stages]
    for worker in workers:
        worker.start()
    for end in (records_out, records_in, rows_in):
        end.close()
    try:
        return _write(engine, replace, progress, partial(_receive, rows_out))
    finally:
        rows_out.close()
        for worker in workers:
            if worker.is_alive():
                worker.kill()
            worker.join()


def _write(
    engine: Engine,
    replace: bool,
    progress: Callable[[int], None] | None,
    feed: Callable[[Callable[[Command], None]], None],
) -> LoadSummary:
    """Carry out every command `feed` hands over, in the load's one transaction."""
    with bulk_transaction(engine) as conn:
        applier = _Applier(BulkWriter(conn), replace, progress)
        with database_errors(applier.where):
            feed(applier.apply)
    return applier.summary


def _receive(
    receiver: multiprocessing.connection.Connection, take: Callable[[Command], None]
) -> None:
    """Commands from the stage before, up to "finish"; its errors raised here."""
    while True:
        try:
            command = marshal.loads(receiver.recv_bytes())
        except EOFError:
            raise SnapshotError("snapshot: a loading process ended early") from None
        if command[0] == "error":
            raise SnapshotError(command[1])
        if command[0] == "crash":
            raise RuntimeError(f"snapshot loading process failed:\n{command[1]}")
        take(command)
        if command[0] == "finish":
            return


def _project_stream(
    receiver: multiprocessing.connection.Connection, emit: Callable[[Command], None]
) -> None:
    _receive(receiver, _Projector(emit).apply)


def _work(
    produce: Callable[[Callable[[Command], None]], None],
    sender: multiprocessing.connection.Connection,
    inherited: list[multiprocessing.connection.Connection],
) -> None:
    """A worker process: every command `produce` emits goes down the pipe, then an
    error if any (a SnapshotError from an earlier stage travels on as it is).

    Commands are JSON-like tuples, lists and dicts: marshal writes them ~3x faster
    than pickle."""
    for end in inherited:  # other stages' pipe ends: open here, they would hide an exit
        end.close()

    def send(command: Command) -> None:
        sender.send_bytes(marshal.dumps(command))

    try:
        produce(send)
    except SnapshotError as error:
        send(("error", str(error)))
    except BrokenPipeError:  # the next stage stopped (and reports why)
        pass
    except BaseException:
        send(("crash", traceback.format_exc()))
    finally:
        sender.close()


def _read(source: Path | str | BinaryIO, batch: int, emit: Callable[[Command], None]) -> None:
    with _opened(source) as stream:
        loader = _Loader(emit)
        report = lambda done: emit(("progress", done))  # noqa: E731
        read_pieces(stream, batch, loader.take, report)
        loader.finish()


class _Projector:
    """The middle stage: checked records become rows of every table; the account's
    counters are kept until its end."""

    def __init__(self, emit: Callable[[Command], None]) -> None:
        self.emit = emit
        self.account_id = 0
        self.types: dict[int, str] = {}
        self.counts: dict[RecordType, Counter[tuple[str, str]]] = {}

    def apply(self, command: Command) -> None:
        if command[0] == "records":
            command = self._rows(*command[1:])
        elif command[0] == "open":
            self.account_id = command[2]
            definitions = command[4].get("custom_field_definitions") or ()
            self.types = {d["id"]: d["data_type"] for d in definitions}
            self.counts = {}
        elif command[0] == "end":
            command = (*command, counter_batch(self.account_id, self.counts))
        self.emit(command)

    def _rows(self, where: str, section: str, records: list[Record]) -> Command:
        record_type = RecordType.PERSON if section == "people" else RecordType.LEAD
        counts = self.counts.setdefault(record_type, Counter())
        for record in records:
            counts.update(counter_keys(record_type, record))
        batches = project_records(self.account_id, record_type, records, self.types)
        return ("rows", where, section, len(records), batches)


class _Applier:
    """The writing side: carries out commands in the caller's transaction."""

    def __init__(
        self, writer: BulkWriter, replace: bool, progress: Callable[[int], None] | None
    ) -> None:
        self.writer = writer
        self.replace = replace
        self.progress = progress
        self.summary = LoadSummary()
        self.at = "snapshot"

    def where(self) -> str:
        return self.at

    def apply(self, command: Command) -> None:
        kind = command[0]
        if kind == "progress":
            if self.progress:
                self.progress(command[1])
            return
        self.at = command[1]
        if kind == "rows":
            self._rows(*command[2:])
        elif kind == "open":
            self._open(*command[1:])
        elif kind == "drop":
            self.writer.drop_indexes()
        elif kind == "end":
            self.writer.end_account(command[3])
            self.summary.accounts.append(command[2])
        elif kind == "finish":
            if self.writer.dropped:
                self.writer.restore_indexes()
            self.writer.analyze()

    def _open(self, label: str, account_id: int, name: str, sections: dict[str, Any]) -> None:
        if self.writer.account_exists(account_id):
            if not self.replace:
                raise SnapshotError(
                    f"{label}: account {account_id} already exists (load with --replace)"
                )
            self.writer.delete_account(account_id)
        self.writer.insert_header(account_id, name, sections)

    def _rows(self, section: str, records: int, batches: list[Batch]) -> None:
        self.writer.write(batches)
        if section == "people":
            self.summary.people += records
        else:
            self.summary.leads += records


@contextmanager
def _opened(source: Path | str | BinaryIO) -> Iterator[BinaryIO]:
    if isinstance(source, str | Path):
        with Path(source).open("rb") as stream:
            yield stream
    else:
        yield source


class _IdSet:
    """The record ids seen so far, in 8 bytes each while they come in rising order (as
    dumps write them) rather than the ~70 of a set of ints (a million ids: 8 MB)."""

    def __init__(self) -> None:
        self.rising = array("q")
        self.others: set[int] = set()

    def __contains__(self, record_id: int) -> bool:
        rising = self.rising
        if rising and record_id <= rising[-1]:
            i = bisect_left(rising, record_id)
            if i < len(rising) and rising[i] == record_id:
                return True
        return record_id in self.others

    def add(self, record_id: int) -> None:
        if (not self.rising or record_id > self.rising[-1]) and -(2**63) <= record_id < 2**63:
            self.rising.append(record_id)
        else:
            self.others.add(record_id)


@dataclass
class _Account:
    index: int
    sections: dict[str, Any] = field(default_factory=dict)
    opened: bool = False
    refs: fmt.AccountRefs = field(default_factory=fmt.AccountRefs)
    default_status: int | None = None
    ids: dict[str, _IdSet] = field(default_factory=lambda: {"people": _IdSet(), "leads": _IdSet()})
    emails: set[str] = field(default_factory=set)
    person_refs: dict[int, str] = field(default_factory=dict)
    person_references: dict[str, set[int]] = field(default_factory=dict)
    lead_references: dict[str, set[int]] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return int(self.sections["id"])

    @property
    def label(self) -> str:
        if type(self.sections.get("id")) is int:
            return f"accounts[{self.index}] (id {self.sections['id']})"
        return f"accounts[{self.index}]"


class _Loader:
    """The reading side: checks pieces, derives and projects records, emits commands."""

    def __init__(self, emit: Callable[[Command], None]) -> None:
        self.emit = emit
        self.account: _Account | None = None
        self.format_seen = False
        self.loaded = 0
        self.dropped = False
        self.accounts: list[int] = []

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
        self.emit(("finish", "snapshot"))

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
        if account.id in self.accounts:
            raise SnapshotError(f"{account.label}.id: duplicate account id {account.id}")
        account.opened = True
        _prepare(account)
        self.accounts.append(account.id)
        self.emit(("open", account.label, account.id, account.sections["name"], account.sections))

    def _records(self, account: _Account, piece: Piece) -> None:
        self._open(account)
        if self.loaded >= DROP_INDEXES_AFTER and not self.dropped:
            self.dropped = True
            self.emit(("drop", account.label))
        record_type = RecordType.PERSON if piece.key == "people" else RecordType.LEAD
        records = [
            _checked(account, record_type, piece.key, piece.position + offset, record)
            for offset, record in enumerate(piece.value)
        ]
        where = f"{account.label}.{piece.key}[{piece.position}:{piece.position + len(records)}]"
        self.emit(("records", where, piece.key, [with_stored_custom_values(r) for r in records]))
        self.loaded += len(records)

    def _end(self, account: _Account) -> None:
        self._open(account)
        for person_id, where in sorted(account.person_refs.items()):
            if person_id not in account.ids["people"]:
                raise SnapshotError(f"{where}: person {person_id} is not in this account")
        self.emit(("end", account.label, account.id))
        self.account = None


def _prepare(account: _Account) -> None:
    """Reference sets and derived lookups of a checked header."""
    sections = account.sections
    account.refs = refs = fmt.account_refs(sections)
    account.person_references = {"assignee_id": refs.users, "company_id": refs.companies,
                                 "contact_type_id": refs.contact_types}  # fmt: skip
    account.lead_references = {"assignee_id": refs.users,
                               "customer_source_id": refs.customer_sources,
                               "status_id": refs.lead_statuses,
                               "converted_opportunity_id": refs.opportunities}  # fmt: skip
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
    if record_type is RecordType.PERSON:
        if not fmt.plainly_valid(record, fmt.PERSON_KINDS):
            error = fmt.PERSON(record)
            if error:
                return error
        references = account.person_references
    else:
        if not fmt.plainly_valid(record, fmt.LEAD_KINDS):
            error = fmt.LEAD(record)
            if error:
                return error
        references = account.lead_references
    error = (
        _name_error(record)
        or fmt.refs_error(record, references)
        or fmt.custom_fields_error(account.refs, record_type.api_name, record.get("custom_fields"))
        or _followers_error(account.refs.users, record.get("followers"))
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
