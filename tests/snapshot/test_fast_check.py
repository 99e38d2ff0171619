"""The fast batch checks never accept what the detailed checkers refuse."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from verdigris.domain.types import RecordType
from verdigris.snapshot import fast
from verdigris.snapshot import format as fmt
from verdigris.snapshot.record_checks import record_check

PERSON_KINDS = fast.fast_kinds(RecordType.PERSON) or {}
LEAD_KINDS = fast.fast_kinds(RecordType.LEAD) or {}
PERSON, LEAD = record_check(RecordType.PERSON), record_check(RecordType.LEAD)

_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False),
    st.sampled_from(["", "a", "Ann"]),
)  # fmt: skip
_entry = st.dictionaries(
    st.sampled_from(["number", "url", "email", "category", "custom_field_definition_id",
                     "value", "city", "street", "other"]),
    _scalar, max_size=3,
)  # fmt: skip
_value = st.one_of(_scalar, _entry, st.lists(st.one_of(_scalar, _entry), max_size=3))
_keys = st.sampled_from(sorted(PERSON_KINDS.keys() | LEAD_KINDS.keys() | {"zzz"}))
_record = st.dictionaries(_keys, _value, max_size=8)
_REFS = fmt.account_refs(
    {
        "custom_field_definitions": [
            {"id": i, "data_type": data_type, "available_on": ["person"],
             "options": [{"id": 1}, {"id": 2}]}
            for i, data_type in enumerate(
                ["String", "Date", "Float", "Checkbox", "Dropdown", "MultiSelect"], start=1
            )
        ] + [{"id": 9, "data_type": "String", "available_on": ["lead"], "options": []}],
    }
)  # fmt: skip
_custom_entry = st.fixed_dictionaries(
    {"custom_field_definition_id": st.integers(0, 10)},
    optional={"value": st.one_of(_scalar, st.lists(st.integers(0, 3), max_size=3))},
)


@settings(max_examples=2000)
@given(st.lists(st.tuples(_record, st.integers(0, 9)), min_size=1, max_size=4))
def test_plainly_valid_batch_implies_valid(batch: list[tuple[dict[str, Any], int]]) -> None:
    records = []
    for record, record_id in batch:
        if record_id:  # a record without an id now and then
            record["id"] = record_id
        records.append(record)
    if fast.plainly_valid(records, PERSON_KINDS):
        assert all(PERSON(r) is None for r in records)
    if fast.plainly_valid(records, LEAD_KINDS):
        assert all(LEAD(r) is None for r in records)


@settings(max_examples=2000)
@given(st.lists(st.lists(_custom_entry, max_size=3), min_size=1, max_size=4))
def test_plain_custom_fields_imply_valid(lists: list[list[dict[str, Any]]]) -> None:
    if fast.custom_fields_plainly_valid(_REFS, "person", lists):
        assert all(fmt.custom_fields_error(_REFS, "person", e) is None for e in lists)


def test_sample_records_take_the_fast_path(sample: dict[str, Any]) -> None:
    for account in sample["accounts"]:
        refs = fmt.account_refs(account)
        assert fast.plainly_valid(account["people"], PERSON_KINDS)
        assert fast.plainly_valid(account["leads"], LEAD_KINDS)
        for key, api_name in (("people", "person"), ("leads", "lead")):
            lists = [r.get("custom_fields") for r in account[key]]
            assert fast.custom_fields_plainly_valid(refs, api_name, lists)


def test_nul_escapes_are_left_to_the_detailed_checks() -> None:
    assert fast.may_hold_nul(b'[{"title": "C\\u0000EO"}]')
    assert not fast.may_hold_nul(b'[{"title": "CEO"}]')
