"""The declarations say what SPEC.md and Copper's docs say: output keys in order, sort keys,
and which fields a body may write."""

from __future__ import annotations

import pytest

from tests.copper import COMPANY_KEYS, LEAD_KEYS, OPPORTUNITY_KEYS, PERSON_KEYS
from verdigris.domain.declarations import (
    COMPANY,
    DECLARATIONS,
    LEAD,
    OPPORTUNITY,
    PERSON,
    Declaration,
)
from verdigris.domain.declarations.fields import Ref

SPEC_KEYS = [(PERSON, PERSON_KEYS), (LEAD, LEAD_KEYS), (COMPANY, COMPANY_KEYS),
             (OPPORTUNITY, OPPORTUNITY_KEYS)]  # fmt: skip


@pytest.mark.parametrize(("decl", "keys"), SPEC_KEYS, ids=lambda v: getattr(v, "name", ""))
def test_keys_in_spec_order(decl: Declaration, keys: tuple[str, ...]) -> None:
    assert decl.keys == keys


def test_sort_keys_of_spec() -> None:
    assert PERSON.sort_keys == (
        "name", "first_name", "last_name", "title", "email", "phone", "date_modified",
        "date_created", "city", "state", "country", "zip", "socials", "interaction_count",
        "date_last_contacted",
    )  # fmt: skip
    assert LEAD.sort_keys == (
        "name", "first_name", "last_name", "company_name", "title", "value", "email", "phone",
        "date_modified", "date_created", "city", "state", "country", "zip", "inactive_days",
        "socials", "interaction_count", "date_last_contacted",
    )  # fmt: skip
    assert (PERSON.default_sort, LEAD.default_sort) == ("first_name", "name")


def test_server_kept_fields_are_never_written() -> None:
    kept = {"id", "date_created", "date_modified", "interaction_count", "date_last_contacted",
            "company_name", "status", "converted_at", "converted_contact_id",
            "converted_opportunity_id", "leads_converted_from", "date_lead_created"}  # fmt: skip
    for decl in (PERSON, LEAD):
        writable = {f.name for f in decl.writable}
        assert not writable & (kept - {"company_name"} if decl is LEAD else kept), decl.name
    assert "company_name" in {f.name for f in LEAD.writable}


@pytest.mark.parametrize("decl", DECLARATIONS, ids=lambda d: d.name)
def test_every_sort_filter_and_reference_names_a_field_or_column(decl: Declaration) -> None:
    fields = (*decl.fields, *decl.stored)
    columns = {f.column for f in fields}
    keys = {s.column for s in decl.sorts} | {f.column for f in decl.filters if f.column}
    # Key columns a field kind keeps beside its value (fields.py).
    kept = ("sort_key", "match_key", "first_key", "date_key", "rank_key")
    derived = {getattr(f, k) for f in fields for k in kept if getattr(f, k, None)}
    derived |= {
        "city_key",
        "state_key",
        "country_key",
        "zip_key",
        "city",
        "state",
        "postal_code",
        "country",
        "related_id",
    }  # address parts: ADDRESS_KEYS, filters by part
    assert keys <= columns | derived, keys - columns - derived
    for ref in decl.references:
        assert isinstance(ref, Ref) and ref.target
