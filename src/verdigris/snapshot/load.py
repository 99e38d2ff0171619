"""Load a snapshot file: streamed in batches, checked record by record, one transaction.

A broken file changes nothing: the SnapshotError names the account, the record (by
position and id) and the field. Ids, timestamps, interaction counts and contact dates
are kept as given; `name` (from its parts), and the default lead status are derived.

Three stages (decision 0302): a reader (reader.py) parses the file, checks the account
headers and what spans records and cuts the records into batches; mappers (mapper.py)
check each record, derive its fields and project its table rows and counters; the
writer (writer.py) inserts the rows in the load's one transaction. Big files run the
stages in processes, the mappers side by side (pipeline.py); small ones in this process.
They exchange the commands of commands.py.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from verdigris.clock import system_clock
from verdigris.snapshot import commands as c
from verdigris.snapshot.mapper import Mapper
from verdigris.snapshot.pipeline import parallel_stages
from verdigris.snapshot.reader import read
from verdigris.snapshot.stream import BATCH_BYTES
from verdigris.snapshot.writer import Applier, LoadSummary, Progress
from verdigris.storage.bulk import VACUUM_AFTER, BulkWriter
from verdigris.storage.load_transaction import bulk_transaction, database_errors, vacuum

if TYPE_CHECKING:
    from sqlalchemy import Engine

Source = Path | str | BinaryIO


@dataclass(frozen=True)
class LoadOptions:
    """How a load runs. `replace` deletes an account that exists first (in the same
    transaction); `parallel` (None: for files of `parallel_bytes` or more) runs the
    stages in processes; after `drop_indexes_after` records (at once for a file of
    `drop_indexes_bytes` or more) the big tables' secondary indexes are dropped and
    rebuilt at the end; `now` stamps records that have no `date_created`."""

    replace: bool = False
    progress: Progress | None = None
    batch_bytes: int = BATCH_BYTES
    parallel: bool | None = None
    parallel_bytes: int = 4 << 20
    drop_indexes_after: int = 20_000
    drop_indexes_bytes: int = 16 << 20
    mappers: int = field(default_factory=lambda: max(1, min(4, os.cpu_count() or 1)))
    now: int = field(default_factory=system_clock)


def load_snapshot(
    engine: Engine, source: Source, options: LoadOptions | None = None
) -> LoadSummary:
    """Load every account of the file; an account id already in the database is an
    error unless `options.replace`."""
    options = options or LoadOptions()
    started = time.perf_counter()
    size = source_size(source)
    parallel = options.parallel
    if parallel is None:
        parallel = size >= options.parallel_bytes
    drop_after = 0 if size >= options.drop_indexes_bytes else options.drop_indexes_after
    read_source = partial(read, source, options.batch_bytes, drop_after=drop_after)
    with _without_cycle_collector():
        if parallel:
            with parallel_stages(read_source, options.mappers, options.now) as (run, busy):
                summary = _write(engine, options, run, options.mappers, busy)
        else:
            summary = _write(engine, options, _inline(read_source, options.now), 1)
    summary.seconds = time.perf_counter() - started
    return summary


def _inline(
    read_source: Callable[..., None], now: int
) -> Callable[[Callable[[c.Command], None]], None]:
    def run(take: Callable[[c.Command], None]) -> None:
        mapper = Mapper(take, now)
        read_source(mapper.apply, lambda command: mapper.apply(c.copy_of(command, 0)))

    return run


def _write(
    engine: Engine,
    options: LoadOptions,
    feed: Callable[[Callable[[c.Command], None]], None],
    copies: int,
    while_busy: Callable[[Callable[[], None]], None] = lambda work: work(),
) -> LoadSummary:
    """Carry out every command `feed` hands over, in the load's one transaction."""
    with bulk_transaction(engine) as conn:
        writer = BulkWriter(conn, options.now)
        applier = Applier(writer, options.replace, options.progress, copies, while_busy)
        with database_errors(applier.where):
            feed(applier.apply)
    if writer.records >= VACUUM_AFTER:
        vacuum(engine, writer.written_tables())
    return applier.summary


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


def source_size(source: Source) -> int:
    if isinstance(source, str | Path):
        return Path(source).stat().st_size
    try:
        return os.fstat(source.fileno()).st_size
    except (AttributeError, OSError, ValueError):  # BytesIO and the like
        return 0


__all__ = ["LoadOptions", "LoadSummary", "load_snapshot"]
