"""search/name_match.py: fuzziness AUTO over the indexed vocabulary."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from verdigris.domain.types import RecordType
from verdigris.search.name_match import matched_tokens, query_variants
from verdigris.storage import schema
from verdigris.storage.engine import read, write
from verdigris.storage.search_rows import insert_records

NAMES = ["Michael Scott", "José Müller-O'Brien", "Jim Halpert", "Pam Beesly", "Al Li", "Zoë"]


@pytest.fixture
def named(engine: Engine) -> Engine:
    people = [
        {"id": i, "name": n, "date_created": 1, "date_modified": 1} for i, n in enumerate(NAMES, 1)
    ]
    with write(engine) as conn:
        conn.execute(schema.accounts.insert(), [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])
        insert_records(conn, 1, RecordType.PERSON, people, {})
        other = [{"id": 1, "name": "Michelle Obama", "date_created": 1, "date_modified": 1}]
        insert_records(conn, 2, RecordType.PERSON, other, {})
    return engine


def tokens(engine: Engine, query: str) -> list[str]:
    with read(engine) as conn:
        return matched_tokens(conn, 1, query)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Micheal", ["michael"]),  # a swap is one edit
        ("Mihcael Scot", ["michael", "scott"]),
        ("jose MULLER", ["jose", "muller"]),  # accents and case are folded away
        ("obrien", ["brien"]),  # "o" and "brien" are separate tokens; one deletion away
        ("Brian", ["brien"]),
        ("Jo", []),  # two letters must be equal
        ("Al", ["al"]),
        ("Pan", ["pam"]),  # three to five letters: one edit
        ("Halpret", ["halpert"]),
        ("Halprte", ["halpert"]),  # two edits: allowed from six letters on
        ("Michelle", []),  # three edits from "michael"; account 2's "michelle" is not seen
        ("zoe", ["zoe"]),
        ("(( ))", []),
    ],
)
def test_matched_tokens(named: Engine, query: str, expected: list[str]) -> None:
    assert tokens(named, query) == expected


def test_query_variants_depth_follows_the_budget() -> None:
    assert set(query_variants("jo")) == {"jo"}
    assert set(query_variants("pam")) == {"pam", "am", "pm", "pa"}
    assert "mchal" in query_variants("michael")
    assert query_variants("x" * 40) == {"x" * 40: {"x" * 40}}  # too long: exact only
