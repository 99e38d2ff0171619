"""The reading stage of a load: parses the file's outer levels (stream.py), checks the
account headers and what spans records (unique ids and emails, references to people),
and cuts the records into batches for the mappers."""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from verdigris.domain.numbers import fits_int64
from verdigris.domain.text import match_key
from verdigris.domain.types import Record
from verdigris.errors import SnapshotError
from verdigris.snapshot import commands as c
from verdigris.snapshot import format as fmt
from verdigris.snapshot import lookup_checks
from verdigris.snapshot.record_checks import SECTIONS, section_error
from verdigris.snapshot.references import header_references
from verdigris.snapshot.stream import Piece, read_pieces

Emit = Callable[[c.Command], None]


def read(
    source: Path | str | BinaryIO,
    batch_bytes: int,
    emit: Emit,
    broadcast: Emit,
    drop_after: int,
) -> None:
    """Read the file and emit its commands; `broadcast` sends one to every mapper."""
    with opened(source) as stream:
        reader = Reader(emit, broadcast, drop_after)
        read_pieces(stream, reader.take, reader.read_to, batch_bytes)
        reader.finish()


@contextmanager
def opened(source: Path | str | BinaryIO) -> Iterator[BinaryIO]:
    if isinstance(source, str | Path):
        with Path(source).open("rb") as stream:
            yield stream
    else:
        yield source


class IdSet:
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
        if (not self.rising or record_id > self.rising[-1]) and fits_int64(record_id):
            self.rising.append(record_id)
        else:
            self.others.add(record_id)


@dataclass
class Account:
    index: int
    sections: dict[str, Any] = field(default_factory=dict)
    opened: bool = False
    ids: dict[str, IdSet] = field(default_factory=lambda: {"people": IdSet(), "leads": IdSet()})
    emails: set[str] = field(default_factory=set)
    record_refs: dict[tuple[str, int], str] = field(default_factory=dict)
    """(people or leads, id) -> where a header section or a lead names it."""

    @property
    def id(self) -> int:
        return int(self.sections["id"])

    @property
    def label(self) -> str:
        if type(self.sections.get("id")) is int:
            return f"accounts[{self.index}] (id {self.sections['id']})"
        return f"accounts[{self.index}]"


def record_name(label: str, section: str, position: int, record: Any) -> str:
    has_id = type(record) is dict and type(record.get("id")) is int
    return f"{label}.{section}[{position}]" + (f" (id {record['id']})" if has_id else "")


class Reader:
    """Checks account headers and what spans records, and emits commands."""

    def __init__(self, emit: Emit, broadcast: Emit, drop_after: int) -> None:
        self.emit, self.broadcast = emit, broadcast
        self.drop_after = drop_after
        self.account: Account | None = None
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

    def _current(self, piece: Piece) -> Account:
        if self.account is None or self.account.index != piece.account:
            self.account = Account(piece.account)
        return self.account

    def finish(self) -> None:
        if not self.format_seen:
            raise SnapshotError(f"snapshot.format: is required ({fmt.FORMAT!r})")
        self.account = None
        self.broadcast(c.finish("snapshot"))

    def _field(self, account: Account, key: str, value: Any) -> None:
        label = account.label
        if key == "":
            raise SnapshotError(f"{label}: expected an object")
        if key in fmt.RECORD_SECTIONS:
            if value is not None:
                raise SnapshotError(f"{label}.{key}: expected a list")
            if account.opened:
                self.emit(c.section_end(label, key))
            return
        if key not in fmt.ACCOUNT_SCALARS and key not in SECTIONS:
            raise SnapshotError(f"{label}.{key}: unknown key")
        if account.opened:
            raise SnapshotError(f"{label}.{key}: must come before people and leads")
        scalar = fmt.ACCOUNT_SCALARS.get(key)
        error = scalar(value) if scalar else section_error(key, value)
        if error:
            raise SnapshotError(f"{label}.{key}{error}")
        account.sections[key] = value

    def _open(self, account: Account) -> None:
        """Check the header and send it: the records' references need it."""
        if account.opened:
            return
        for key in ("id", "name"):
            if key not in account.sections:
                raise SnapshotError(f"{account.label}.{key}: is required (before people and leads)")
        if account.id in self.accounts:
            raise SnapshotError(f"{account.label}.id: duplicate account id {account.id}")
        account.opened = True
        lookup_checks.fill_defaults(account.sections)
        error = lookup_checks.companies_error(account.sections)
        error = error or lookup_checks.opportunities_error(account.sections)
        if error:
            raise SnapshotError(f"{account.label}.{error}")
        header_references(account)
        self.accounts.append(account.id)
        sections = account.sections
        self.broadcast(c.open_account(account.label, account.id, sections["name"], sections))

    def _records(self, account: Account, piece: Piece) -> None:
        self._open(account)
        if self.loaded >= self.drop_after and not self.dropped:
            self.dropped = True
            self.emit(c.drop_indexes(account.label))
        count = len(piece.value)
        where = f"{account.label}.{piece.key}[{piece.position}:{piece.position + count}]"
        duplicate = self._across_records(account, piece.key, piece.position, piece.value)
        self.emit(c.records(where, piece.key, piece.position, piece.text, duplicate, self.done))
        self.loaded += count

    def _across_records(
        self, account: Account, section: str, position: int, records: list[Any]
    ) -> c.Duplicate:
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
                where = record_name(account.label, section, position + i, record)
                account.record_refs.setdefault(("people", contact), f"{where}.converted_contact_id")
        return None

    @staticmethod
    def _email_error(account: Account, record: Record) -> str | None:
        entries = record.get("emails")
        if type(entries) is not list:
            return None
        keys = [match_key(entry.get("email")) if type(entry) is dict else None for entry in entries]
        for i, key in enumerate(keys):
            if key in account.emails:
                return f".emails[{i}].email: {key!r} is already another person's email"
        account.emails.update(k for k in keys if k)
        return None

    def _end(self, account: Account) -> None:
        self._open(account)
        for (section, record_id), where in sorted(account.record_refs.items()):
            if record_id not in account.ids[section]:
                noun = "person" if section == "people" else "lead"
                raise SnapshotError(f"{where}: {noun} {record_id} is not in this account")
        self.broadcast(c.end_account(account.label, account.id))
        self.account = None
