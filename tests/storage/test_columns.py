"""Every declared field's columns and row values agree in number and order, and a record
projected into its row lands field by field in the columns named for it."""

from __future__ import annotations

from typing import Any

import pytest

from verdigris.domain.declarations import DECLARATIONS, Declaration
from verdigris.domain.declarations.fields import (
    Address,
    Choice,
    CustomFields,
    Entries,
    Entry,
    Field,
    Flag,
    Joined,
    JsonList,
    Null,
    Number,
    Related,
    Tags,
)
from verdigris.domain.types import RecordType
from verdigris.storage import schema
from verdigris.storage.columns import field_columns, row_function
from verdigris.storage.projection import table_row
from verdigris.storage.record_tables import stored_fields


def _sample(field: Field, i: int) -> Any:
    """A value of the field's kind, distinct from every other field's."""
    if isinstance(field, Address):
        return {"street": f"{i} Main", "city": f"City{i}", "state": "PA", "postal_code": "1",
                "country": "US"}  # fmt: skip
    if isinstance(field, Entries | Entry):
        entry = {field.item: f"{i}1{i}@x{i}.example", "category": "work"}
        return entry if isinstance(field, Entry) else [entry]
    if isinstance(field, Tags | JsonList):
        return [f"tag{i}"] if isinstance(field, Tags) else [{"lead_id": i}]
    if isinstance(field, Choice):
        return field.choices[-1]
    if isinstance(field, Number):
        return float(i) + 0.5
    if isinstance(field, CustomFields):
        return []
    if isinstance(field, Related):
        return {"id": i, "type": field.types[0]}
    if isinstance(field, Flag | Joined | Null):
        return None
    return f"text {i}" if field.__class__.__name__ == "Text" else 1000 + i


@pytest.mark.parametrize("decl", DECLARATIONS, ids=lambda d: d.name)
def test_each_field_gives_one_value_per_column(decl: Declaration) -> None:
    for i, field in enumerate(stored_fields(decl)):
        record = {field.name: _sample(field, i), "id": 1}
        values = row_function([field])(7, record, {})
        assert len(values) == 1 + len(field_columns(field)), field.name


@pytest.mark.parametrize("decl", DECLARATIONS, ids=lambda d: d.name)
def test_record_lands_in_its_own_columns(decl: Declaration) -> None:
    record = {f.name: _sample(f, i) for i, f in enumerate(stored_fields(decl))}
    row = table_row(7, decl.record_type, record)
    table = schema.RECORD_TABLES[decl.record_type]
    assert set(row) == {c.name for c in table.columns}
    plain = [f for f in stored_fields(decl) if not isinstance(f, Address | Entries | Entry |
             Tags | JsonList | CustomFields | Flag | Joined | Null | Number | Choice |
             Related)]  # fmt: skip
    for field in plain:
        assert row[field.column] == record[field.name], field.name
    assert row["account_id"] == 7


def test_record_tables_are_the_declared_ones() -> None:
    assert set(schema.RECORD_TABLES) == {d.record_type for d in DECLARATIONS}
    assert schema.RECORD_TABLES[RecordType.PERSON] is schema.people
