"""POST /people/search: every filter of SPEC 3 that people have, every sort key both ways."""

from __future__ import annotations

from random import Random

from bench import BROAD, SELECTIVE, Body, Workload
from bench.records import register_shared, register_sorts
from bench.values import Values
from verdigris.domain.declarations import PERSON

people = Workload("people", "people")
register_shared(people)


@people.variant(SELECTIVE)
def email(v: Values, rng: Random) -> Body:
    """emails: a sampled person's email, in upper case"""
    rows = [r for r in v["people"].rows if r["email_key"]]
    return {"emails": rng.choice(rows)["email_key"].upper()}


@people.variant(SELECTIVE)
def company(v: Values, rng: Random) -> Body:
    """company_ids: one company"""
    return {"company_ids": [v["people"].dist["company_id"].uniform(rng)]}


@people.variant(BROAD)
def contact_type(v: Values, rng: Random) -> Body:
    """contact_type_ids: one contact type"""
    return {"contact_type_ids": [v["people"].dist["contact_type_id"].pick(rng)]}


@people.variant(SELECTIVE)
def opportunity(v: Values, rng: Random) -> Body:
    """opportunity_ids: one opportunity (primary contact or related)"""
    return {"opportunity_ids": [rng.choice(v.opportunities or [0])]}


register_sorts(people, PERSON.sort_keys)
