"""Validated `custom_fields` search entries -> clauses on `custom_field_values`
(SPEC.md 3, custom field filters; parsing/custom_field_filters.py validates them)."""

from __future__ import annotations

from sqlalchemy import and_
from sqlalchemy.sql.elements import ColumnElement

from verdigris.parsing.terms import Bounds, CustomFieldFilter
from verdigris.search.scope import Scope
from verdigris.storage import schema


def custom_field_clause(scope: Scope, spec: CustomFieldFilter) -> ColumnElement[bool]:
    """Records of `scope` for which the entry holds."""
    values = schema.custom_field_values
    # Checkbox, Dropdown and MultiSelect values are numbers: the condition lets the
    # (partial) number index serve "has a value".
    of_definition = and_(
        values.c.definition_id == spec.definition_id, values.c.value_number.is_not(None)
    )
    has = scope.child_ids(values, of_definition)
    condition = spec.condition
    if isinstance(condition, bool):
        return has if condition else ~has
    if isinstance(condition, str):
        return scope.child_ids(
            values, values.c.definition_id == spec.definition_id, values.c.value_text == condition
        )
    if isinstance(condition, Bounds):
        return _bounded(scope, spec.definition_id, condition)
    return scope.options(values, values.c.value_number, condition, of_definition)


def _bounded(scope: Scope, definition_id: int, bounds: Bounds) -> ColumnElement[bool]:
    values = schema.custom_field_values
    number = values.c.value_number
    conditions = [values.c.definition_id == definition_id]
    if bounds.minimum is not None:
        conditions.append(number >= bounds.minimum)
    if bounds.maximum is not None:
        conditions.append(number <= bounds.maximum)
    return scope.child_ids(values, *conditions)
