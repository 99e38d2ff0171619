"""Checks of a snapshot account that span its lookup sections and header records: stage
ids unique across pipelines, one default task type, companies' email domains unique,
and each opportunity's pipeline, stage and loss reason those of the account (a stage of
the pipeline it names). Each returns "<relative path>: <what is wrong>" or None."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from verdigris.domain.lookup_defaults import DEFAULT_SECTIONS
from verdigris.domain.text import match_key

Rows = list[dict[str, Any]]


def fill_defaults(sections: dict[str, Any]) -> None:
    """Copper's defaults for each seeded section the file does not have."""
    for name, make in DEFAULT_SECTIONS.items():
        if name not in sections:
            sections[name] = make()


def section_error(section: str, rows: Rows) -> str | None:
    """What a valid section's shape cannot say: stage ids are unique across pipelines;
    at most one activity type is the default task type."""
    if section == "pipelines":
        seen: set[int] = set()
        for i, pipeline in enumerate(rows):
            for j, stage in enumerate(pipeline.get("stages") or ()):
                if stage["id"] in seen:
                    return f"[{i}].stages[{j}].id: duplicate stage id {stage['id']}"
                seen.add(stage["id"])
    if section == "activity_types":
        defaults = [i for i, t in enumerate(rows) if t.get("is_default_task_type")]
        if len(defaults) > 1:
            return f"[{defaults[1]}].is_default_task_type: only one type can be the default"
    return None


def companies_error(sections: Mapping[str, Any]) -> str | None:
    """Email domains name one company each (case-insensitive)."""
    seen: dict[str, int] = {}
    for i, company in enumerate(sections.get("companies") or ()):
        domain = match_key(company.get("email_domain"))
        if domain is None:
            continue
        if domain in seen:
            return (f"companies[{i}] (id {company['id']}).email_domain: {domain!r} is already "
                    f"company {seen[domain]}'s domain")  # fmt: skip
        seen[domain] = company["id"]
    return None


def opportunities_error(sections: Mapping[str, Any]) -> str | None:
    """Each opportunity's pipeline, stage and loss reason are the account's, and its
    stage is one of its pipeline's."""
    stage_pipeline = {
        s["id"]: p["id"] for p in sections.get("pipelines") or () for s in p.get("stages") or ()
    }
    pipelines = {p["id"] for p in sections.get("pipelines") or ()}
    reasons = {r["id"] for r in sections.get("loss_reasons") or ()}
    for i, opportunity in enumerate(sections.get("opportunities") or ()):
        error = _opportunity_error(opportunity, pipelines, stage_pipeline, reasons)
        if error:
            return f"opportunities[{i}] (id {opportunity['id']}).{error}"
    return None


def _opportunity_error(
    opportunity: Mapping[str, Any],
    pipelines: set[int],
    stage_pipeline: dict[int, int],
    reasons: set[int],
) -> str | None:
    pipeline, stage = opportunity.get("pipeline_id"), opportunity.get("pipeline_stage_id")
    reason = opportunity.get("loss_reason_id")
    if pipeline is not None and pipeline not in pipelines:
        return f"pipeline_id: {pipeline} is not in this account"
    if stage is not None and stage not in stage_pipeline:
        return f"pipeline_stage_id: {stage} is not in this account"
    if stage is not None and pipeline is not None and stage_pipeline[stage] != pipeline:
        return f"pipeline_stage_id: {stage} is not a stage of pipeline {pipeline}"
    if reason is not None and reason not in reasons:
        return f"loss_reason_id: {reason} is not in this account"
    return None
