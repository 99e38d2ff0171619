"""The one clock: Unix seconds, injectable wherever time is read (tests pass their own)."""

from __future__ import annotations

import time
from collections.abc import Callable

Clock = Callable[[], int]


def system_clock() -> int:
    return int(time.time())


def system_seconds() -> float:
    """Wall-clock seconds with their fraction (rate-limit windows)."""
    return time.time()
