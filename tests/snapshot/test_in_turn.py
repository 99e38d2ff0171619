"""The writer takes the mappers' commands in the turn they were given out, also those
that came while it was busy building indexes (spooled to a file meanwhile)."""

from __future__ import annotations

import marshal
import multiprocessing
import threading
import time
from typing import Any

import pytest

from verdigris.errors import SnapshotError
from verdigris.snapshot.pipeline import InTurn


def _pipes(count: int) -> tuple[list[Any], list[Any]]:
    pairs = [multiprocessing.Pipe(duplex=False) for _ in range(count)]
    return [receive for receive, _ in pairs], [send for _, send in pairs]


def _send_in_turn(senders: list[Any], commands: list[tuple[Any, ...]]) -> None:
    for n, command in enumerate(commands):
        senders[n % len(senders)].send_bytes(marshal.dumps(command))
        time.sleep(0.001)


def test_commands_that_come_while_busy_are_taken_in_order() -> None:
    receivers, senders = _pipes(2)
    commands = [("rows", f"batch {n}", n) for n in range(200)]
    commands += [("finish", "snapshot", 0), ("finish", "snapshot", 1)]
    in_turn = InTurn(receivers)
    taken: list[tuple[Any, ...]] = []
    busy_seen: list[int] = []

    def take(command: tuple[Any, ...]) -> None:
        taken.append(command)
        if command[2] == 10:  # like the end of the people: build indexes meanwhile
            in_turn.while_busy(lambda: (time.sleep(0.3), busy_seen.append(len(taken))))

    sender = threading.Thread(target=_send_in_turn, args=(senders, commands))
    sender.start()
    in_turn.run(take)
    sender.join()
    assert taken == commands
    assert busy_seen == [11]  # nothing was taken while busy
    assert in_turn.spool is None or in_turn.spool.closed


def test_an_error_sent_while_busy_is_raised_in_its_turn() -> None:
    receivers, senders = _pipes(2)
    commands = [("rows", "a", 0), ("rows", "b", 1), ("error", "people[7]: wrong"), ("rows", "c", 3)]
    in_turn = InTurn(receivers)
    taken: list[tuple[Any, ...]] = []

    def take(command: tuple[Any, ...]) -> None:
        taken.append(command)
        if len(taken) == 1:
            in_turn.while_busy(lambda: time.sleep(0.2))

    _send_in_turn(senders, commands)
    for send in senders:
        send.close()
    with pytest.raises(SnapshotError, match=r"people\[7\]: wrong"):
        in_turn.run(take)
    assert taken == commands[:2]


def test_stages_that_end_early_are_an_error() -> None:
    receivers, senders = _pipes(2)
    senders[0].send_bytes(marshal.dumps(("rows", "a", 0)))
    for send in senders:
        send.close()
    with pytest.raises(SnapshotError, match="ended early"):
        InTurn(receivers).run(lambda command: None)
