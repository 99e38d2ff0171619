"""The process plumbing of a parallel load (decision 0302): a reader process hands
batches to the mapper processes in turn; the calling process takes their rows in the
same turn, so the file's order is kept, and writes them.

Each pipe holds about one message, so memory holds a few batches. A SnapshotError in a
stage travels on as a command in the place of what it was working on; any error ends
the workers and rolls the transaction back.
"""

from __future__ import annotations

import marshal
import multiprocessing
import os
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from multiprocessing.connection import Connection as Pipe
from typing import BinaryIO

from verdigris.errors import SnapshotError
from verdigris.snapshot import commands as c
from verdigris.snapshot.mapper import Mapper

Take = Callable[[c.Command], None]
Run = Callable[[Take], None]
WhileBusy = Callable[[Callable[[], None]], None]
Read = Callable[[Take, Take], None]
"""Reads the source: (emit, broadcast) -> None."""


@contextmanager
def parallel_stages(read_source: Read, mappers: int, now: int) -> Iterator[tuple[Run, WhileBusy]]:
    """Start the reader and `mappers` mapper processes; yield (run, while_busy) for the
    writer: `run(take)` hands it every command in file order."""
    context = multiprocessing.get_context("fork")
    to_mappers = [context.Pipe(duplex=False) for _ in range(mappers)]
    to_writer = [context.Pipe(duplex=False) for _ in range(mappers)]
    ends = [end for pair in to_mappers + to_writer for end in pair]
    reader = partial(_read_into, read_source, [send for _, send in to_mappers])
    stages = [(reader, [send for _, send in to_mappers])]
    stages += [
        (partial(_map_from, receive, send, now), [receive, send])
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
        in_turn = InTurn(receivers)
        yield in_turn.run, in_turn.while_busy
    finally:
        for receive in receivers:
            receive.close()
        for worker in workers:
            if worker.is_alive():
                worker.kill()
            worker.join()


def _work(run: Callable[[], None], inherited: list[Pipe]) -> None:
    """A worker process: `run`, with the other stages' pipe ends closed (open here, they
    would hide an exit from the stage at their other end)."""
    for end in inherited:
        end.close()
    run()


class Sender:
    """Commands to the next stage: one pipe, or several taken in turn. A worker's
    SnapshotError goes on as a command, in the place of what it was working on."""

    def __init__(self, pipes: Sequence[Pipe]) -> None:
        self.pipes = pipes
        self.turn = 0

    def send(self, command: c.Command) -> None:
        self.pipes[self.turn].send_bytes(marshal.dumps(command))
        self.turn = (self.turn + 1) % len(self.pipes)

    def broadcast(self, command: c.Command) -> None:
        for copy in range(len(self.pipes)):
            self.send(c.copy_of(command, copy))

    @contextmanager
    def reporting(self) -> Iterator[None]:
        try:
            yield
        except SnapshotError as error:
            self.send(c.error(error.message))
        except BrokenPipeError:  # the next stage stopped (and reports why)
            pass
        except BaseException:
            self.send(c.crash(traceback.format_exc()))
        finally:
            for pipe in self.pipes:
                pipe.close()


def _read_into(read_source: Read, pipes: list[Pipe]) -> None:
    sender = Sender(pipes)
    with sender.reporting():
        read_source(sender.send, sender.broadcast)


def _map_from(receive: Pipe, send: Pipe, now: int) -> None:
    sender = Sender([send])
    with sender.reporting():
        mapper = Mapper(sender.send, now)
        while True:
            try:
                command = marshal.loads(receive.recv_bytes())
            except EOFError:  # the reader stopped (and told the writer why)
                return
            mapper.apply(command)
            if command[0] in ("finish", "error", "crash"):
                return


class InTurn:
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

    def run(self, take: Take) -> None:
        try:
            while True:
                command = marshal.loads(self._next())
                match command:
                    case ("error", message):
                        raise SnapshotError(message)
                    case ("crash", trace):
                        raise RuntimeError(f"snapshot loading process failed:\n{trace}")
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
