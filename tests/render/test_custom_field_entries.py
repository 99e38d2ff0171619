"""parts.entries_of compiles, for one account's definitions, what Shown.value says of
each stored value: checked on random definitions of every data type and random stored
values, dropped options and missing keys included."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import given
from hypothesis import strategies as st

from verdigris.domain.definitions import Definition, Option
from verdigris.render.parts import entries_of, shown_on

DATA_TYPES = ["String", "Text", "Date", "Checkbox", "Dropdown", "MultiSelect", "Float",
              "Percentage", "Currency", "URL"]  # fmt: skip
OPTION_IDS = st.integers(1, 6)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.text("abc xyz", max_size=5),
    st.floats(allow_nan=False, allow_infinity=False),
)
STORED = {  # what a write may have stored (parsing/records.py checks it)
    "Dropdown": st.one_of(st.none(), OPTION_IDS),
    "MultiSelect": st.one_of(st.none(), st.lists(OPTION_IDS, max_size=4)),
}


@st.composite
def definitions(draw: st.DrawFn) -> list[Definition]:
    ids = draw(st.lists(st.integers(1, 40), unique=True, max_size=8))
    found = []
    for i in sorted(ids):
        kept = draw(st.lists(OPTION_IDS, unique=True, max_size=4))
        options = tuple(Option(o, f"o{o}", rank) for rank, o in enumerate(kept))
        on = draw(st.sampled_from([("person",), ("lead",), ("person", "lead")]))
        found.append(Definition(i, f"d{i}", draw(st.sampled_from(DATA_TYPES)), on, options))
    return found


@given(definitions(), st.data())
def test_entries_are_what_each_definition_shows(
    defined: list[Definition], data: st.DataObject
) -> None:
    shown = shown_on(defined, "person")
    stored: dict[str, Any] = {}
    for d in defined:
        if data.draw(st.booleans()):
            stored[str(d.id)] = data.draw(STORED.get(d.data_type, SCALARS))
    if data.draw(st.booleans()):
        stored["99"] = data.draw(SCALARS)  # a deleted definition's value
    text = orjson.dumps(stored).decode() if stored or data.draw(st.booleans()) else None
    expected = [
        {"custom_field_definition_id": each.id, "value": each.value(stored.get(each.key))}
        for each in shown
    ]
    entries = entries_of(shown)
    assert entries(text) == expected
    first, second = entries(None), entries(None)
    for a, b in zip(first, second, strict=True):  # no two records share a list
        if isinstance(a["value"], list):
            assert a["value"] is not b["value"]
