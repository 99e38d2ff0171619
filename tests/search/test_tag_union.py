"""ANY of several tags: the most used tag's holders from its counter, then each other
tag's holders that hold none of the tags before it, merged or sought (tag_union.py)."""

from __future__ import annotations

from collections.abc import Iterator
from unittest import mock

import pytest
from sqlalchemy import Engine

from tests.conftest import BACKENDS, empty_engine
from tests.copper import new_account
from tests.search.statements import Ran, statements_run
from verdigris.domain.types import RecordType
from verdigris.parsing.records import Changes
from verdigris.parsing.search import parse_search
from verdigris.search import tag_union
from verdigris.search.execute import run_search
from verdigris.storage import writes
from verdigris.storage.engine import read, write

PEOPLE = 90
TAGS = {"two": 2, "three": 3, "seven": 7, "eighty": 80}
"""Person n holds each tag whose divisor divides n: two 45, three 30, seven 13, eighty 2."""


@pytest.fixture(scope="module", params=BACKENDS)
def account(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, int]]:
    engine = empty_engine(request, tmp_path_factory, "tag_union")
    owner = new_account(engine, "tags@example.com")
    with write(engine) as conn:
        for n in range(PEOPLE):
            tags = [tag for tag, divisor in TAGS.items() if n % divisor == 0]
            fields = {"name": f"P {n}", "tags": tags}
            writes.create_record(conn, owner.account_id, RecordType.PERSON, Changes(fields), 0)
    yield engine, owner.account_id
    engine.dispose()


def _holders(tags: list[str]) -> int:
    return sum(1 for n in range(PEOPLE) if any(n % TAGS[tag] == 0 for tag in tags))


def _counted(engine: Engine, account: int, tags: list[str]) -> tuple[int, Ran]:
    """X-PW-TOTAL of people holding ANY of `tags`, and the statements that counted
    postings, with their parameters."""
    search = parse_search(RecordType.PERSON, {"tags": tags, "page_size": 1}, {}, dict)
    with read(engine) as conn, statements_run(conn) as ran:
        _, total = run_search(conn, account, 1, 0, search)
    return total, [(s, p) for s, p in ran if "count(" in s and "record_tags" in s]


@pytest.mark.parametrize(
    "tags", [["two", "three"], ["three", "seven"], ["two", "three", "seven"], ["two", "eighty"]]
)
def test_holders_of_any_tag_are_counted_once_merged_or_sought(
    account: tuple[Engine, int], tags: list[str]
) -> None:
    engine, account_id = account
    merged, _ = _counted(engine, account_id, tags)
    with mock.patch.object(tag_union, "SEEK_COST", 0):  # every posting sought
        sought, _ = _counted(engine, account_id, tags)
    assert merged == sought == _holders(tags)


def test_sqlite_merges_postings_held_alike(account: tuple[Engine, int]) -> None:
    engine, account_id = account
    total, counting = _counted(engine, account_id, ["two", "three"])
    assert total == _holders(["two", "three"])
    # 30 holders of "three" against 45 of "two": 75 entries merged, 30 seeks.
    ((statement, params),) = counting
    assert ("EXCEPT" in statement) == (engine.dialect.name == "sqlite")
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            explained = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
            plan = [row[-1] for row in explained]
        assert "MERGE (EXCEPT)" in plan, plan  # both runs read in record order, not sorted
        assert not any("TEMP B-TREE" in step for step in plan), plan


def test_a_tag_far_less_held_seeks_the_tags_before_it(account: tuple[Engine, int]) -> None:
    engine, account_id = account
    total, counting = _counted(engine, account_id, ["two", "eighty"])
    assert total == _holders(["two", "eighty"])
    # 2 holders of "eighty" against 45 of "two": 47 entries merged, 2 seeks (16 entries).
    ((statement, _),) = counting
    assert "EXCEPT" not in statement


def test_postgresql_never_merges() -> None:
    scope = mock.Mock()
    scope.conn.dialect.name = "postgresql"
    assert not tag_union._merge_pays(scope, {"a": 10, "b": 10}, "b", ["a"])
    scope.conn.dialect.name = "sqlite"
    assert tag_union._merge_pays(scope, {"a": 10, "b": 10}, "b", ["a"])
