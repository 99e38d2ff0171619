"""Load a snapshot file: streamed in batches, checked record by record, one transaction.

A broken file changes nothing: the SnapshotError names the account, the record (by
position and id) and the field. Ids, timestamps, interaction counts and contact dates
are kept as given; `name` (from its parts), and the default lead status are derived.

Three stages (see decision 0302): a reader parses the file, checks the account headers
and what spans records (unique ids and emails, references to people) and cuts the
records into batches; mappers check each record, derive its fields and project its
table rows and counters; the writer inserts the rows in the load's one transaction.
Big files run the stages in processes, the mappers side by side; small ones in this
process.
"""

from __future__ import annotations

import gc
import logging
import marshal
import multiprocessing
import os
import tempfile
import threading
import time
import traceback
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import orjson

from verdigris.domain.names import has_parts, join_name, split_name
from verdigris.domain.text import match_key
from verdigris.domain.types import Record, RecordType
from verdigris.errors import SnapshotError
from verdigris.snapshot import format as fmt
from verdigris.snapshot.stream import BATCH_BYTES, Piece, read_pieces
from verdigris.storage import schema
from verdigris.storage.bulk import (
    Batch,
    BulkWriter,
    CounterKey,
    bulk_transaction,
    counter_batch,
    database_errors,
)
from verdigris.storage.projection import project

if TYPE_CHECKING:
    from sqlalchemy import Engine, Table

log = logging.getLogger("verdigris.load")

DROP_INDEXES_AFTER = 20_000
"""Records loaded before the big tables' secondary indexes are dropped and rebuilt
at the end: cheaper for big files, pointless (and slow on a big database) for small."""
DROP_INDEXES_BYTES = 16 << 20
"""A file at least this big holds more than DROP_INDEXES_AFTER records of the usual
size: its load drops the indexes before its first record."""
PARALLEL_BYTES = 4 << 20
"""Files at least this big are loaded by worker processes (see _load_parallel)."""
MAPPERS = max(1, min(4, os.cpu_count() or 1))
"""Mapper processes of a parallel load: the stage that costs the most per record."""

Command = tuple[Any, ...]
"""What a stage asks of the next, as plain (marshal-able) data. From the reader:
("open", where, account id, name, sections, copy), ("drop", where), ("records", where,
section, position, text, duplicate, bytes read), ("section_end", where, section) after a
section's last batch, ("end", where, account id, copy),
("finish", where, copy), ("error", message). `text` is the batch as a JSON list;
`duplicate` is (index in the batch, message) of its first record whose id or email
another record has, or None. Commands with a `copy` go to every mapper, numbered; the
others to one, in turn. A mapper turns "records" into ("rows", where, section, record
count, batches of table rows, bytes read) and adds its share of the account's counter
rows to "end"."""


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
    batch_bytes: int = BATCH_BYTES,
    parallel: bool | None = None,
) -> LoadSummary:
    """Load every account of the file; `progress` gets the bytes read so far.

    An account id already in the database is an error unless `replace`, which first
    deletes all of that account's rows (in the same transaction). `parallel` (default:
    for files of PARALLEL_BYTES or more) runs the stages in worker processes.
    """
    started = time.perf_counter()
    if parallel is None:
        parallel = _size(source) >= PARALLEL_BYTES
    run = _load_parallel if parallel else _load_inline
    with _without_cycle_collector():
        summary = run(engine, source, replace, progress, batch_bytes)
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
    batch_bytes: int,
) -> LoadSummary:
    def feed(take: Callable[[Command], None]) -> None:
        mapper = _Mapper(take)
        _read(source, batch_bytes, mapper.apply, lambda command: mapper.apply((*command, 0)))

    return _write(engine, replace, progress, feed, copies=1)


def _load_parallel(
    engine: Engine,
    source: Path | str | BinaryIO,
    replace: bool,
    progress: Callable[[int], None] | None,
    batch_bytes: int,
) -> LoadSummary:
    """A reader process hands batches to MAPPERS mapper processes in turn; this process
    takes their rows in the same turn, so the file's order is kept, and writes them.

    Each pipe holds about one message, so memory holds a few batches. Any error ends
    the workers and rolls the transaction back.
    """
    context = multiprocessing.get_context("fork")
    to_mappers = [context.Pipe(duplex=False) for _ in range(MAPPERS)]
    to_writer = [context.Pipe(duplex=False) for _ in range(MAPPERS)]
    ends = [end for pair in to_mappers + to_writer for end in pair]
    reader = partial(_read_into, source, batch_bytes, [send for _, send in to_mappers])
    stages = [(reader, [send for _, send in to_mappers])]
    stages += [
        (partial(_map_from, receive, send), [receive, send])
        for (receive, _), (_, send) in zip(to_mappers, to_writer, strict=True)
    ]
    workers = [
        context.Process(target=_work, args=(run, [e for e in ends if e not in used]), daemon=True)
        for run, used in stages
    ]
    for worker in workers:
        worker.start()
    receivers = [receive for receive, _ in to_writer]
    for end in ends:
        if end not in receivers:
            end.close()
    try:
        in_turn = _InTurn(receivers)
        return _write(engine, replace, progress, in_turn.run, MAPPERS, in_turn.while_busy)
    finally:
        for receive in receivers:
            receive.close()
        for worker in workers:
            if worker.is_alive():
                worker.kill()
            worker.join()


def _write(
    engine: Engine,
    replace: bool,
    progress: Callable[[int], None] | None,
    feed: Callable[[Callable[[Command], None]], None],
    copies: int,
    while_busy: Callable[[Callable[[], None]], None] = lambda work: work(),
) -> LoadSummary:
    """Carry out every command `feed` hands over, in the load's one transaction.
    `while_busy(work)` runs work that does not take commands (index builds)."""
    with bulk_transaction(engine) as conn:
        applier = _Applier(BulkWriter(conn), replace, progress, copies, while_busy)
        with database_errors(applier.where):
            feed(applier.apply)
    return applier.summary


def _work(run: Callable[[], None], inherited: list[Pipe]) -> None:
    """A worker process: `run`, with the other stages' pipe ends closed (open here, they
    would hide an exit from the stage at their other end)."""
    for end in inherited:
        end.close()
    run()


class _Sender:
    """Commands to the next stage: one pipe, or several taken in turn. A worker's
    SnapshotError goes on as a command, in the place of what it was working on."""

    def __init__(self, pipes: Sequence[Pipe]) -> None:
        self.pipes = pipes
        self.turn = 0

    def send(self, command: Command) -> None:
        # Commands are JSON-like tuples, lists and dicts: marshal writes them about
        # three times faster than pickle.
        self.pipes[self.turn].send_bytes(marshal.dumps(command))
        self.turn = (self.turn + 1) % len(self.pipes)

    def to_each(self, command: Command) -> None:
        for copy in range(len(self.pipes)):
            self.send((*command, copy))

    @contextmanager
    def reporting(self) -> Iterator[None]:
        try:
            yield
        except SnapshotError as error:
            self.send(("error", error.message))
        except BrokenPipeError:  # the next stage stopped (and reports why)
            pass
        except BaseException:
            self.send(("crash", traceback.format_exc()))
        finally:
            for pipe in self.pipes:
                pipe.close()


def _read_into(source: Path | str | BinaryIO, batch_bytes: int, pipes: list[Pipe]) -> None:
    sender = _Sender(pipes)
    with sender.reporting():
        _read(source, batch_bytes, sender.send, sender.to_each)


def _map_from(receive: Pipe, send: Pipe) -> None:
    sender = _Sender([send])
    with sender.reporting():
        mapper = _Mapper(sender.send)
        while True:
            try:
                command = marshal.loads(receive.recv_bytes())
            except EOFError:  # the reader stopped (and told the writer why)
                return
            mapper.apply(command)
            if command[0] in ("finish", "error", "crash"):
                return


class _InTurn:
    """The mappers' commands, taken in the turn they were given out, up to the last copy
    of "finish"; an error a stage sent is raised here.

    While the writer's connection is busy with work of its own (building a table's
    indexes), a thread takes the next commands off the pipes into a temporary file, so
    that reading, checking and projecting go on meanwhile; they are carried out from
    the file afterwards, in order."""

    def __init__(self, pipes: list[Pipe]) -> None:
        self.pipes = pipes
        self.turn = 0
        self.spool: BinaryIO | None = None
        self.spooled = 0
        self.read_at = 0
        self.pipes_ended = False

    def run(self, take: Callable[[Command], None]) -> None:
        try:
            while True:
                command = marshal.loads(self._next())
                if command[0] == "error":
                    raise SnapshotError(command[1])
                if command[0] == "crash":
                    raise RuntimeError(f"snapshot loading process failed:\n{command[1]}")
                take(command)
                if command[0] == "finish" and command[-1] == len(self.pipes) - 1:
                    return
        finally:
            if self.spool is not None:
                self.spool.close()

    def _next(self) -> bytes:
        if self.spooled:
            assert self.spool is not None
            self.spool.seek(self.read_at)
            size = int.from_bytes(self.spool.read(8), "little")
            data = self.spool.read(size)
            self.read_at += 8 + size
            self.spooled -= 1
            return data
        if self.pipes_ended:
            raise SnapshotError("snapshot: a loading process ended early")
        return self._receive()

    def _receive(self) -> bytes:
        try:
            data = self.pipes[self.turn].recv_bytes()
        except EOFError:
            self.pipes_ended = True
            raise SnapshotError("snapshot: a loading process ended early") from None
        self.turn = (self.turn + 1) % len(self.pipes)
        return data

    def while_busy(self, work: Callable[[], None]) -> None:
        """Run `work` in this thread while another spools the commands that come."""
        if self.spool is None:
            self.spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed at the end of run)
        done = threading.Event()
        spooler = threading.Thread(target=self._spool_until, args=(done,), daemon=True)
        spooler.start()
        try:
            work()
        finally:
            done.set()
            spooler.join()

    def _spool_until(self, done: threading.Event) -> None:
        assert self.spool is not None
        self.spool.seek(0, os.SEEK_END)
        while not done.is_set() and not self.pipes_ended:
            if not self.pipes[self.turn].poll(0.05):
                continue
            try:
                data = self._receive()
            except SnapshotError:  # the stages ended: _next says so after the spool
                return
            self.spool.write(len(data).to_bytes(8, "little") + data)
            self.spooled += 1


class _Applier:
    """The writing side: carries out commands in the caller's transaction. Commands sent
    to every mapper arrive once per mapper (`copies`)."""

    def __init__(
        self,
        writer: BulkWriter,
        replace: bool,
        progress: Callable[[int], None] | None,
        copies: int,
        while_busy: Callable[[Callable[[], None]], None],
    ) -> None:
        self.writer = writer
        self.while_busy = while_busy
        self.replace = replace
        self.progress = progress
        self.last_copy = copies - 1
        self.summary = LoadSummary()
        self.counts: Counter[CounterKey] = Counter()
        self.at = "snapshot"
        self.started = time.perf_counter()

    def where(self) -> str:
        return self.at

    def apply(self, command: Command) -> None:
        kind = command[0]
        self.at = command[1]
        if kind == "rows":
            self._rows(*command[2:])
        elif kind == "open":
            if command[-1] == 0:
                self._open(*command[1:5])
        elif kind == "drop":
            self.writer.drop_indexes()
        elif kind == "section_end":
            self._log_progress(f"{self.at}.{command[2]} written")
            if command[2] == "people" and self._early(schema.people):
                # No more people come in this account (most files hold one): their
                # table's indexes are built, and the name variants seen so far (most of
                # them) are moved, while leads are read, checked and projected.
                self.while_busy(self._people_done)
        elif kind == "end":
            self.counts.update(command[-1])
            if command[-2] == self.last_copy:
                self.writer.end_account(counter_batch(command[2], self.counts))
                self.counts = Counter()
                self.summary.accounts.append(command[2])
        elif kind == "finish" and command[-1] == self.last_copy:
            self._log_progress("every record written")
            if self.writer.dropped:
                self.writer.restore_indexes()
            self.writer.analyze()

    def _log_progress(self, what: str) -> None:
        people, leads = self.summary.people, self.summary.leads
        elapsed = time.perf_counter() - self.started
        log.info("%s (%d people, %d leads so far): %.1f s", what, people, leads, elapsed)

    def _people_done(self) -> None:
        self.writer.restore_indexes(schema.people)
        self.writer.move_variants()

    def _early(self, table: Table) -> bool:
        """Whether to build `table`'s dropped indexes now, beside the reading. Only on
        SQLite: PostgreSQL's own processes already use both cores then, and the
        overlap measured slower there (decision 0302)."""
        return not self.writer.postgres and any(i.table is table for i in self.writer.dropped)

    def _open(self, label: str, account_id: int, name: str, sections: dict[str, Any]) -> None:
        if self.writer.account_exists(account_id):
            if not self.replace:
                raise SnapshotError(
                    f"{label}: account {account_id} already exists (load with --replace)"
                )
            self.writer.delete_account(account_id)
        self.writer.insert_header(account_id, name, sections)

    def _rows(self, section: str, records: int, batches: list[Batch], done: int) -> None:
        self.writer.write(batches)
        if section == "people":
            self.summary.people += records
        else:
            self.summary.leads += records
        if self.progress:
            self.progress(done)


@contextmanager
def _opened(source: Path | str | BinaryIO) -> Iterator[BinaryIO]:
    if isinstance(source, str | Path):
        with Path(source).open("rb") as stream:
            yield stream
    else:
        yield source


def _read(
    source: Path | str | BinaryIO,
    batch_bytes: int,
    emit: Callable[[Command], None],
    to_each: Callable[[Command], None],
) -> None:
    with _opened(source) as stream:
        big = _size(source) >= DROP_INDEXES_BYTES
        reader = _Reader(emit, to_each, drop_after=0 if big else DROP_INDEXES_AFTER)
        read_pieces(stream, reader.take, reader.read_to, batch_bytes)
        reader.finish()


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
    ids: dict[str, _IdSet] = field(default_factory=lambda: {"people": _IdSet(), "leads": _IdSet()})
    emails: set[str] = field(default_factory=set)
    person_refs: dict[int, str] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return int(self.sections["id"])

    @property
    def label(self) -> str:
        if type(self.sections.get("id")) is int:
            return f"accounts[{self.index}] (id {self.sections['id']})"
        return f"accounts[{self.index}]"


def _record_name(label: str, section: str, position: int, record: Any) -> str:
    has_id = type(record) is dict and type(record.get("id")) is int
    return f"{label}.{section}[{position}]" + (f" (id {record['id']})" if has_id else "")


class _Reader:
    """The reading side: checks account headers and what spans records (unique ids and
    emails, references to people), and emits commands."""

    def __init__(
        self,
        emit: Callable[[Command], None],
        to_each: Callable[[Command], None],
        drop_after: int,
    ) -> None:
        self.emit, self.to_each = emit, to_each
        self.drop_after = drop_after
        self.account: _Account | None = None
        self.format_seen = False
        self.loaded = 0
        self.dropped = False
        self.accounts: list[int] = []
        self.done = 0

    def read_to(self, done: int) -> None:
        self.done = done

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
        self.to_each(("finish", "snapshot"))

    def _field(self, account: _Account, key: str, value: Any) -> None:
        label = account.label
        if key == "":
            raise SnapshotError(f"{label}: expected an object")
        if key in fmt.RECORD_SECTIONS:
            if value is not None:
                raise SnapshotError(f"{label}.{key}: expected a list")
            if account.opened:
                self.emit(("section_end", label, key))
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
        """Check the header and send it: the records' references need it."""
        if account.opened:
            return
        for key in ("id", "name"):
            if key not in account.sections:
                raise SnapshotError(f"{account.label}.{key}: is required (before people and leads)")
        if account.id in self.accounts:
            raise SnapshotError(f"{account.label}.id: duplicate account id {account.id}")
        account.opened = True
        for i, opportunity in enumerate(account.sections.get("opportunities") or []):
            where = f"{account.label}.opportunities[{i}] (id {opportunity['id']})"
            if opportunity.get("primary_contact_id") is not None:
                account.person_refs.setdefault(opportunity["primary_contact_id"], where)
            for person_id in opportunity.get("related_people") or []:
                account.person_refs.setdefault(person_id, f"{where}.related_people")
        self.accounts.append(account.id)
        self.to_each(
            ("open", account.label, account.id, account.sections["name"], account.sections)
        )

    def _records(self, account: _Account, piece: Piece) -> None:
        self._open(account)
        if self.loaded >= self.drop_after and not self.dropped:
            self.dropped = True
            self.emit(("drop", account.label))
        count = len(piece.value)
        where = f"{account.label}.{piece.key}[{piece.position}:{piece.position + count}]"
        duplicate = self._spanning(account, piece.key, piece.position, piece.value)
        self.emit(("records", where, piece.key, piece.position, piece.text, duplicate, self.done))
        self.loaded += count

    def _spanning(
        self, account: _Account, section: str, position: int, records: list[Any]
    ) -> tuple[int, str] | None:
        """The first record of the batch whose id or email an earlier record has, as
        (index, message); remembers the rest. Records of the wrong shape are passed
        over: the mapper names them (at or before this one, which is what counts)."""
        ids = account.ids[section]
        people = section == "people"
        for i, record in enumerate(records):
            if type(record) is not dict:
                continue
            record_id = record.get("id")
            if type(record_id) is int:
                if record_id in ids:
                    return i, f".id: duplicate id {record_id}"
                ids.add(record_id)
            error = self._email_error(account, record) if people else None
            if error:
                return i, error
            contact = None if people else record.get("converted_contact_id")
            if type(contact) is int:
                where = _record_name(account.label, section, position + i, record)
                account.person_refs.setdefault(contact, f"{where}.converted_contact_id")
        return None

    @staticmethod
    def _email_error(account: _Account, record: Record) -> str | None:
        entries = record.get("emails")
        if type(entries) is not list:
            return None
        keys = [match_key(entry.get("email")) if type(entry) is dict else None for entry in entries]
        for i, key in enumerate(keys):
            if key in account.emails:
                return f".emails[{i}].email: {key!r} is already another person's email"
        account.emails.update(k for k in keys if k)
        return None

    def _end(self, account: _Account) -> None:
        self._open(account)
        for person_id, where in sorted(account.person_refs.items()):
            if person_id not in account.ids["people"]:
                raise SnapshotError(f"{where}: person {person_id} is not in this account")
        self.to_each(("end", account.label, account.id))
        self.account = None


class _Mapper:
    """The middle stage: checks each record of a batch, derives its fields and turns it
    into rows of every table; keeps the account's counters until its end."""

    def __init__(self, emit: Callable[[Command], None]) -> None:
        self.emit = emit
        self.account_id = 0
        self.label = ""
        self.refs = fmt.AccountRefs()
        self.references: dict[RecordType, dict[str, set[int]]] = {}
        self.default_status: int | None = None
        self.types: dict[int, str] = {}
        self.counts: dict[CounterKey, int] = {}

    def apply(self, command: Command) -> None:
        if command[0] == "records":
            command = self._rows(*command[1:])
        elif command[0] == "open":
            self._open(command[1], command[2], command[4])
        elif command[0] == "end":
            command = (*command, self.counts)
        self.emit(command)

    def _open(self, label: str, account_id: int, sections: dict[str, Any]) -> None:
        self.label, self.account_id = label, account_id
        self.refs = refs = fmt.account_refs(sections)
        self.references = {
            RecordType.PERSON: {"assignee_id": refs.users, "company_id": refs.companies,
                                "contact_type_id": refs.contact_types},
            RecordType.LEAD: {"assignee_id": refs.users,
                              "customer_source_id": refs.customer_sources,
                              "status_id": refs.lead_statuses,
                              "converted_opportunity_id": refs.opportunities},
        }  # fmt: skip
        statuses = sorted(sections.get("lead_statuses") or [], key=lambda s: s.get("order") or 0)
        default = [s for s in statuses if s.get("is_default")] or statuses
        self.default_status = default[0]["id"] if default else None
        definitions = sections.get("custom_field_definitions") or ()
        self.types = {d["id"]: d["data_type"] for d in definitions}
        self.counts = {}

    def _rows(
        self,
        where: str,
        section: str,
        position: int,
        text: bytes,
        duplicate: tuple[int, str] | None,
        done: int,
    ) -> Command:
        record_type = RecordType.PERSON if section == "people" else RecordType.LEAD
        records = orjson.loads(text)
        if fmt.may_hold_nul(text) or not self._plainly_valid(record_type, records):
            for i, record in enumerate(records):
                error = self._error(record_type, record)
                if error:
                    raise SnapshotError(
                        _record_name(self.label, section, position + i, record) + error
                    )
        if duplicate is not None:
            i, error = duplicate
            raise SnapshotError(_record_name(self.label, section, position + i, records[i]) + error)
        for record in records:
            self._derive(record_type, record)
        projection = project(self.account_id, record_type, records, self.types)
        kind = int(record_type)
        for (name, value), n in projection.counts().items():
            key = (kind, name, value)
            self.counts[key] = self.counts.get(key, 0) + n
        batches = projection.tables()
        return ("rows", where, section, len(records), batches, done)

    def _plainly_valid(self, record_type: RecordType, records: list[Any]) -> bool:
        """True when no record of the batch has anything wrong on its own (the fast
        path: whole columns at a time; `_error` then finds nothing)."""
        person = record_type is RecordType.PERSON
        if not fmt.plainly_valid(records, fmt.PERSON_KINDS if person else fmt.LEAD_KINDS):
            return False
        for key, known in self.references[record_type].items():
            values = {r.get(key) for r in records}
            values.discard(None)
            if not values <= known:
                return False
        followers = {u for r in records for u in r.get("followers") or ()}
        lists = [r.get("custom_fields") for r in records]
        return (
            followers <= self.refs.users
            and fmt.custom_fields_plainly_valid(self.refs, record_type.api_name, lists)
            and not any(map(_name_error, (r for r in records if not _has_name(r))))
        )

    def _error(self, record_type: RecordType, record: Any) -> str | None:
        """What is wrong with the record on its own (its type, names, references)."""
        error = (fmt.PERSON if record_type is RecordType.PERSON else fmt.LEAD)(record)
        return (
            error
            or _name_error(record)
            or fmt.refs_error(record, self.references[record_type])
            or fmt.custom_fields_error(self.refs, record_type.api_name, record.get("custom_fields"))
            or _followers_error(self.refs.users, record.get("followers"))
        )

    def _derive(self, record_type: RecordType, record: Record) -> None:
        """Name from its parts (or parts from the name), default status, default dates."""
        if has_parts(record):
            record["name"] = join_name(
                record.get("first_name"), record.get("middle_name"),
                record.get("last_name"), record.get("suffix"),
            )  # fmt: skip
        else:
            record["first_name"], record["last_name"] = split_name(record["name"])
        if record.get("date_created") is None:
            record["date_created"] = int(time.time())
        if record.get("date_modified") is None:
            record["date_modified"] = record["date_created"]
        if record_type is RecordType.LEAD and record.get("status_id") is None:
            record["status_id"] = self.default_status


def _has_name(record: Record) -> bool:
    name = record.get("name")
    return type(name) is str and bool(name.strip())


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
