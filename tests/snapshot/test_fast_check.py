"""The fast record check never accepts what the detailed checkers refuse."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from verdigris.snapshot import format as fmt

_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False),
    st.sampled_from(["", "a", "a\x00b", "Ann"]),
)  # fmt: skip
_entry = st.dictionaries(
    st.sampled_from(["number", "url", "email", "category", "custom_field_definition_id",
                     "value", "city", "street", "other"]),
    _scalar, max_size=3,
)  # fmt: skip
_value = st.one_of(_scalar, _entry, st.lists(st.one_of(_scalar, _entry), max_size=3))
_keys = st.sampled_from(sorted(fmt.PERSON_KINDS.keys() | fmt.LEAD_KINDS.keys() | {"zzz"}))


@settings(max_examples=3000)
@given(st.dictionaries(_keys, _value, max_size=8), st.integers(0, 9))
def test_plainly_valid_implies_valid(record: dict[str, Any], record_id: int) -> None:
    record["id"] = record_id
    if fmt.plainly_valid(record, fmt.PERSON_KINDS):
        assert fmt.PERSON(record) is None
    if fmt.plainly_valid(record, fmt.LEAD_KINDS):
        assert fmt.LEAD(record) is None


def test_sample_records_take_the_fast_path(sample: dict[str, Any]) -> None:
    for account in sample["accounts"]:
        for person in account["people"]:
            assert fmt.plainly_valid(person, fmt.PERSON_KINDS)
        for lead in account["leads"]:
            assert fmt.plainly_valid(lead, fmt.LEAD_KINDS)
