"""Bodies of `POST /webhooks` and `PUT /webhooks/{id}` (SPEC.md 8): checked here, so
storage receives a validated subscription. Copper answers these errors with 422."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from verdigris.errors import BadRequest, Unprocessable
from verdigris.parsing import values as v

TYPES = ("lead", "person", "company", "opportunity", "project", "task", "activity_log")
EVENTS = ("new", "update", "delete")
COMPUTED = "custom_field_computed_values"
ADMIN_PREFIX = "/_verdigris"
"""The test kit's admin routes: a subscription may never point at them."""


@dataclass(frozen=True)
class Subscription:
    target: str | None = None
    type: str | None = None
    event: str | None = None
    secret: dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    computed_values: bool | None = None
    signing_secret: str | None = None


def parse_subscription(body: Mapping[str, Any], creating: bool, allow_http: bool) -> Subscription:
    """A new subscription (target, type, event required) or the changes of one (type and
    event cannot change: Copper)."""
    target = _target(body.get("target"), allow_http) if body.get("target") is not None else None
    if creating and target is None:
        raise Unprocessable("target: required")
    kind = _one_of("type", body.get("type"), TYPES) if creating else None
    event = _one_of("event", body.get("event"), EVENTS) if creating else None
    if kind == "activity_log" and event != "new":
        raise Unprocessable("event: activity_log subscriptions take only new")
    return Subscription(
        target, kind, event,
        _object("secret", body.get("secret")), _headers(body.get("headers")),
        v.optional(v.boolean)(COMPUTED, body.get(COMPUTED)),
        v.optional(v.string)("signing_secret", body.get("signing_secret")),
    )  # fmt: skip


def _target(value: Any, allow_http: bool) -> str:
    text = v.string("target", value).strip()
    parts = urlsplit(text)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme.lower() not in schemes or not parts.hostname:
        raise Unprocessable("Invalid input: Invalid URI For External Request")
    if parts.path.startswith(ADMIN_PREFIX):
        raise Unprocessable("target: must not point at the server's admin routes")
    return text


def _one_of(field: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise Unprocessable(f"{field}: must be one of {', '.join(allowed)}")
    return str(value)


def _object(field: str, value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadRequest(f"{field}: must be an object")
    return {str(k): v.string(f"{field}.{k}", item) for k, item in value.items()}


def _headers(value: Any) -> dict[str, str] | None:
    found = _object("headers", value)
    for name in found or {}:
        if not name or any(c in name for c in ":\r\n ") or not name.isascii():
            raise BadRequest(f"headers.{name}: not a valid header name")
    for name, text in (found or {}).items():
        if "\r" in text or "\n" in text:
            raise BadRequest(f"headers.{name}: must not contain line breaks")
    return found
