"""Values sampled out of the benchmark database, so every request asks for real data.

Read once per run (a few aggregate queries); variants then draw from them with a seeded
RNG. Nothing here writes, except `ensure_token`, which gives the bench a known API token.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from random import Random
from typing import Any

from sqlalchemy import Connection, Engine, text

from verdigris.storage.accounts import hash_token

BENCH_TOKEN = "verdigris-bench-token"
SAMPLE_ROWS = 2000
RECORD_TYPE = {"people": 1, "leads": 2}


@dataclass
class Weighted:
    """Values with their record counts; draws follow the data's own skew."""

    counts: list[tuple[Any, int]]

    def pick(self, rng: Random) -> Any:
        values, weights = zip(*self.counts, strict=True)
        return rng.choices(values, weights)[0]

    def uniform(self, rng: Random) -> Any:
        return rng.choice(self.counts)[0]

    def top(self, n: int = 1) -> list[Any]:
        return [v for v, _ in sorted(self.counts, key=lambda c: -c[1])[:n]]

    def rare(self, rng: Random, at_most: int = 20) -> Any:
        few = [v for v, n in self.counts if n <= at_most] or [
            min(self.counts, key=lambda c: c[1])[0]
        ]
        return rng.choice(few)


@dataclass
class RecordValues:
    """What one record table holds: sample rows, distributions and ranges."""

    record: str
    rows: list[dict[str, Any]]
    total: int
    dist: dict[str, Weighted] = field(default_factory=dict)
    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    tokens: Weighted = field(default_factory=lambda: Weighted([("", 1)]))
    custom_fields: list[dict[str, Any]] = field(default_factory=list)
    custom_values: dict[int, list[Any]] = field(default_factory=dict)

    def row(self, rng: Random) -> dict[str, Any]:
        return rng.choice(self.rows)

    def between(self, rng: Random, column: str, share: float) -> tuple[int, int]:
        """A random window of `column` covering about `share` of its span."""
        low, high = self.ranges[column]
        width = max(1, int((high - low) * share))
        start = rng.randint(low, max(low, high - width))
        return start, start + width


@dataclass
class Values:
    """Everything variants draw from: the account, its users and both record tables."""

    account_id: int
    user_id: int
    email: str
    token: str
    users: list[int]
    opportunities: list[int]
    tables: dict[str, RecordValues]

    def __getitem__(self, record: str) -> RecordValues:
        return self.tables[record]


def ensure_token(engine: Engine) -> tuple[int, int, str]:
    """(account, user, email) of the account with most people, with BENCH_TOKEN issued."""
    with engine.begin() as conn:
        account = conn.execute(
            text("SELECT account_id FROM people GROUP BY account_id ORDER BY count(*) DESC LIMIT 1")
        ).scalar()
        if account is None:
            raise SystemExit("the benchmark database has no people: load a dataset first")
        user = conn.execute(
            text("SELECT id, email FROM users WHERE account_id = :a ORDER BY id LIMIT 1"),
            {"a": account},
        ).one()
        digest = hash_token(f"{BENCH_TOKEN}-{account}")
        conn.execute(text("DELETE FROM api_tokens WHERE token_hash = :h"), {"h": digest})
        conn.execute(
            text(
                "INSERT INTO api_tokens (token_hash, account_id, user_id, created_at)"
                " VALUES (:h, :a, :u, 0)"
            ),
            {"h": digest, "a": account, "u": user.id},
        )
    return int(account), int(user.id), str(user.email)


def sample(engine: Engine, seed: int = 4) -> Values:
    account, user, email = ensure_token(engine)
    with engine.connect() as conn:
        users = _column(conn, "SELECT id FROM users WHERE account_id = :a", account)
        opportunities = _column(
            conn,
            "SELECT id FROM relations WHERE account_id = :a AND type = 4 AND other_type = 1"
            " GROUP BY id",
            account,
        )
        tables = {r: _record_values(conn, account, r, seed) for r in ("people", "leads")}
    return Values(account, user, email, f"{BENCH_TOKEN}-{account}", users, opportunities, tables)


def _column(conn: Connection, sql: str, account: int) -> list[Any]:
    return list(conn.execute(text(sql), {"a": account}).scalars())


def _grouped(conn: Connection, sql: str, params: dict[str, Any]) -> Weighted:
    rows = [(v, int(n)) for v, n in conn.execute(text(sql), params) if v is not None]
    return Weighted(rows or [(None, 1)])


def _record_values(conn: Connection, account: int, record: str, seed: int) -> RecordValues:
    params = {"a": account, "t": RECORD_TYPE[record]}
    total = conn.execute(text(f"SELECT count(*) FROM {record} WHERE account_id = :a"), params)
    ids = _column(conn, f"SELECT id FROM {record} WHERE account_id = :a", account)
    picked = Random(seed).sample(ids, min(SAMPLE_ROWS, len(ids)))
    rows = [
        dict(r._mapping)
        for r in conn.execute(
            text(
                f"SELECT * FROM {record} WHERE account_id = :a"
                f" AND id IN ({','.join(map(str, picked))})"
            ),
            params,
        )
    ]
    values = RecordValues(record, rows, int(total.scalar() or 0))
    for column in (
        "state_match",
        "city_match",
        "country_match",
        "postal_code_match",
        "assignee_id",
        *_ID_COLUMNS[record],
    ):
        values.dist[column] = _grouped(
            conn,
            f"SELECT {column}, count(*) FROM {record} WHERE account_id = :a GROUP BY {column}",
            params,
        )
    values.dist["tag"] = _grouped(
        conn,
        "SELECT tag_key, count(*) FROM record_tags WHERE account_id = :a"
        " AND record_type = :t GROUP BY tag_key",
        params,
    )
    values.tokens = _grouped(
        conn,
        "SELECT token, count(*) FROM name_tokens WHERE account_id = :a"
        " AND record_type = :t GROUP BY token",
        params,
    )
    for column in _RANGES[record]:
        low, high = conn.execute(
            text(f"SELECT min({column}), max({column}) FROM {record} WHERE account_id = :a"), params
        ).one()
        values.ranges[column] = (int(low or 0), int(high or 0))
    values.custom_fields = _custom_fields(conn, account, record)
    values.custom_values = used_values(rows)
    return values


_ID_COLUMNS = {
    "people": ("contact_type_id", "company_id"),
    "leads": ("customer_source_id", "status_id"),
}
_RANGES = {
    "people": ("date_created", "date_modified", "date_last_contacted", "interaction_count"),
    "leads": (
        "date_created",
        "date_modified",
        "date_last_contacted",
        "interaction_count",
        "monetary_value",
        "date_status_changed",
    ),
}


def _custom_fields(conn: Connection, account: int, record: str) -> list[dict[str, Any]]:
    """Definitions available on this record type, with their options and used values."""
    on = "person" if record == "people" else "lead"
    defs = conn.execute(
        text(
            "SELECT id, data_type, available_on FROM custom_field_definitions"
            " WHERE account_id = :a ORDER BY id"
        ),
        {"a": account},
    ).all()
    found = []
    for d in defs:
        if on not in json.loads(d.available_on):
            continue
        options = _column(
            conn,
            f"SELECT id FROM custom_field_options WHERE account_id = :a"
            f" AND definition_id = {int(d.id)}",
            account,
        )
        found.append({"id": int(d.id), "data_type": d.data_type, "options": options})
    return found


def used_values(rows: list[dict[str, Any]]) -> dict[int, list[Any]]:
    """Values of each custom field among the sample rows (sorted, distinct)."""
    seen: dict[int, Counter[Any]] = {}
    for row in rows:
        for key, value in json.loads(row["custom_fields"] or "{}").items():
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                seen.setdefault(int(key), Counter())[value] += 1
    return {k: sorted(c, key=str) for k, c in seen.items()}
