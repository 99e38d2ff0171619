"""The SQL statements run on an engine or connection within a block, with their
parameters: what the plan tests read back and EXPLAIN."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

Ran = list[tuple[str, Any]]


@contextmanager
def statements_run(target: Any) -> Iterator[Ran]:
    """Each statement run on `target` (an Engine or a Connection) in the block."""
    ran: Ran = []

    def capture(_c: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        ran.append((statement, params))

    event.listen(target, "before_cursor_execute", capture)
    try:
        yield ran
    finally:
        event.remove(target, "before_cursor_execute", capture)
