"""A search reads the counters it is counted from and the population it plans from in
one statement (execute._read_counters), and the totals are those of counting."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from tests.conftest import BACKENDS, empty_engine
from tests.copper import new_account
from tests.search.statements import statements_run
from verdigris.domain.types import RecordType
from verdigris.parsing.records import Changes
from verdigris.parsing.search import parse_search
from verdigris.search.execute import run_search
from verdigris.storage import writes
from verdigris.storage.engine import read, write

PEOPLE = 60
STATES = ("PA", "OH", "NY")
"""Person n lives in STATES[n % 3] and is assigned to the owner when n is even; the
first 20 have neither. Every person holds the tags of TAGS that divide n."""
TAGS = {"two": 2, "three": 3, "five": 5}


def _people(owner_assigned: bool | None = None, state: str | None = None) -> int:
    """How many people the fixture holds with an owner (or not) and in `state`."""
    matching = [
        n for n in range(20, PEOPLE)
        if (owner_assigned is None or (n % 2 == 0) == owner_assigned)
        and (state is None or STATES[n % 3] == state)
    ]  # fmt: skip
    return len(matching)


@pytest.fixture(scope="module", params=BACKENDS)
def account(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, int, int]]:
    engine = empty_engine(request, tmp_path_factory, "counters")
    owner = new_account(engine, "counters@example.com")
    with write(engine) as conn:
        for n in range(PEOPLE):
            tags = [tag for tag, divisor in TAGS.items() if n % divisor == 0]
            fields: dict[str, object] = {"name": f"P {n}", "tags": tags}
            if n >= 20:
                fields["address"] = {"state": STATES[n % 3]}
                fields["assignee_id"] = owner.user_id if n % 2 == 0 else None
            writes.create_record(conn, owner.account_id, RecordType.PERSON, Changes(fields), 0)
    yield engine, owner.account_id, owner.user_id
    engine.dispose()


def _search(engine: Engine, account: int, body: dict[str, object]) -> tuple[int, list[str]]:
    search = parse_search(RecordType.PERSON, body, {}, dict)
    with read(engine) as conn, statements_run(conn) as ran:
        _, total = run_search(conn, account, 1, 0, search)
    return total, [statement for statement, _ in ran if "value_counts" in statement]


@pytest.mark.parametrize("state", [*STATES, "WY"])
def test_an_address_value_and_the_population_are_read_in_one_statement(
    account: tuple[Engine, int, int], state: str
) -> None:
    engine, account_id, _ = account
    total, counter_reads = _search(engine, account_id, {"state": state, "page_size": 5})
    assert total == _people(state=state)
    assert len(counter_reads) == 1
    assert "value_counts.field IN" in counter_reads[0]


@pytest.mark.parametrize(("owner", "none"), [(True, False), (True, True), (False, True)])
def test_assignees_and_the_population_are_read_in_one_statement(
    account: tuple[Engine, int, int], owner: bool, none: bool
) -> None:
    engine, account_id, user_id = account
    assignees = [user_id] * owner + [-2] * none
    total, counter_reads = _search(engine, account_id, {"assignee_ids": assignees})
    unassigned = _people(owner_assigned=False) + 20
    assert total == _people(owner_assigned=True) * owner + unassigned * none
    assert len(counter_reads) == 1


def test_a_search_without_filters_reads_the_population_once(
    account: tuple[Engine, int, int],
) -> None:
    total, counter_reads = _search(account[0], account[1], {"page_size": 5})
    assert total == PEOPLE
    assert len(counter_reads) == 1


@pytest.mark.parametrize("option", ["ANY", "ALL"])
def test_tags_counters_are_read_once(account: tuple[Engine, int, int], option: str) -> None:
    """ALL of several tags reads their counters to start from the least held, ANY to
    count their holders; neither reads them again."""
    chosen = ["five", "two", "three"]
    body = {"tags": {"value": chosen, "option": option}, "page_size": 5}
    total, counter_reads = _search(account[0], account[1], body)
    held = [n for n in range(PEOPLE) if any(n % TAGS[t] == 0 for t in chosen)]
    if option == "ALL":
        held = [n for n in range(PEOPLE) if all(n % TAGS[t] == 0 for t in chosen)]
    assert total == len(held)
    assert len(counter_reads) == 1
