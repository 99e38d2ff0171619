"""Verdigris benchmarks: one module per workload, one registered function per variant.

A variant builds the request body of one query kind from values sampled out of the
database (each call its own values); its docstring is its report line. `bench.runner`
times every variant over HTTP against a running server and, side by side, the raw SQL of
the same query (`bench.rawsql`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from random import Random
from typing import Any

Body = dict[str, Any]
Builder = Callable[["Values", Random], Body]  # noqa: F821 (bench.values.Values)

PAGE = "page"
"""No filter: paging and sorting only."""
SELECTIVE = "selective"
"""A filter matching a handful of records."""
BROAD = "broad"
"""A filter (or combination) matching thousands to the whole account."""
NAME = "name"
"""Fuzzy name search."""
SORT = "sort"
"""A sort key other than the default, no filter."""
KINDS = (PAGE, SELECTIVE, BROAD, NAME, SORT)
SELECTIVE_MIX = (PAGE, SELECTIVE)


@dataclass(frozen=True)
class Variant:
    """One query kind: its builder, its report line and the kind it counts as."""

    name: str
    kind: str
    build: Builder
    describe: str
    page_sizes: tuple[int, ...] = (20, 200)


@dataclass
class Workload:
    """The variants of one search route (`/people/search`, `/leads/search`)."""

    name: str
    record: str  # "people" or "leads"
    variants: list[Variant] = field(default_factory=list)

    def variant(self, kind: str, name: str | None = None) -> Callable[[Builder], Builder]:
        """Register the decorated builder as a variant; its docstring is its report line."""

        def register(build: Builder) -> Builder:
            doc = (build.__doc__ or build.__name__).strip().splitlines()[0]
            self.variants.append(Variant(name or build.__name__, kind, build, doc))
            return build

        return register

    def add(self, name: str, kind: str, build: Builder, describe: str) -> None:
        """Register a generated variant (one per sort key and direction)."""
        self.variants.append(Variant(name, kind, build, describe))

    def __iter__(self) -> Iterator[Variant]:
        return iter(self.variants)
