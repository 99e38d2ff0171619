"""Fault rules and journal patterns: what a rule matches, when it fires, what it does.

A pattern `{"method", "route", "query", "body", "status", "user_email"}` matches a request
when every field it gives matches: `route` is relative to /developer_api/v1, `{id}`
stands for a record id (digits) and `*` for anything, a trailing slash is ignored; `query` and
`body` are subsets (the body as Verdigris reads it: paging given in the query string
counts as if it were in the body).
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from verdigris.errors import BadRequest

TERMINAL = frozenset({"status", "drop", "commit_then_fail"})
ACTIONS = TERMINAL | {"delay", "interleave", "total"}
DROPS = ("close", "truncate", "hang")
PATTERN_KEYS = frozenset({"method", "route", "query", "body", "status", "user_email"})


@dataclass(frozen=True)
class Seen:
    """A request as patterns see it."""

    method: str
    route: str
    query: Mapping[str, str]
    body: Any
    user_email: str | None = None
    status: int | None = None


@lru_cache(maxsize=256)
def route_regex(template: str) -> re.Pattern[str]:
    template = "/" + template.strip().strip("/")
    pieces = re.split(r"(\{[^}]*\}|\*)", template)
    parts = ["[0-9]+" if p.startswith("{") else ".*" if p == "*" else re.escape(p) for p in pieces]
    return re.compile("".join(parts) + "/?")


def subset(wanted: Any, given: Any) -> bool:
    """Whether `wanted` is in `given`: objects key by key, everything else equal."""
    if isinstance(wanted, Mapping):
        return isinstance(given, Mapping) and all(
            k in given and subset(v, given[k]) for k, v in wanted.items()
        )
    return bool(wanted == given)  # noqa


def matches(pattern: Mapping[str, Any], seen: Seen) -> bool:
    method = pattern.get("method")
    if method and method != "*" and method.upper() != seen.method:
        return False
    route = pattern.get("route")
    if route and not route_regex(route).fullmatch(seen.route):
        return False
    if "status" in pattern and pattern["status"] != seen.status:  # noqa: SIM103
        return False
    email = pattern.get("user_email")
    if email and (seen.user_email or "").casefold() != str(email).casefold():
        return False
    query = pattern.get("query")
    if query and not subset({k: str(v) for k, v in query.items()}, seen.query):
        return False
    body = pattern.get("body")
    return not body or bool(subset(body, seen.body))


def fires(rule: Mapping[str, Any], n: int, fired: int) -> bool:
    """Whether the rule fires on its n-th match (1-based), having fired `fired` times."""
    if n <= rule.get("after", 0):
        return False
    times = rule.get("times")
    if times is not None and fired >= times:
        return False
    probability = rule.get("probability", 1.0)
    if probability >= 1.0:
        return True
    # One draw per match number: the same matches fire on every run with the same seed.
    draw: float = random.Random(f"{rule.get('seed', 0)}:{n}").random()
    return draw < float(probability)


# -- Parsing --------------------------------------------------------------------------------


def parse_pattern(value: Any, where: str = "pattern") -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequest(f"{where}: must be an object")
    unknown = set(value) - PATTERN_KEYS
    if unknown:
        raise BadRequest(f"{where}: unknown key {sorted(unknown)[0]!r}")
    for key in ("method", "route", "user_email"):
        if value.get(key) is not None and not isinstance(value[key], str):
            raise BadRequest(f"{where}.{key}: must be a string")
    for key in ("query", "body"):
        if value.get(key) is not None and not isinstance(value[key], dict):
            raise BadRequest(f"{where}.{key}: must be an object")
    return dict(value)


def parse_rule(value: Any, number: int) -> dict[str, Any]:
    """A rule as stored, defaults filled in; 400 naming the field otherwise."""
    if not isinstance(value, dict):
        raise BadRequest("a fault rule must be an object")
    name = value.get("id") or f"rule-{number}"
    return {
        "id": _string("id", name),
        "match": parse_pattern(value.get("match"), "match"),
        "after": _count("after", value.get("after", 0)),
        "times": None if value.get("times") is None else _count("times", value["times"]),
        "probability": _probability(value.get("probability", 1.0)),
        "seed": _count("seed", value.get("seed", 0)),
        "then": parse_action(value.get("then")),
    }


def parse_action(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict) or value.get("type") not in ACTIONS:
        raise BadRequest(f"then.type: must be one of {', '.join(sorted(ACTIONS))}")
    kind = value["type"]
    check = _ACTION_CHECKS.get(kind)
    if check is not None:
        check(value)
    return dict(value)


def _check_status(value: dict[str, Any]) -> None:
    status = value.get("status", 503)
    if not isinstance(status, int) or not 100 <= status <= 599:
        raise BadRequest("then.status: must be an HTTP status")
    retry = value.get("retry_after")
    if retry is not None and (not isinstance(retry, int | float) or retry < 0):
        raise BadRequest("then.retry_after: must be seconds or null")


def _check_delay(value: dict[str, Any]) -> None:
    ms = value.get("ms")
    if not isinstance(ms, int | float) or not 0 <= ms <= 120_000:
        raise BadRequest("then.ms: must be milliseconds from 0 to 120000")


def _check_drop(value: dict[str, Any]) -> None:
    if value.get("how", "close") not in DROPS:
        raise BadRequest(f"then.how: must be one of {', '.join(DROPS)}")


def _check_ghost(value: dict[str, Any]) -> None:
    if value.get("drop"):
        _check_drop({"how": value["drop"]})
    else:
        _check_status(value)


def _check_interleave(value: dict[str, Any]) -> None:
    requests = value.get("requests")
    if not isinstance(requests, list) or not requests:
        raise BadRequest("then.requests: must be a list of {method, path, body}")
    for item in requests:
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            raise BadRequest("then.requests: each needs a path")
    if value.get("when", "before") not in ("before", "after"):
        raise BadRequest("then.when: must be before or after")


def _check_total(value: dict[str, Any]) -> None:
    if not isinstance(value.get("add", value.get("set")), int):
        raise BadRequest("then: a total rule needs add or set, an integer")


_ACTION_CHECKS = {
    "status": _check_status,
    "delay": _check_delay,
    "drop": _check_drop,
    "commit_then_fail": _check_ghost,
    "interleave": _check_interleave,
    "total": _check_total,
}


def _string(key: str, value: Any) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= 200:
        raise BadRequest(f"{key}: must be a string of 1 to 200 characters")
    return value


def _count(key: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BadRequest(f"{key}: must be a whole number, 0 or more")
    return value


def _probability(value: Any) -> float:
    if not isinstance(value, int | float) or not 0 <= value <= 1:
        raise BadRequest("probability: must be from 0 to 1")
    return float(value)
