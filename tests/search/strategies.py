"""Hypothesis strategies of search bodies: any JSON value under any filter key."""

from __future__ import annotations

from hypothesis import strategies as st

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(["", "ANY", "ALL", "NONE", "asc", "name", "-2"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "value",
                    "option",
                    "allow_empty",
                    "custom_field_definition_id",
                    "minimum_value",
                    "maximum_value",
                    "x",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=8,
)
KEYS = [
    "page_size",
    "page_number",
    "sort_by",
    "sort_direction",
    "ids",
    "name",
    "phone_number",
    "emails",
    "assignee_ids",
    "contact_type_ids",
    "company_ids",
    "company_id",
    "opportunity_ids",
    "customer_source_ids",
    "status_ids",
    "city",
    "state",
    "postal_code",
    "country",
    "tags",
    "socials",
    "followed",
    "age",
    "minimum_interaction_count",
    "maximum_interaction_count",
    "minimum_interaction_date",
    "maximum_interaction_date",
    "minimum_created_date",
    "maximum_created_date",
    "minimum_modified_date",
    "maximum_modified_date",
    "minimum_monetary_value",
    "maximum_monetary_value",
    "minimum_status_change_date",
    "maximum_status_change_date",
    "include_converted_leads",
    "custom_fields",
    # companies and opportunities (#13)
    "email_domains",
    "status_ids",
    "priority_ids",
    "priorities",
    "pipeline_ids",
    "pipeline_stage_ids",
    "loss_reason_ids",
    "primary_contact_ids",
    "minimum_close_date",
    "maximum_close_date",
    "minimum_stage_change_date",
    "maximum_stage_change_date",
]
