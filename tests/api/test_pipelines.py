"""Pipelines, pipeline stages and loss reasons over HTTP: Copper's shapes and defaults, the
sample's own, isolation; and where opportunities land in them (SPEC.md 7)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import JIM, OTHER
from tests.copper import API, Owner, add_pipeline, error, new_account
from tests.copper import create as create_record
from tests.copper import put as put_record

SALES = [(10, "Qualified", 5), (11, "Follow-up", 10), (12, "Presentation", 20),
         (13, "Contract Sent", 40), (14, "Negotiation", 80)]  # fmt: skip


def get(client: TestClient, path: str, headers: dict[str, str] = JIM) -> Any:
    response = client.get(API + path, headers=headers)
    assert response.status_code == 200, response.text
    assert "X-PW-TOTAL" not in response.headers  # plain arrays, no paging
    return response.json()


def test_pipelines_nest_their_stages_in_order(sample_client: TestClient) -> None:
    found = get(sample_client, "/pipelines")
    assert [(p["id"], p["name"]) for p in found] == [(3, "Sales"), (4, "Business Development")]
    assert list(found[0]) == ["id", "name", "stages"]
    assert found[0]["stages"][0] == {"id": 10, "name": "Qualified", "win_probability": 5}
    assert [(s["id"], s["name"], s["win_probability"]) for s in found[0]["stages"]] == SALES


def test_stages_flat_and_per_pipeline(sample_client: TestClient) -> None:
    flat = get(sample_client, "/pipeline_stages")
    assert flat[0] == {"id": 10, "name": "Qualified", "pipeline_id": 3, "win_probability": 5}
    assert list(flat[0]) == ["id", "name", "pipeline_id", "win_probability"]
    assert [s["id"] for s in flat] == list(range(10, 19))
    four = get(sample_client, "/pipeline_stages/pipeline/4")
    assert [s["id"] for s in four] == [15, 16, 17, 18]
    assert {s["pipeline_id"] for s in four} == {4}
    assert get(sample_client, "/pipeline_stages/pipeline/4/") == four  # prospyr's slash
    error(sample_client.get(f"{API}/pipeline_stages/pipeline/99", headers=JIM), 404)
    error(sample_client.get(f"{API}/pipeline_stages/pipeline/{2**70}", headers=JIM), 404)
    error(sample_client.get(f"{API}/pipeline_stages/pipeline/x", headers=JIM), 404)


def test_loss_reasons(sample_client: TestClient) -> None:
    assert get(sample_client, "/loss_reasons") == [
        {"id": 308806, "name": "Price"}, {"id": 308807, "name": "Features"},
        {"id": 308808, "name": "Competitor"},
    ]  # fmt: skip
    assert get(sample_client, "/loss_reasons?{}") == get(sample_client, "/loss_reasons")


def test_snapshot_account_without_sections_gets_copper_defaults(
    sample_client: TestClient,
) -> None:
    found = get(sample_client, "/pipelines", OTHER)
    assert [(p["id"], p["name"], len(p["stages"])) for p in found] == [
        (1, "Sales", 5), (2, "Business Development", 4)
    ]  # fmt: skip
    assert [r["name"] for r in get(sample_client, "/loss_reasons", OTHER)] == [
        "Price", "Features", "Competitor"
    ]  # fmt: skip


def test_new_account_gets_copper_defaults(client: TestClient, owner: Owner) -> None:
    found = get(client, "/pipelines", owner.headers)
    assert [s["name"] for s in found[0]["stages"]] == [s[1] for s in SALES]
    assert [s["win_probability"] for s in found[1]["stages"]] == [10, 25, 50, 75]
    assert len(get(client, "/pipeline_stages", owner.headers)) == 9
    assert len(get(client, "/loss_reasons", owner.headers)) == 3


def test_another_accounts_pipeline_is_404(sample_client: TestClient) -> None:
    error(sample_client.get(f"{API}/pipeline_stages/pipeline/3", headers=OTHER), 404)
    assert [p["id"] for p in get(sample_client, "/pipelines", OTHER)] == [1, 2]
    for path in ("/pipelines", "/pipeline_stages", "/loss_reasons"):
        error(sample_client.get(API + path, headers={**JIM, "X-PW-AccessToken": "x"}), 401)


def create(client: TestClient, **fields: Any) -> dict[str, Any]:
    return create_record(client, "opportunities", **fields)


def place(record: dict[str, Any]) -> tuple[Any, Any, Any]:
    return record["pipeline_id"], record["pipeline_stage_id"], record["win_probability"]


def test_new_opportunity_lands_in_the_first_pipeline_and_stage(sample_client: TestClient) -> None:
    assert place(create(sample_client, name="Desks")) == (3, 10, 5)
    assert place(create(sample_client, name="Desks", pipeline_id=4)) == (4, 15, 10)
    assert place(create(sample_client, name="Desks", pipeline_stage_id=17)) == (4, 17, 50)
    both = create(sample_client, name="Desks", pipeline_id=3, pipeline_stage_id=13)
    assert place(both) == (3, 13, 40)
    assert place(create(sample_client, name="Desks", win_probability=77)) == (3, 10, 77)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"pipeline_id": 3, "pipeline_stage_id": 15}, "pipeline_stage_id"),
        ({"pipeline_stage_id": 999}, "pipeline_stage_id"),
        ({"pipeline_id": 999}, "pipeline_id"),
        ({"pipeline_id": 1}, "pipeline_id"),  # the other account's
        ({"loss_reason_id": 1}, "loss_reason_id"),
        ({"loss_reason_id": "1"}, "loss_reason_id"),
        ({"close_date": "31/31/2018"}, "close_date"),
    ],
)
def test_pipeline_and_stage_must_agree(
    sample_client: TestClient, body: dict[str, Any], field: str
) -> None:
    response = sample_client.post(f"{API}/opportunities", json={"name": "x", **body}, headers=JIM)
    assert field in error(response, 400)


def test_moving_an_opportunity(sample_client: TestClient, engine: Engine, clock: Any) -> None:
    opp = create(sample_client, name="Chairs", loss_reason_id=308807)
    path = f"{API}/opportunities/{opp['id']}"
    clock.advance(5)
    moved = put_record(sample_client, "opportunities", opp["id"], pipeline_stage_id=12).json()
    assert place(moved) == (3, 12, 20) and moved["date_stage_changed"] == 1_700_000_005
    other = put_record(sample_client, "opportunities", opp["id"], pipeline_id=4).json()
    assert place(other) == (4, 15, 10)  # its stage was not one of pipeline 4's
    kept = put_record(sample_client, "opportunities", opp["id"], pipeline_id=4, win_probability=3)
    assert place(kept.json()) == (4, 15, 3)
    clock.advance(5)
    renamed = put_record(sample_client, "opportunities", opp["id"], name="Big chairs").json()
    assert place(renamed) == (4, 15, 3) and renamed["date_stage_changed"] == 1_700_000_005
    bad = sample_client.put(path, json={"pipeline_id": 3, "pipeline_stage_id": 16}, headers=JIM)
    assert "pipeline_stage_id" in error(bad, 400)
    assert place(sample_client.get(path, headers=JIM).json()) == (4, 15, 3)
    add_pipeline(engine, 1, 50, [])  # a pipeline without stages
    empty = put_record(sample_client, "opportunities", opp["id"], pipeline_id=50).json()
    assert place(empty) == (50, None, 3)


def test_account_without_pipelines_leaves_them_empty(engine: Engine, client: TestClient) -> None:
    owner = new_account(engine, "bare@example.com")
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DELETE FROM pipeline_stages WHERE account_id = {owner.account_id}")
        conn.exec_driver_sql(f"DELETE FROM pipelines WHERE account_id = {owner.account_id}")
    opp = create_record(client, "opportunities", owner.headers, name="Nowhere")
    assert place(opp) == (None, None, None)
