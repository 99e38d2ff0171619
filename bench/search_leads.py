"""POST /leads/search: every filter of SPEC 3 that leads have, every sort key both ways."""

from __future__ import annotations

from random import Random

from bench import BROAD, SELECTIVE, Body, Workload
from bench.records import register_shared, register_sorts
from bench.values import Values
from verdigris.domain.declarations import LEAD

leads = Workload("leads", "leads")
register_shared(leads)


@leads.variant(SELECTIVE)
def email(v: Values, rng: Random) -> Body:
    """emails: a sampled lead's email"""
    rows = [r for r in v["leads"].rows if r["email_key"]]
    return {"emails": [rng.choice(rows)["email_key"]]}


@leads.variant(BROAD)
def status(v: Values, rng: Random) -> Body:
    """status_ids: one status"""
    return {"status_ids": [v["leads"].dist["status_id"].pick(rng)]}


@leads.variant(BROAD)
def status_two(v: Values, rng: Random) -> Body:
    """status_ids: two statuses drawn by use (one, when both draws agree)"""
    statuses = v["leads"].dist["status_id"]
    return {"status_ids": sorted({statuses.pick(rng), statuses.pick(rng)})}


@leads.variant(BROAD)
def customer_source(v: Values, rng: Random) -> Body:
    """customer_source_ids: one source"""
    return {"customer_source_ids": [v["leads"].dist["customer_source_id"].pick(rng)]}


@leads.variant(BROAD)
def monetary_value(v: Values, rng: Random) -> Body:
    """minimum_/maximum_monetary_value: a window of ~5% of the span"""
    low, high = v["leads"].between(rng, "monetary_value", 0.05)
    return {"minimum_monetary_value": low, "maximum_monetary_value": high}


@leads.variant(BROAD)
def status_change_date(v: Values, rng: Random) -> Body:
    """minimum_/maximum_status_change_date: a window of ~5% of the span"""
    low, high = v["leads"].between(rng, "date_status_changed", 0.05)
    return {"minimum_status_change_date": low, "maximum_status_change_date": high}


@leads.variant(BROAD)
def include_converted(v: Values, rng: Random) -> Body:
    """include_converted_leads: true, with a state"""
    return {"include_converted_leads": True, "state": v["leads"].dist["state_match"].pick(rng)}


register_sorts(leads, LEAD.sort_keys)
