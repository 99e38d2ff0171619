"""Pieces every record shares: JSON columns, address, numbers and custom fields.

Pure functions on values read from a table row; they never touch the database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson

from verdigris.domain.custom_fields import unset_value
from verdigris.domain.declarations.fields import ADDRESS_PARTS
from verdigris.domain.definitions import Definition
from verdigris.domain.numbers import MAX_EXACT


def parse_json(text: str | None, default: Any) -> Any:
    """A JSON-text column; `default` when the column is NULL or empty."""
    if not text:
        return default
    return orjson.loads(text)


def json_list(text: str | None) -> list[Any]:
    # Most list columns of most records are empty: "[]" is answered without parsing (a
    # page of 200 people parses six list columns a person).
    if text == "[]":
        return []
    value = parse_json(text, [])
    return value if isinstance(value, list) else []


def address(text: str | None) -> dict[str, Any] | None:
    """The address object with its five keys in order, or None."""
    value = parse_json(text, None)
    if not isinstance(value, dict):
        return None
    return {key: value.get(key) for key in ADDRESS_PARTS}


def number(value: float | int | None) -> float | int | None:
    """A Float column as Copper shows it: integral values as int (2500.0 -> 2500). Writes
    keep numbers within +-2**53; a bigger one (written before they did) stays a float,
    which every client can read."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= MAX_EXACT:
        return int(value)
    return value


Entries = Callable[[str | None], list[dict[str, Any]]]
"""A record's custom_fields column -> its entries, for definitions prepared once."""


def custom_fields(
    text: str | None, definitions: Sequence[Definition], type_name: str
) -> list[dict[str, Any]]:
    """Every definition available on `type_name`, in id order, with its value or unset default.

    Values of definitions that no longer exist are never listed, and option ids no longer
    among a definition's options are dropped, so schema edits never need a data rewrite
    to render right.
    """
    return entries_of(shown_on(definitions, type_name))(text)


def entries_of(shown: Sequence[Shown]) -> Entries:
    """`custom_fields` for definitions already prepared (shown_on): what Shown.value
    says, compiled once for them as records are (render/records.py). A page of 200
    people with ten definitions made 2,000 entries through a method call each, 0.44 ms
    of its 1.9 ms render."""
    values = _compiled_values(tuple(shown))
    return lambda text: values(parse_json(text, {}))


@lru_cache(maxsize=256)
def _compiled_values(shown: tuple[Shown, ...]) -> Callable[[Mapping[str, Any]], Any]:
    namespace: dict[str, Any] = {}
    items = []
    for i, each in enumerate(shown):
        namespace[f"unset_{i}"], namespace[f"options_{i}"] = each.unset, each.options
        value = _value_expression(each, f"unset_{i}", f"options_{i}")
        items.append(f"{{'custom_field_definition_id': {each.id}, 'value': {value}}}")
    source = f"def values(stored):\n    return [{', '.join(items)}]\n"
    exec(compile(source, "<custom field entries>", "exec"), namespace)  # noqa: S102
    return namespace["values"]  # type: ignore[no-any-return]


def _value_expression(each: Shown, unset: str, options: str) -> str:
    """Shown.value as an expression over `stored`; `[]` makes each record its own list."""
    stored = f"(v := stored.get({each.key!r}))"
    if each.multiple:
        kept = "v" if each.options is None else (
            f"([x for x in v if x in {options}] if isinstance(v, list) else [])"
        )  # fmt: skip
        return f"({kept} if {stored} is not None else [])"
    kept = "v" if each.options is None else f"(v if v in {options} else None)"
    return f"({kept} if {stored} is not None else {unset})"


@dataclass(frozen=True)
class Shown:
    """A definition as each record shows it: its id, the key of its stored value, what
    an unset value shows (a multiple one: a list of each record's own, so None here),
    and the options a value may name (None: any). `value` is what entries_of compiles."""

    id: int
    key: str
    unset: Any
    options: frozenset[int] | None
    multiple: bool

    def value(self, value: Any) -> Any:
        if value is None:
            return [] if self.multiple else self.unset
        if self.options is None:
            return value
        if self.multiple:
            return [v for v in value if v in self.options] if isinstance(value, list) else []
        return value if value in self.options else None


def shown_on(definitions: Sequence[Definition], type_name: str) -> list[Shown]:
    """The definitions shown on `type_name`, prepared once for a page of records (a tenth
    of a page of 200 leads' time went to testing each definition again for each)."""
    return [
        Shown(d.id, str(d.id), None if multiple else unset_value(d.data_type),
              d.option_ids if d.has_options else None, multiple)
        for d in definitions
        if d.is_on(type_name)
        for multiple in [d.data_type == "MultiSelect"]
    ]  # fmt: skip
