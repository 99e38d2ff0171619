"""References of an account's header sections (companies, opportunities, tasks, projects,
relations) to each other and to its lookups, checked when the header is complete; those
to people and leads are noted, and checked at the account's end (reader.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from verdigris.domain.declarations import BY_NAME, DECLARATIONS, OPPORTUNITY
from verdigris.domain.declarations.fields import Ref, Related
from verdigris.domain.relations import allowed
from verdigris.errors import SnapshotError
from verdigris.snapshot.format import RECORD_SECTIONS

if TYPE_CHECKING:
    from verdigris.snapshot.reader import Account

HEADER_TYPES = tuple(d for d in DECLARATIONS if d.plural not in RECORD_SECTIONS)


def header_references(account: Account) -> None:
    sections = account.sections
    ids = {key: {r["id"] for r in rows} for key, rows in sections.items() if type(rows) is list}
    stages = (s["id"] for p in sections.get("pipelines") or () for s in p.get("stages") or ())
    ids["pipeline_stages"] = set(stages)  # stages are nested in pipelines
    for decl in HEADER_TYPES:
        refs = [f for f in decl.fields if isinstance(f, Ref)]
        resources = [f.name for f in decl.fields if isinstance(f, Related)]
        for i, record in enumerate(sections.get(decl.plural) or ()):
            where = f"{account.label}.{decl.plural}[{i}] (id {record['id']})"
            for ref in refs:
                if record.get(ref.name) is not None:
                    _check(account, ids, f"{where}.{ref.name}", ref.target, record[ref.name])
            for name in resources:
                _resource(account, ids, f"{where}.{name}", record.get(name))
            if decl is OPPORTUNITY:
                for person in record.get("related_people") or ():
                    _check(account, ids, f"{where}.related_people", "people", person)
    for i, relation in enumerate(sections.get("relations") or ()):
        _relation(account, ids, f"{account.label}.relations[{i}]", relation)


def _resource(account: Account, ids: Mapping[str, set[Any]], where: str, value: Any) -> None:
    if type(value) is dict and value.get("id") is not None:
        if value.get("type") is None:
            raise SnapshotError(f"{where}.type: is required with an id")
        _check(account, ids, f"{where}.id", BY_NAME[value["type"]].plural, value["id"])


def _relation(account: Account, ids: Mapping[str, set[Any]], where: str, relation: Any) -> None:
    if not allowed(relation["type"], relation["other_type"]):
        pair = f"{relation['type']} and {relation['other_type']}"
        raise SnapshotError(f"{where}: a {pair} cannot be related")
    for kind, key in (("type", "id"), ("other_type", "other_id")):
        _check(account, ids, f"{where}.{key}", BY_NAME[relation[kind]].plural, relation[key])


def _check(
    account: Account, ids: Mapping[str, set[Any]], where: str, section: str, value: Any
) -> None:
    if section in RECORD_SECTIONS:
        account.record_refs.setdefault((section, value), where)
    elif value not in ids.get(section, ()):
        raise SnapshotError(f"{where}: {value} is not in this account")
