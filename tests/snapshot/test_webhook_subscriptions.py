"""Webhook subscriptions ride in snapshots: loaded with the account, dumped back
(signing secrets included: a dump is a backup), and a dump is a fixed point."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from tests.snapshot.conftest import dump_dict, load_dict
from verdigris.errors import SnapshotError

HOOKS = [
    {"id": 1, "target": "https://example.com/a", "type": "lead", "event": "new",
     "secret": {"secret": "s"}, "headers": {"X-Key": "k"}, "custom_field_computed_values": True,
     "created_at": 1_700_000_000},
    {"id": 2, "target": "https://example.com/b", "type": "person", "event": "update",
     "secret": {}, "headers": {}, "custom_field_computed_values": False,
     "created_at": 1_700_000_001, "signing_secret": "whsec_abc"},
]  # fmt: skip


def _with_hooks(sample: dict[str, Any], hooks: list[dict[str, Any]]) -> dict[str, Any]:
    account = sample["accounts"][0]
    records = {k: account.pop(k) for k in ("companies", "opportunities", "people", "leads")}
    account.update({"webhooks": hooks} | records)
    return sample


def test_subscriptions_round_trip(engine: Engine, sample: dict[str, Any]) -> None:
    load_dict(engine, _with_hooks(sample, HOOKS))
    dumped = dump_dict(engine)
    assert dumped["accounts"][0]["webhooks"] == HOOKS
    assert "webhooks" not in dumped["accounts"][1]
    load_dict(engine, dumped, replace=True)
    assert dump_dict(engine) == dumped


@pytest.mark.parametrize("change", [{"type": "deal"}, {"event": "changed"}, {"target": None}])
def test_bad_subscriptions_are_refused(
    engine: Engine, sample: dict[str, Any], change: dict[str, Any]
) -> None:
    with pytest.raises(SnapshotError, match="webhooks"):
        load_dict(engine, _with_hooks(sample, [HOOKS[0] | change]))
