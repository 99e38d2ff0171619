"""Random company and opportunity searches over an awkward dataset: the SQL path must agree
with company_reference.py (ids in order and X-PW-TOTAL), on every backend, with both
page plans. The data is loaded once per backend (a snapshot load, then renames and a
delete through the write path)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from tests.conftest import BACKENDS, empty_engine
from tests.search import company_dataset as dataset
from tests.search import company_reference as reference
from tests.search.company_reference import Deals
from verdigris.domain.declarations import COMPANY, OPPORTUNITY
from verdigris.domain.types import RecordType
from verdigris.parsing.search import parse_search
from verdigris.search import paging
from verdigris.search.execute import run_search
from verdigris.storage.engine import read
from verdigris.storage.records import custom_field_definitions

COUNT = 240
Loaded = tuple[Engine, Deals, Deals]


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Loaded]:
    engine = empty_engine(request, tmp_path_factory, "deals")
    companies, opportunities = dataset.build(seed=7, count=COUNT)
    dataset.load(engine, companies, opportunities)
    yield engine, companies, opportunities
    engine.dispose()


IDS = st.lists(st.integers(-2, COUNT + 5), min_size=1, max_size=4)
TAG_VALUES = st.lists(st.sampled_from([*dataset.TAGS, "nope"]), max_size=3)
TAGS = TAG_VALUES | st.fixed_dictionaries(
    {},
    optional={"option": st.sampled_from(["ANY", "ALL", "NONE", "any"]), "value": TAG_VALUES,
              "allow_empty": st.booleans()},
)  # fmt: skip


def _address(pool: list[Any]) -> st.SearchStrategy[Any]:
    plain = st.sampled_from([v for v in pool if v is not None])
    shaped = st.fixed_dictionaries({}, optional={"value": plain, "allow_empty": st.booleans()})
    return plain | shaped


DATE = st.sampled_from(dataset.DATES) | st.integers(dataset.NOW - 400 * 86_400, dataset.NOW)
CLOSE = st.sampled_from(dataset.CLOSE_SECONDS) | st.integers(1_514_000_000, 1_517_000_000)


def _custom_field() -> st.SearchStrategy[dict[str, Any]]:
    options = st.fixed_dictionaries(
        {"custom_field_definition_id": st.just(12)},
        optional={"value": st.lists(st.sampled_from([8, 9, 10]), max_size=3),
                  "option": st.sampled_from(["ANY", "ALL", "NONE"]),
                  "allow_empty": st.booleans()},
    )  # fmt: skip
    dropdown = st.fixed_dictionaries(
        {"custom_field_definition_id": st.just(8)},
        optional={"value": st.sampled_from([20, 21, [20, 21]]), "allow_empty": st.booleans()},
    )
    number = st.fixed_dictionaries(
        {"custom_field_definition_id": st.sampled_from([6, 9])},
        optional={"minimum_value": st.sampled_from(dataset.DATES + dataset.FLOATS),
                  "maximum_value": st.sampled_from(dataset.DATES + dataset.FLOATS)},
    )  # fmt: skip
    checkbox = st.fixed_dictionaries(
        {"custom_field_definition_id": st.just(7), "value": st.booleans()}
    )
    string = st.fixed_dictionaries(
        {"custom_field_definition_id": st.just(3), "value": st.sampled_from(dataset.STRINGS)}
    )
    return st.one_of(options, dropdown, number, checkbox, string)


def _bounds(key: str, values: st.SearchStrategy[Any]) -> dict[str, st.SearchStrategy[Any]]:
    return {f"minimum_{key}": values, f"maximum_{key}": values}


def _common() -> dict[str, st.SearchStrategy[Any]]:
    return {
        "ids": IDS,
        "name": st.sampled_from(dataset.FRAGMENTS),
        "assignee_ids": st.lists(st.sampled_from([-2, 1, 2, 3]), min_size=1, max_size=2),
        "tags": TAGS,
        "followed": st.sampled_from([1, 2]),
        "custom_fields": st.lists(_custom_field(), min_size=1, max_size=2),
        **_bounds("interaction_count", st.integers(0, 4)),
        **_bounds("interaction_date", DATE),
        **_bounds("created_date", DATE),
        **_bounds("modified_date", DATE),
    }


def _company_filters() -> dict[str, st.SearchStrategy[Any]]:
    domains = [f"d{i}.example" for i in range(1, 12)] + ["D3.EXAMPLE ", "d4.ex", "nope"]
    return _common() | {
        "phone_number": st.sampled_from(dataset.PHONES),
        "email_domains": st.sampled_from(domains) | st.lists(st.sampled_from(domains), max_size=3),
        "contact_type_ids": st.lists(st.sampled_from([-2, 5, 8]), min_size=1, max_size=2),
        "city": _address(dataset.CITIES),
        "state": _address(dataset.STATES),
        "postal_code": _address(dataset.ZIPS),
        "country": _address(dataset.COUNTRIES),
        "socials": st.lists(st.sampled_from(dataset.SOCIALS), max_size=2),
        "age": st.integers(0, 400 * 86_400),
    }


def _opportunity_filters() -> dict[str, st.SearchStrategy[Any]]:
    def ids(*values: int) -> st.SearchStrategy[list[int]]:
        return st.lists(st.sampled_from([-2, *values]), min_size=1, max_size=2)

    return _common() | {
        "status_ids": st.lists(st.integers(0, 3), min_size=1, max_size=2),
        "priority_ids": st.lists(st.integers(0, 3), min_size=1, max_size=2),
        "priorities": st.lists(st.sampled_from(["none", "Low", "MEDIUM", "High"]), max_size=2),
        "pipeline_ids": ids(1, 2, 9),
        "pipeline_stage_ids": ids(1, 3, 4, 5),
        "customer_source_ids": ids(4, 5),
        "loss_reason_ids": ids(7, 8),
        "company_ids": ids(1, 2, 5, 7, 8),
        "primary_contact_ids": ids(1, 2, 3, 4),
        **_bounds("monetary_value", st.sampled_from([0, 100, 2500, 2500.5, 3000])),
        **_bounds("close_date", CLOSE),
        **_bounds("stage_change_date", DATE),
    }


def bodies(world: Deals) -> st.SearchStrategy[dict[str, Any]]:
    company = world.kind == "company"
    strategies = _company_filters() if company else _opportunity_filters()
    sort_keys = (COMPANY if company else OPPORTUNITY).sort_keys
    chosen = st.lists(st.sampled_from(sorted(strategies)), max_size=3, unique=True)
    filters = chosen.flatmap(lambda keys: st.fixed_dictionaries({k: strategies[k] for k in keys}))
    paging_keys = st.fixed_dictionaries(
        {},
        optional={
            "sort_by": st.sampled_from(sort_keys),
            "sort_direction": st.sampled_from(["asc", "desc", "DESC"]),
            "page_size": st.sampled_from([1, 3, 20, 200]),
            "page_number": st.integers(1, 4),
        },
    )
    return st.tuples(filters, paging_keys).map(lambda pair: {**pair[0], **pair[1]})


def _compare(engine: Engine, world: Deals, body: dict[str, Any]) -> None:
    record_type = RecordType.COMPANY if world.kind == "company" else RecordType.OPPORTUNITY
    user = 2
    expected = reference.search(world, body, user, dataset.NOW)
    with read(engine) as conn:
        definitions = lambda: custom_field_definitions(conn, dataset.ACCOUNT)  # noqa: E731
        search = parse_search(record_type, body, {}, definitions)
        assert run_search(conn, dataset.ACCOUNT, user, dataset.NOW, search) == expected, body
        # The other plan: walk the sort column's index instead of sorting the matches.
        with mock.patch.object(paging, "SMALL_MATCH_SET", 0):
            assert run_search(conn, dataset.ACCOUNT, user, dataset.NOW, search) == expected, body
        # A walk bounded to a few index entries: it gives way to sorting the matches.
        with (mock.patch.object(paging, "SMALL_MATCH_SET", 0),
              mock.patch.object(paging, "MIN_WALK_BUDGET", 1),
              mock.patch.object(paging, "WALK_SLACK", 1)):  # fmt: skip
            assert run_search(conn, dataset.ACCOUNT, user, dataset.NOW, search) == expected, body


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data())
def test_companies_agree_with_the_reference(loaded: Loaded, data: st.DataObject) -> None:
    engine, companies, _ = loaded
    _compare(engine, companies, data.draw(bodies(companies)))


@SETTINGS
@given(data=st.data())
def test_opportunities_agree_with_the_reference(loaded: Loaded, data: st.DataObject) -> None:
    engine, _, opportunities = loaded
    _compare(engine, opportunities, data.draw(bodies(opportunities)))


@pytest.mark.parametrize("sort_by", COMPANY.sort_keys)
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_every_company_sort(loaded: Loaded, sort_by: str, direction: str) -> None:
    engine, companies, _ = loaded
    for number in (1, 2):
        body = {"sort_by": sort_by, "sort_direction": direction, "page_size": 200,
                "page_number": number}  # fmt: skip
        _compare(engine, companies, body)


@pytest.mark.parametrize("sort_by", OPPORTUNITY.sort_keys)
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_every_opportunity_sort(loaded: Loaded, sort_by: str, direction: str) -> None:
    engine, _, opportunities = loaded
    for number in (1, 2):
        body = {"sort_by": sort_by, "sort_direction": direction, "page_size": 200,
                "page_number": number}  # fmt: skip
        _compare(engine, opportunities, body)
