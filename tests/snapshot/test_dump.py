"""Dumping: id order, token hashes only, one account, text or binary output."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from sqlalchemy import Engine

from tests.snapshot.conftest import dump_dict, load_dict
from verdigris.errors import NotFound
from verdigris.snapshot import dump as dump_module
from verdigris.snapshot.dump import dump_snapshot
from verdigris.storage.accounts import hash_token


def test_dump_writes_hashes_never_tokens(engine: Engine, sample: dict[str, Any]) -> None:
    load_dict(engine, sample)
    dumped = dump_dict(engine)
    users = dumped["accounts"][0]["users"]
    assert all("api_tokens" not in u for u in users)
    assert users[1]["api_token_hashes"] == [hash_token("sample-token-jim")]
    assert "sample-token" not in json.dumps(dumped)


def test_records_in_id_order_across_batches(
    engine: Engine, sample: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dump_module, "BATCH", 2)
    sample["accounts"][0]["people"].reverse()
    load_dict(engine, sample)
    people = dump_dict(engine)["accounts"][0]["people"]
    assert [p["id"] for p in people] == [3, 4, 5, 6, 7]
    assert people[1]["followers"] == [2]


def test_one_account_and_text_output(engine: Engine, sample: dict[str, Any]) -> None:
    load_dict(engine, sample)
    out = io.StringIO()
    dump_snapshot(engine, out, account_id=2)
    dumped = json.loads(out.getvalue())
    assert [a["id"] for a in dumped["accounts"]] == [2]
    assert [lead["date_status_changed"] for lead in dumped["accounts"][0]["leads"]] == [
        1490045162, 1490045237, 1490045279,
    ]  # fmt: skip
    with pytest.raises(NotFound):
        dump_snapshot(engine, io.StringIO(), account_id=3)


def test_empty_database(engine: Engine) -> None:
    assert dump_dict(engine) == {"format": "verdigris-snapshot/1", "accounts": []}
