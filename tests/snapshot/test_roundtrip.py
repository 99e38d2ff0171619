"""load -> dump gives back the records; dump -> load -> dump is a fixed point."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from tests.snapshot.conftest import dump_dict, load_dict
from verdigris.storage.accounts import hash_token

_SUBSET_SECTIONS = ("companies", "opportunities")


def _expected_header(account: dict[str, Any]) -> dict[str, Any]:
    """The input account as dump writes it: token hashes, no records."""
    users = [
        {k: v for k, v in u.items() if k != "api_tokens"}
        | {"api_token_hashes": sorted(hash_token(t) for t in u["api_tokens"])}
        for u in account["users"]
    ]
    skip = ("users", "people", "leads", *_SUBSET_SECTIONS)
    return {k: v for k, v in account.items() if k not in skip} | {"users": users}


def test_sample_round_trips(engine: Engine, sample: dict[str, Any]) -> None:
    load_dict(engine, sample)
    dumped = dump_dict(engine)
    for given_account, account in zip(sample["accounts"], dumped["accounts"], strict=True):
        assert account["people"] == given_account["people"]
        assert account["leads"] == given_account["leads"]
        header = {k: v for k, v in account.items() if k in _expected_header(given_account)}
        assert header == _expected_header(given_account)
        for section in _SUBSET_SECTIONS:
            for given_row, row in zip(given_account[section], account[section], strict=True):
                assert {k: row[k] for k in given_row} == given_row


def test_dump_loads_back_identically(engine: Engine, sample: dict[str, Any]) -> None:
    load_dict(engine, sample)
    first = dump_dict(engine)
    load_dict(engine, first, replace=True)
    assert dump_dict(engine) == first


_chars = st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00")
_text = st.one_of(st.none(), st.text(_chars, max_size=12))
# Single spaces: a loaded name with parts is rebuilt as `first [middle] last`.
_word = st.text("abcdéß'-", min_size=1, max_size=8)
_tag = st.text("abcXYZ ", min_size=1, max_size=6)
_time = st.integers(0, 2**40)
_entry = st.fixed_dictionaries({"number": st.text("0123456789 +-()", min_size=1, max_size=14),
                                "category": st.sampled_from(["work", "mobile"])})  # fmt: skip


@st.composite
def _people(draw: st.DrawFn) -> list[dict[str, Any]]:
    ids = draw(st.lists(st.integers(1, 10**9), min_size=1, max_size=6, unique=True))
    people = []
    for i in sorted(ids):
        people.append({
            "id": i, "name": " ".join(draw(st.lists(_word, min_size=1, max_size=3))),
            "title": draw(_text), "details": draw(_text),
            "tags": draw(st.lists(_tag, max_size=3, unique=True)),
            "phone_numbers": draw(st.lists(_entry, max_size=2)),
            "emails": [{"email": f"p{i}@example.com", "category": "work"}],
            "date_created": draw(_time), "date_modified": draw(_time),
            "date_last_contacted": draw(st.none() | st.integers(0, 2**40)),
            "interaction_count": draw(st.integers(0, 10**6)),
            "custom_fields": [{"custom_field_definition_id": 1,
                               "value": draw(st.none() | st.floats(-1e9, 1e9))}],
        })  # fmt: skip
    return people


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people=_people())
def test_generated_people_round_trip(engine: Engine, people: list[dict[str, Any]]) -> None:
    account = {
        "id": 1, "name": "Generated", "users": [],
        "custom_field_definitions": [{"id": 1, "name": "Score", "data_type": "Float",
                                      "available_on": ["person"], "options": []}],
        "people": people,
    }  # fmt: skip
    load_dict(engine, {"format": "verdigris-snapshot/1", "accounts": [account]}, replace=True)
    dumped = dump_dict(engine)["accounts"][0]["people"]
    assert [p["id"] for p in dumped] == [p["id"] for p in people]
    for given_person, person in zip(people, dumped, strict=True):
        assert {k: person[k] for k in given_person} == given_person
    load_dict(engine, dump_dict(engine), replace=True)
    assert dump_dict(engine)["accounts"][0]["people"] == dumped
