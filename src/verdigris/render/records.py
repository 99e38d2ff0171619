"""Loaded rows -> Copper records in their declared key order, one compiled function per
record type (a search page renders up to 200 records, a dump millions)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from verdigris.domain.declarations import declaration
from verdigris.domain.definitions import Definition
from verdigris.domain.types import Record, RecordType
from verdigris.render import parts
from verdigris.render.fields import field_value

Renderer = Callable[[Mapping[str, Any], Sequence[Definition]], Record]

_FUNCTIONS = {
    "address": parts.address, "json_list": parts.json_list, "parse_json": parts.parse_json,
    "number": parts.number,
}  # fmt: skip


def renderer(record_type: RecordType) -> Renderer:
    """The function rendering one row of this type."""
    compiled, name = _compiled(record_type), declaration(record_type).name
    return lambda row, definitions: compiled(
        row, parts.entries_of(parts.shown_on(definitions, name))
    )


def render_rows(
    record_type: RecordType, rows: Iterable[Mapping[str, Any]], definitions: Sequence[Definition]
) -> list[Record]:
    """Rows of one type rendered against the same definitions, prepared once."""
    compiled = _compiled(record_type)
    entries = parts.entries_of(parts.shown_on(definitions, declaration(record_type).name))
    return [compiled(row, entries) for row in rows]


@cache
def _compiled(record_type: RecordType) -> Callable[[Mapping[str, Any], parts.Entries], Record]:
    """The function rendering a row of this type, compiled from its fields' expressions
    into one dict display (a call per field would cost as much as the rest)."""
    decl = declaration(record_type)
    items = ", ".join(f"{f.name!r}: {field_value(f)}" for f in decl.fields)
    source = f"def render(row, entries):\n    return {{{items}}}\n"
    namespace: dict[str, Any] = dict(_FUNCTIONS)
    exec(compile(source, f"<render {decl.name}>", "exec"), namespace)  # noqa: S102
    return namespace["render"]  # type: ignore[no-any-return]
