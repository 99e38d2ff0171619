"""What the stages of a load tell each other (see load.py): plain tuples, so that marshal
can carry them between processes (about three times faster than pickle), built only by
the constructors below and taken apart by `match` on their layout.

From the reader:
- ("open", where, account_id, name, sections, copy): an account's header, to every mapper;
- ("drop", where): drop the big tables' indexes now (a big load);
- ("records", where, section, position, text, duplicate, done): a batch of records as JSON
  list text; `duplicate` is (index in the batch, message) of its first record whose id
  or email another record has, or None; `done` the bytes read so far;
- ("section_end", where, section): the section's last batch has gone;
- ("end", where, account_id, copy): the account is over, to every mapper;
- ("finish", where, copy): the file is over, to every mapper.
From a mapper: ("rows", where, section, count, batches, done) in place of "records", and
"end" with the mapper's share of the account's counters appended:
("end", where, account_id, copy, counts).
From any stage: ("error", message) for a SnapshotError, ("crash", traceback) otherwise.

Commands with a `copy` go to every mapper, numbered by `broadcast`; the others to one,
in turn.
"""

from __future__ import annotations

from typing import Any

Command = tuple[Any, ...]
Duplicate = tuple[int, str] | None


def open_account(where: str, account_id: int, name: str, sections: dict[str, Any]) -> Command:
    return ("open", where, account_id, name, sections)


def drop_indexes(where: str) -> Command:
    return ("drop", where)


def records(
    where: str, section: str, position: int, text: bytes, duplicate: Duplicate, done: int
) -> Command:
    return ("records", where, section, position, text, duplicate, done)


def rows(where: str, section: str, count: int, batches: list[Any], done: int) -> Command:
    return ("rows", where, section, count, batches, done)


def section_end(where: str, section: str) -> Command:
    return ("section_end", where, section)


def end_account(where: str, account_id: int) -> Command:
    return ("end", where, account_id)


def finish(where: str) -> Command:
    return ("finish", where)


def error(message: str) -> Command:
    return ("error", message)


def crash(trace: str) -> Command:
    return ("crash", trace)


def copy_of(command: Command, copy: int) -> Command:
    """The command as the mapper numbered `copy` gets it (broadcast commands only)."""
    return (*command, copy)
