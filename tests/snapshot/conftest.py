"""Snapshot fixtures: the sample as a dict, and helpers to write, load and count."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, func, select

from tests.conftest import SAMPLE
from verdigris.snapshot.dump import dump_snapshot
from verdigris.snapshot.load import LoadOptions, LoadSummary, load_snapshot
from verdigris.storage import schema


@pytest.fixture
def sample() -> dict[str, Any]:
    return copy.deepcopy(json.loads(SAMPLE.read_text()))


def load_dict(engine: Engine, data: dict[str, Any], **kwargs: Any) -> LoadSummary:
    return load_snapshot(engine, io.BytesIO(orjson.dumps(data)), LoadOptions(**kwargs))


def dump_dict(engine: Engine, account_id: int | None = None) -> dict[str, Any]:
    out = io.BytesIO()
    dump_snapshot(engine, out, account_id)
    return orjson.loads(out.getvalue())


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in schema.metadata.sorted_tables
        }
