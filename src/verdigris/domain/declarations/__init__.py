"""Every record type, declared once (fields, sort keys, filters): the registry the
layers derive their tables, rows, renderers, checks and searches from."""

from __future__ import annotations

from collections.abc import Mapping

from verdigris.domain.declarations.company import COMPANY
from verdigris.domain.declarations.declaration import Declaration
from verdigris.domain.declarations.lead import LEAD
from verdigris.domain.declarations.opportunity import OPPORTUNITY
from verdigris.domain.declarations.person import PERSON
from verdigris.domain.declarations.project import PROJECT
from verdigris.domain.declarations.task import TASK
from verdigris.domain.types import RecordType

DECLARATIONS: tuple[Declaration, ...] = (PERSON, LEAD, COMPANY, OPPORTUNITY, TASK, PROJECT)
BY_TYPE: Mapping[RecordType, Declaration] = {d.record_type: d for d in DECLARATIONS}
BY_NAME: Mapping[str, Declaration] = {d.name: d for d in DECLARATIONS}
BY_PLURAL: Mapping[str, Declaration] = {d.plural: d for d in DECLARATIONS}


def declaration(record_type: RecordType) -> Declaration:
    return BY_TYPE[record_type]


__all__ = ["BY_NAME", "BY_PLURAL", "BY_TYPE", "COMPANY", "DECLARATIONS", "LEAD",
           "OPPORTUNITY", "PERSON", "PROJECT", "TASK", "Declaration",
           "declaration"]  # fmt: skip
