"""Tasks, projects and relations in snapshots: loaded with the account, checked for
references (a broken one changes nothing), dumped back, and a dump is a fixed point."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from tests.snapshot.conftest import dump_dict, load_dict, row_counts
from verdigris.errors import SnapshotError


def _with_work(sample: dict[str, Any]) -> dict[str, Any]:
    """The sample with tasks, projects and relations in its first account's header."""
    account: dict[str, Any] = {}
    account["tasks"] = [
        {"id": 1, "name": "Call Pam", "related_resource": {"id": 5, "type": "person"},
         "due_date": 1_600_000_000, "status": "Completed", "completed_date": 1_600_000_100,
         "tags": ["phone"], "date_created": 1_500_000_000, "date_modified": 1_500_000_000},
        {"id": 2, "name": "Quote", "related_resource": {"id": None, "type": None},
         "date_created": 1_500_000_000, "date_modified": 1_500_000_000},
    ]  # fmt: skip
    account["projects"] = [
        {"id": 1, "name": "Expo", "related_resource": {"id": 3, "type": "company"},
         "date_created": 1_500_000_000, "date_modified": 1_500_000_000},
    ]  # fmt: skip
    account["relations"] = [
        {"type": "project", "id": 1, "other_type": "person", "other_id": 3},
        {"type": "project", "id": 1, "other_type": "opportunity", "other_id": 4},
    ]
    given = sample["accounts"][0]
    records = {k: given.pop(k) for k in ("people", "leads")}
    given.update(account | records)
    return sample


def test_work_round_trips(engine: Engine, sample: dict[str, Any]) -> None:
    load_dict(engine, _with_work(sample))
    dumped = dump_dict(engine)["accounts"][0]
    given = sample["accounts"][0]
    assert [t["related_resource"] for t in dumped["tasks"]] == [
        {"id": 5, "type": "person"}, {"id": None, "type": None},
    ]  # fmt: skip
    for given_task, task in zip(given["tasks"], dumped["tasks"], strict=True):
        assert {k: task[k] for k in given_task} == given_task
    assert dumped["projects"][0]["related_resource"] == {"id": 3, "type": "company"}
    assert dumped["relations"] == given["relations"]
    load_dict(engine, dump_dict(engine), replace=True)
    assert dump_dict(engine)["accounts"][0] == dumped


@pytest.mark.parametrize(
    ("where", "change", "message"),
    [
        ("tasks", {"related_resource": {"id": 99, "type": "person"}},
         "tasks[0] (id 1).related_resource.id: person 99 is not in this account"),
        ("tasks", {"related_resource": {"id": 99, "type": "company"}},
         "tasks[0] (id 1).related_resource.id: 99 is not in this account"),
        ("tasks", {"status": "Done"}, "tasks[0].status: expected one of Open, Completed"),
        ("projects", {"related_resource": {"id": 5, "type": "lead"}},
         "projects[0].related_resource.type"),
        ("relations", {"other_type": "lead"}, "relations[0]: a project and lead cannot be related"),
        ("relations", {"other_id": 999},
         "relations[0].other_id: person 999 is not in this account"),
    ],
)  # fmt: skip
def test_broken_references_are_named(
    engine: Engine, sample: dict[str, Any], where: str, change: dict[str, Any], message: str
) -> None:
    _with_work(sample)["accounts"][0][where][0].update(change)
    before = row_counts(engine)
    with pytest.raises(SnapshotError) as raised:
        load_dict(engine, sample)
    assert message in raised.value.message
    assert row_counts(engine) == before
