"""Random task and project searches agree with reference_work.py (ids in order and
X-PW-TOTAL), on every backend; the records are written through storage's writes."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from tests.conftest import BACKENDS, empty_engine
from tests.copper import new_account
from tests.search import reference_work
from verdigris.domain.declarations import PROJECT, TASK
from verdigris.domain.types import RecordType
from verdigris.parsing.records import Changes
from verdigris.parsing.search import parse_search
from verdigris.search import paging
from verdigris.search.execute import run_search
from verdigris.storage import writes
from verdigris.storage.engine import read, write
from verdigris.storage.follows import set_following
from verdigris.storage.records import custom_field_definitions

TAGS = ["a", "B", "c d"]
NAMES = ["Call", "call back", "Email", "Report", "report Q3", "Visit", "Callback  RÉPORT"]
DATES = [1_600_000_000 + 86_400 * i for i in range(8)]
Data = dict[str, Any]


def _build(engine: Engine) -> Data:
    rng = random.Random(7)
    owner = new_account(engine, "work@example.com")
    account, user = owner.account_id, owner.user_id
    data: Data = {"account": account, "user": user, "tasks": [], "projects": [],
                  "follows": {"task": set(), "project": set()}}  # fmt: skip
    with write(engine) as conn:
        people = [
            writes.create_record(conn, account, RecordType.PERSON, Changes({"name": f"P {i}"}), 1)[
                "id"
            ]
            for i in range(3)
        ]
        opps = [writes.create_record(conn, account, RecordType.OPPORTUNITY,
                                     Changes({"name": f"O {i}"}), 1)["id"]
                for i in range(2)]  # fmt: skip
        for i in range(40):
            project = _record(rng, i, "project", [("person", people), ("opportunity", opps)])
            data["projects"].append(
                writes.create_record(
                    conn, account, RecordType.PROJECT, Changes(project), DATES[i % 8]
                )
            )
        projects = [p["id"] for p in data["projects"]]
        for i in range(120):
            task = _record(
                rng, i, "task", [("person", people), ("opportunity", opps), ("project", projects)]
            )
            task |= {
                "due_date": rng.choice([None, *DATES]),
                "priority": rng.choice(["None", "High", "Low"]),
            }
            data["tasks"].append(
                writes.create_record(conn, account, RecordType.TASK, Changes(task), DATES[i % 8])
            )
        for kind, plural in ((RecordType.TASK, "tasks"), (RecordType.PROJECT, "projects")):
            for record in rng.sample(data[plural], 10):
                set_following(conn, account, user, kind, record["id"], True)
                data["follows"][kind.api_name].add(record["id"])
    return data


def _record(rng: random.Random, i: int, kind: str, related: list[tuple[str, list[int]]]) -> Data:
    record: Data = {
        "name": f"{rng.choice(NAMES)} {i}", "tags": rng.sample(TAGS, rng.randint(0, 2)),
        "status": rng.choice(["Open", "Completed"]), "assignee_id": rng.choice([None, 1]),
    }  # fmt: skip
    if rng.random() < 0.7:
        resource_kind, ids = rng.choice(related)
        record["related_resource"] = {"id": rng.choice(ids), "type": resource_kind}
    return record


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, Data]]:
    engine = empty_engine(request, tmp_path_factory, "work")
    data = _build(engine)
    yield engine, data
    engine.dispose()


def _filters(kind: str, data: Data) -> dict[str, st.SearchStrategy[Any]]:
    ids = [r["id"] for r in data[f"{kind}s"]]
    tags = st.lists(st.sampled_from([*TAGS, "x"]), max_size=2)
    common = {
        "ids": st.lists(st.sampled_from(ids + [9999]), min_size=1, max_size=3),
        "name": st.sampled_from(
            ["call", "REPORT", "q3", "zz", "1", "all b", "port q", "répo", " call", "ll ba"]
        ),
        "assignee_ids": st.lists(st.sampled_from([-2, 1, 2]), min_size=1, max_size=2),
        "statuses": st.lists(st.sampled_from(["open", "Completed"]), min_size=1, max_size=2),
        "tags": tags | st.fixed_dictionaries({}, optional={
            "option": st.sampled_from(["ANY", "ALL", "NONE"]), "value": tags,
            "allow_empty": st.booleans()}),
        "followed": st.sampled_from([1, 2]),
        "minimum_created_date": st.sampled_from(DATES),
        "maximum_modified_date": st.sampled_from(DATES),
    }  # fmt: skip
    if kind == "project":
        return common | {"status_ids": st.lists(st.sampled_from([0, 1]), min_size=1, max_size=2)}
    projects = [p["id"] for p in data["projects"]]
    return common | {
        "project_ids": st.lists(st.sampled_from([-2, *projects[:5]]), min_size=1, max_size=2),
        "opportunity_ids": st.lists(st.integers(1, 3), min_size=1, max_size=2),
        "minimum_due_date": st.sampled_from(DATES), "maximum_due_date": st.sampled_from(DATES),
    }  # fmt: skip


def _bodies(kind: str, data: Data) -> st.SearchStrategy[Data]:
    strategies = _filters(kind, data)
    sort_keys = TASK.sort_keys if kind == "task" else PROJECT.sort_keys
    chosen = st.lists(st.sampled_from(sorted(strategies)), max_size=3, unique=True)
    filters = chosen.flatmap(lambda keys: st.fixed_dictionaries({k: strategies[k] for k in keys}))
    paging_keys = st.fixed_dictionaries({}, optional={
        "sort_by": st.sampled_from(sort_keys), "sort_direction": st.sampled_from(["asc", "desc"]),
        "page_size": st.sampled_from([1, 7, 200]), "page_number": st.integers(1, 3)})  # fmt: skip
    return st.tuples(filters, paging_keys).map(lambda pair: {**pair[0], **pair[1]})


def _compare(engine: Engine, data: Data, kind: str, body: Data) -> None:
    record_type = RecordType.from_api_name(kind)
    expected = reference_work.search(kind, data[f"{kind}s"], body, data["follows"][kind])
    account, user = data["account"], data["user"]
    with read(engine) as conn:
        search = parse_search(
            record_type, body, {}, lambda: custom_field_definitions(conn, account)
        )
        assert run_search(conn, account, user, 0, search) == expected, body
        with mock.patch.object(paging, "SMALL_MATCH_SET", 0):
            assert run_search(conn, account, user, 0, search) == expected, body
        # A walk bounded to a few index entries: it gives way to sorting the matches.
        with (mock.patch.object(paging, "SMALL_MATCH_SET", 0),
              mock.patch.object(paging, "MIN_WALK_BUDGET", 1),
              mock.patch.object(paging, "WALK_SLACK", 1)):  # fmt: skip
            assert run_search(conn, account, user, 0, search) == expected, body


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data())
def test_tasks_agree_with_the_reference(loaded: tuple[Engine, Data], data: st.DataObject) -> None:
    engine, built = loaded
    _compare(engine, built, "task", data.draw(_bodies("task", built)))


@SETTINGS
@given(data=st.data())
def test_projects_agree_with_the_reference(
    loaded: tuple[Engine, Data], data: st.DataObject
) -> None:
    engine, built = loaded
    _compare(engine, built, "project", data.draw(_bodies("project", built)))
