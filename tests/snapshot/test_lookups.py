"""Snapshots and the opportunity lookups, custom activity types and tag names: sections
load and dump, missing ones are Copper's defaults, broken ones change nothing and say
which row is wrong."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from tests.snapshot.conftest import dump_dict, load_dict, row_counts
from verdigris.domain.lookup_defaults import (
    default_activity_types,
    default_loss_reasons,
    default_pipelines,
)
from verdigris.errors import SnapshotError
from verdigris.storage import tags
from verdigris.storage.engine import read

FORMAT = "verdigris-snapshot/1"


def account(**sections: Any) -> dict[str, Any]:
    return {"format": FORMAT, "accounts": [{"id": 1, "name": "A", **sections}]}


def test_missing_sections_are_copper_defaults(engine: Engine) -> None:
    load_dict(engine, account())
    dumped = dump_dict(engine)["accounts"][0]
    assert dumped["pipelines"] == default_pipelines()
    assert dumped["loss_reasons"] == default_loss_reasons()
    assert dumped["activity_types"] == default_activity_types()
    assert dumped["activity_types"][3] == {
        "id": 3, "category": "user", "name": "To Do", "count_as_interaction": False,
        "icon_type": "Todo", "is_default_task_type": True,
    }  # fmt: skip


def test_empty_sections_stay_empty(engine: Engine) -> None:
    load_dict(engine, account(pipelines=[], loss_reasons=[], activity_types=[]))
    dumped = dump_dict(engine)["accounts"][0]
    assert (dumped["pipelines"], dumped["loss_reasons"], dumped["activity_types"]) == ([], [], [])


def test_sections_round_trip(engine: Engine) -> None:
    given = account(
        pipelines=[{"id": 7, "name": "P",
                    "stages": [{"id": 9, "name": "B", "win_probability": None},
                               {"id": 8, "name": "A", "win_probability": 50}]},
                   {"id": 6, "name": "Empty", "stages": []}],
        loss_reasons=[{"id": 5, "name": "Price"}],
        activity_types=[{"id": 4, "category": "user", "name": "Visit", "icon_type": "Room",
                         "count_as_interaction": True, "is_disabled": True},
                        {"id": 1, "category": "system", "name": "Property Changed",
                         "count_as_interaction": False}],
        opportunities=[{"id": 1, "name": "O", "pipeline_id": 7, "pipeline_stage_id": 8,
                        "loss_reason_id": 5, "close_date": "1/5/2018", "tags": ["Q1"]}],
    )  # fmt: skip
    load_dict(engine, given)
    dumped = dump_dict(engine)["accounts"][0]
    # stages stay in their file order; pipelines come by id
    assert dumped["pipelines"] == sorted(given["accounts"][0]["pipelines"], key=lambda p: p["id"])
    assert dumped["loss_reasons"] == [{"id": 5, "name": "Price"}]
    assert sorted(dumped["activity_types"], key=lambda t: t["category"]) == sorted(
        given["accounts"][0]["activity_types"], key=lambda t: t["category"]
    )
    (opp,) = dumped["opportunities"]
    assert (opp["pipeline_id"], opp["pipeline_stage_id"], opp["close_date"]) == (7, 8, "1/5/2018")
    assert "company_name_key" not in opp and "primary_contact_key" not in opp
    load_dict(engine, dump_dict(engine), replace=True)
    assert dump_dict(engine)["accounts"][0] == dumped


def test_tag_names_are_their_first_spelling_in_the_file(engine: Engine) -> None:
    load_dict(engine, account(
        companies=[{"id": 1, "name": "C", "tags": ["  Vip "]}],
        people=[{"id": 1, "name": "P", "tags": ["VIP", "east"]}],
        leads=[{"id": 1, "name": "L", "tags": ["vip"], "converted_at": 5}],
    ))  # fmt: skip
    with read(engine) as conn:
        found = {t["name"]: t for t in tags.list_tags(conn, 1)}
    assert list(found) == ["east", "Vip"]
    assert (found["Vip"]["count"], found["Vip"]["count_leads"]) == (3, 1)


@pytest.mark.parametrize(
    ("sections", "where"),
    [
        ({"pipelines": [{"id": 1, "name": "P", "stages": [{"id": 2, "name": "S"}]},
                        {"id": 3, "name": "Q", "stages": [{"id": 2, "name": "T"}]}]},
         "pipelines[1].stages[0].id"),
        ({"pipelines": [{"id": 1, "name": "P", "stages": [{"id": 2, "name": "S",
                                                            "win_probability": 101}]}]},
         "pipelines[0].stages[0].win_probability"),
        ({"pipelines": [{"id": 1, "name": "P"}, {"id": 1, "name": "Q"}]}, "pipelines[1].id"),
        ({"loss_reasons": [{"id": 1}]}, "loss_reasons[0].name"),
        ({"activity_types": [{"id": 1, "category": "user", "name": "A", "icon_type": "Rocket"}]},
         "activity_types[0].icon_type"),
        ({"activity_types": [
            {"id": 1, "category": "user", "name": "A", "is_default_task_type": True},
            {"id": 2, "category": "user", "name": "B", "is_default_task_type": True}]},
         "activity_types[1].is_default_task_type"),
        ({"opportunities": [{"id": 4, "name": "O", "pipeline_id": 1, "pipeline_stage_id": 6}]},
         "opportunities[0] (id 4).pipeline_stage_id"),
        ({"opportunities": [{"id": 4, "name": "O", "pipeline_id": 99}]},
         "opportunities[0] (id 4).pipeline_id"),
        ({"opportunities": [{"id": 4, "name": "O", "pipeline_stage_id": 99}]},
         "opportunities[0] (id 4).pipeline_stage_id"),
        ({"opportunities": [{"id": 4, "name": "O", "loss_reason_id": 99}]},
         "opportunities[0] (id 4).loss_reason_id"),
        ({"companies": [{"id": 1, "name": "A", "email_domain": "a.com"},
                        {"id": 2, "name": "B", "email_domain": " A.COM"}]},
         "companies[1] (id 2).email_domain"),
    ],
)  # fmt: skip
def test_broken_sections_change_nothing(
    engine: Engine, sections: dict[str, Any], where: str
) -> None:
    before = row_counts(engine)
    with pytest.raises(SnapshotError) as raised:
        load_dict(engine, account(**sections, people=[{"id": 1, "name": "P"}]))
    assert f"accounts[0] (id 1).{where}" in str(raised.value)
    assert row_counts(engine) == before
