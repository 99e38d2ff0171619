"""The writing stage of a load: carries out the commands of the mappers in the load's one
transaction, through storage's BulkWriter. Commands sent to every mapper arrive once per
mapper (`copies`): the writer acts on the last copy, with every mapper's counters."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from verdigris.domain.declarations import BY_PLURAL
from verdigris.errors import SnapshotError
from verdigris.snapshot import commands as c
from verdigris.storage.bulk import Batch, BulkWriter, CounterKey, counter_batch

log = logging.getLogger("verdigris.load")
Progress = Callable[[int], None]
WhileBusy = Callable[[Callable[[], None]], None]


@dataclass
class LoadSummary:
    accounts: list[int] = field(default_factory=list)
    people: int = 0
    leads: int = 0
    seconds: float = 0.0


class Applier:
    def __init__(
        self,
        writer: BulkWriter,
        replace: bool,
        progress: Progress | None,
        copies: int,
        while_busy: WhileBusy,
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

    def apply(self, command: c.Command) -> None:
        self.at = command[1]
        match command:
            case ("rows", _, section, count, batches, done):
                self._rows(section, count, batches, done)
            case ("open", where, account_id, name, sections, 0):
                self._open(where, account_id, name, sections)
            case ("drop", _):
                self.writer.drop_indexes()
            case ("section_end", _, section):
                self._section_end(section)
            case ("end", _, account_id, copy, counts):
                self._end(account_id, copy, counts)
            case ("finish", _, copy) if copy == self.last_copy:
                self._finish()

    def _open(self, label: str, account_id: int, name: str, sections: dict[str, Any]) -> None:
        if self.writer.account_exists(account_id):
            if not self.replace:
                raise SnapshotError(
                    f"{label}: account {account_id} already exists (load with --replace)"
                )
            self.writer.delete_account(account_id)
        self.writer.insert_header(account_id, name, sections)

    def _rows(self, section: str, count: int, batches: list[Batch], done: int) -> None:
        self.writer.write(batches)
        if section == "people":
            self.summary.people += count
        else:
            self.summary.leads += count
        if self.progress:
            self.progress(done)

    def _section_end(self, section: str) -> None:
        self._log_progress(f"{self.at}.{section} written")
        record_type = BY_PLURAL[section].record_type
        if self.writer.builds_early(record_type):
            # No more of these records come in this account (most files hold one):
            # their table is finished while the next section is read and projected.
            self.while_busy(lambda: self.writer.finish_early(record_type))

    def _end(self, account_id: int, copy: int, counts: dict[CounterKey, int]) -> None:
        self.counts.update(counts)
        if copy == self.last_copy:
            self.counts.update(self.writer.insert_held())
            self.writer.end_account(counter_batch(account_id, self.counts))
            self.counts = Counter()
            self.summary.accounts.append(account_id)

    def _finish(self) -> None:
        self._log_progress("every record written")
        if self.writer.dropped:
            self.writer.restore_indexes()
        self.writer.analyze()

    def _log_progress(self, what: str) -> None:
        people, leads = self.summary.people, self.summary.leads
        elapsed = time.perf_counter() - self.started
        log.info("%s (%d people, %d leads so far): %.1f s", what, people, leads, elapsed)
