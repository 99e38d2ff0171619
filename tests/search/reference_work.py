"""A slow, obviously correct search over tasks and projects in memory, written from
SPEC.md 7 and copper-surface 1-2 alone (it shares no code with src/verdigris)."""

from __future__ import annotations

from typing import Any

CAP = 100_000
DEFAULT_SORT = {"task": "due_date", "project": "name"}
SORT_COLUMNS = {
    "assigned_to": "assignee_id", "status": "status", "priority": "priority",
    "due_date": "due_date", "reminder_date": "reminder_date",
    "completed_date": "completed_date", "date_created": "date_created",
    "date_modified": "date_modified",
}  # fmt: skip
STATUSES = ("Open", "Completed")


def _ids(value: Any) -> list[Any]:
    return [v for v in (value if isinstance(value, list) else [value]) if v is not None]


def _related(record: dict[str, Any], kind: str) -> int | None:
    resource = record.get("related_resource") or {}
    return resource.get("id") if resource.get("type") == kind else None


def _tags_ok(record: dict[str, Any], spec: Any) -> bool:
    have = {t.strip().casefold() for t in record.get("tags") or []}
    if isinstance(spec, dict):
        option, values, allow = (
            (spec.get("option") or "ANY").upper(),
            spec.get("value"),
            bool(spec.get("allow_empty")),
        )
    else:
        option, values, allow = "ANY", spec, False
    wanted = {v.strip().casefold() for v in _ids(values) if v.strip()}
    if not wanted:
        return not have if allow else True
    hit = {"ALL": wanted <= have, "NONE": not wanted & have}.get(option, bool(wanted & have))
    return hit or (allow and not have)


def _bound(actual: Any, low: Any, high: Any) -> bool:
    if low is None and high is None:
        return True
    return (
        actual is not None and (low is None or actual >= low) and (high is None or actual <= high)
    )


def matches(kind: str, record: dict[str, Any], body: dict[str, Any], follows: set[int]) -> bool:  # noqa: C901
    g = body.get
    checks = []
    if _ids(g("ids")):
        checks.append(record["id"] in _ids(g("ids")))
    if g("name"):
        checks.append(g("name").casefold() in record["name"].casefold())
    if _ids(g("assignee_ids")):
        wanted = _ids(g("assignee_ids"))
        checks.append(
            record["assignee_id"] in wanted or (-2 in wanted and record["assignee_id"] is None)
        )
    for key, related_kind in (("opportunity_ids", "opportunity"), ("project_ids", "project")):
        wanted = _ids(g(key)) if kind == "task" else []
        if wanted:
            found = _related(record, related_kind)
            none_ok = key == "project_ids" and -2 in wanted and found is None
            checks.append(found in wanted or none_ok)
    if _ids(g("statuses")):
        checks.append(record["status"].casefold() in {s.casefold() for s in _ids(g("statuses"))})
    if kind == "project" and _ids(g("status_ids")):
        checks.append(record["status"] in {STATUSES[i] for i in _ids(g("status_ids"))})
    if g("tags") is not None:
        checks.append(_tags_ok(record, g("tags")))
    if g("followed") is not None:
        checks.append((record["id"] in follows) == (g("followed") == 1))
    bounds = [("created_date", "date_created"), ("modified_date", "date_modified")]
    if kind == "task":
        bounds.append(("due_date", "due_date"))
    for name, column in bounds:
        checks.append(_bound(record.get(column), g(f"minimum_{name}"), g(f"maximum_{name}")))
    return all(checks)


def sort_value(record: dict[str, Any], sort_by: str) -> Any:
    if sort_by == "name":
        return record["name"].casefold() if record["name"].strip() else None
    if sort_by == "related_to":
        return (record.get("related_resource") or {}).get("id")
    return record.get(SORT_COLUMNS[sort_by])


def search(
    kind: str, records: list[dict[str, Any]], body: dict[str, Any], follows: set[int]
) -> tuple[list[int], int]:
    found = [r for r in records if matches(kind, r, body, follows)]
    sort_by = body.get("sort_by") or DEFAULT_SORT[kind]
    descending = (body.get("sort_direction") or "asc").lower() == "desc"
    filled = sorted((r for r in found if sort_value(r, sort_by) is not None), key=lambda r: r["id"])
    filled.sort(key=lambda r: sort_value(r, sort_by), reverse=descending)
    empty = sorted((r for r in found if sort_value(r, sort_by) is None), key=lambda r: r["id"])
    ordered = [r["id"] for r in filled + empty][:CAP]
    size, number = body.get("page_size") or 20, body.get("page_number") or 1
    return ordered[(number - 1) * size : number * size], min(len(found), CAP)
