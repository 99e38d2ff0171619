"""Random searches over an awkward dataset: the SQL path must agree with reference.py
(ids in order and X-PW-TOTAL), on every backend. The data is loaded once per backend."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from tests.conftest import BACKENDS, empty_engine
from tests.search import dataset, reference
from tests.search.reference import World
from verdigris.domain.declarations import LEAD, PERSON
from verdigris.domain.types import RecordType
from verdigris.parsing.search import parse_search
from verdigris.search import execute, paging, steering, tag_union, token_pages
from verdigris.search.execute import _least_held_tag_first, counted_total, run_search
from verdigris.search.scope import Scope
from verdigris.storage.engine import read
from verdigris.storage.records import custom_field_definitions

COUNT = 300
PEOPLE, LEADS = dataset.build(seed=4, count=COUNT)


@pytest.fixture(scope="module", params=BACKENDS)
def loaded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    engine = empty_engine(request, tmp_path_factory, "properties")
    dataset.load(engine, PEOPLE, LEADS)
    yield engine
    engine.dispose()


def _pool(values: list[Any]) -> st.SearchStrategy[Any]:
    return st.sampled_from([v for v in values if v is not None])


def _tokens(names: list[str | None]) -> st.SearchStrategy[str]:
    words = sorted({w for n in names if n for w in n.split()})
    typo = st.tuples(st.sampled_from(words), st.integers(0, 8)).map(
        lambda p: p[0][: p[1]] + p[0][p[1] + 1 :]
    )
    return st.one_of(
        st.sampled_from(words), typo, st.lists(st.sampled_from(words), max_size=3).map(" ".join)
    )


IDS = st.lists(st.integers(-2, COUNT + 5), min_size=1, max_size=4)
TEXT_OR_EMPTY = st.dictionaries(
    st.sampled_from(["value", "allow_empty"]), st.none() | st.booleans(), max_size=2
)


def _address(pool: list[Any]) -> st.SearchStrategy[Any]:
    plain = _pool(pool)
    shaped = st.fixed_dictionaries({}, optional={"value": plain, "allow_empty": st.booleans()})
    return plain | shaped


TAG_VALUES = st.lists(_pool(dataset.TAGS + ["nope"]), max_size=3)
TAGS = TAG_VALUES | st.fixed_dictionaries(
    {},
    optional={
        "option": st.sampled_from(["ANY", "ALL", "NONE", "any"]),
        "value": TAG_VALUES,
        "allow_empty": st.booleans(),
    },
)
DATE = st.sampled_from(dataset.DATES) | st.integers(dataset.NOW - 400 * 86_400, dataset.NOW)


def _custom_field(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    options = st.fixed_dictionaries(
        {"custom_field_definition_id": st.just(12)},
        optional={
            "value": st.lists(st.sampled_from([8, 9, 10]), max_size=3),
            "option": st.sampled_from(["ANY", "ALL", "NONE"]),
            "allow_empty": st.booleans(),
        },
    )
    dropdown = st.fixed_dictionaries(
        {"custom_field_definition_id": st.just(8)},
        optional={"value": st.sampled_from([20, 21, [20, 21]]), "allow_empty": st.booleans()},
    )
    number = st.fixed_dictionaries(
        {"custom_field_definition_id": st.sampled_from([6, 9] + ([10] if kind == "lead" else []))},
        optional={
            "minimum_value": st.sampled_from(dataset.DATES + dataset.FLOATS),
            "maximum_value": st.sampled_from(dataset.DATES + dataset.FLOATS),
        },
    )
    exact = st.fixed_dictionaries(
        {"custom_field_definition_id": st.just(9), "value": _pool(dataset.FLOATS)}
    )
    checkbox = st.fixed_dictionaries(
        {"custom_field_definition_id": st.just(7), "value": st.booleans()}
    )
    string = st.fixed_dictionaries(
        {"custom_field_definition_id": st.just(3), "value": _pool(dataset.STRINGS)}
    )
    return st.one_of(options, dropdown, number, exact, checkbox, string)


def _filters(world: World) -> dict[str, st.SearchStrategy[Any]]:
    names = [r["name"] for r in world.records]
    common = {
        "ids": IDS,
        "name": _tokens(names),
        "phone_number": _pool(dataset.PHONES),
        "emails": _pool(dataset.EMAILS) | st.lists(_pool(dataset.EMAILS), max_size=2),
        "assignee_ids": st.lists(st.sampled_from([-2, 1, 2, 3]), min_size=1, max_size=2),
        "city": _address(dataset.CITIES),
        "state": _address(dataset.STATES),
        "postal_code": _address(dataset.ZIPS),
        "country": _address(dataset.COUNTRIES),
        "tags": TAGS,
        "socials": st.lists(_pool(dataset.SOCIALS), max_size=2),
        "followed": st.sampled_from([1, 2]),
        "age": st.integers(0, 400 * 86_400),
        "minimum_interaction_count": st.integers(0, 4),
        "maximum_interaction_count": st.integers(0, 4),
        "minimum_interaction_date": DATE,
        "maximum_interaction_date": DATE,
        "minimum_created_date": DATE,
        "maximum_created_date": DATE,
        "minimum_modified_date": DATE,
        "maximum_modified_date": DATE,
        "custom_fields": st.lists(_custom_field(world.kind), min_size=1, max_size=2),
    }
    if world.kind == "person":
        ids = st.lists(st.sampled_from([-2, 2, 3, 4, 5, 8]), min_size=1, max_size=2)
        return common | {
            "contact_type_ids": ids,
            "company_ids": ids,
            "opportunity_ids": st.lists(st.integers(1, 5), min_size=1, max_size=2),
        }
    money = st.sampled_from([0, 100, 2500, 2500.5, 3000])
    return common | {
        "customer_source_ids": st.lists(st.sampled_from([-2, 4, 5]), min_size=1, max_size=2),
        "status_ids": st.lists(st.sampled_from([5, 6, 7]), min_size=1, max_size=2),
        "minimum_monetary_value": money,
        "maximum_monetary_value": money,
        "minimum_status_change_date": DATE,
        "maximum_status_change_date": DATE,
        "include_converted_leads": st.booleans(),
    }


def bodies(world: World) -> st.SearchStrategy[dict[str, Any]]:
    strategies = _filters(world)
    sort_keys = PERSON.sort_keys if world.kind == "person" else LEAD.sort_keys
    chosen = st.lists(st.sampled_from(sorted(strategies)), max_size=3, unique=True)
    filters = chosen.flatmap(lambda keys: st.fixed_dictionaries({k: strategies[k] for k in keys}))
    paging = st.fixed_dictionaries(
        {},
        optional={
            "sort_by": st.sampled_from(sort_keys),
            "sort_direction": st.sampled_from(["asc", "desc", "DESC"]),
            "page_size": st.sampled_from([1, 3, 20, 200]),
            "page_number": st.integers(1, 4),
        },
    )
    return st.tuples(filters, paging).map(lambda pair: {**pair[0], **pair[1]})


def _compare(engine: Engine, world: World, body: dict[str, Any]) -> None:
    record_type = RecordType.PERSON if world.kind == "person" else RecordType.LEAD
    user = 2
    expected = reference.search(world, body, user, dataset.NOW)
    with read(engine) as conn:
        definitions = lambda: custom_field_definitions(conn, dataset.ACCOUNT)  # noqa: E731
        search = parse_search(record_type, body, {}, definitions)
        assert run_search(conn, dataset.ACCOUNT, user, dataset.NOW, search) == expected, body
        # The other plan: walk the sort column's index instead of sorting the matches.
        with mock.patch.object(paging, "SMALL_MATCH_SET", 0):
            assert run_search(conn, dataset.ACCOUNT, user, dataset.NOW, search) == expected, body
        # A descending walk that sorts its runs of tied keys (as a deep page does), and
        # looks child-table filters up row by row whatever the matches' density.
        with (mock.patch.object(paging, "SMALL_MATCH_SET", 0),
              mock.patch.object(paging, "GROUPED_REACH", 0),
              mock.patch.object(paging, "_rows_passed", lambda *_: None)):  # fmt: skip
            assert run_search(conn, dataset.ACCOUNT, user, dataset.NOW, search) == expected, body
        # A walk bounded to a few index entries: it gives way to sorting the matches.
        with (mock.patch.object(paging, "SMALL_MATCH_SET", 0),
              mock.patch.object(paging, "MIN_WALK_BUDGET", 1),
              mock.patch.object(paging, "WALK_SLACK", 1)):  # fmt: skip
            assert run_search(conn, dataset.ACCOUNT, user, dataset.NOW, search) == expected, body
        # Counted apart from a page sorted on its own (paging.total_and_sorted_page), the
        # sort keys carried by the count where a filter reads them.
        with (mock.patch.object(execute, "sorted_up_to", lambda *_: -1),
              mock.patch.object(execute, "sorted_carried_up_to", lambda *_: -1)):  # fmt: skip
            assert run_search(conn, dataset.ACCOUNT, user, dataset.NOW, search) == expected, body
        # ANY of several tags counted by seeking the tags before each posting, never by
        # merging their postings (tag_union.py).
        with mock.patch.object(tag_union, "SEEK_COST", 0):
            assert run_search(conn, dataset.ACCOUNT, user, dataset.NOW, search) == expected, body
        # SQLite told to start from an address value's index whatever its ranges reach.
        with mock.patch.object(steering, "WIDER", 0):
            assert run_search(conn, dataset.ACCOUNT, user, dataset.NOW, search) == expected, body
        # SQLite told to start from the filter of fewest matches whatever the ranges
        # reach, a tag's postings merged with an address value's records wherever both
        # filter (steering._merged_start).
        with (mock.patch.object(steering, "WIDER", 0),
              mock.patch.object(steering, "ROW_READ_COST", 10**9)):  # fmt: skip
            assert run_search(conn, dataset.ACCOUNT, user, dataset.NOW, search) == expected, body
        # A name alone in the default order, by the general plan (no token rows suffice).
        with mock.patch.object(token_pages, "MOST_POSTINGS", 0):
            assert run_search(conn, dataset.ACCOUNT, user, dataset.NOW, search) == expected, body


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data())
def test_people_agree_with_the_reference(loaded: Engine, data: st.DataObject) -> None:
    _compare(loaded, PEOPLE, data.draw(bodies(PEOPLE)))


@SETTINGS
@given(data=st.data())
def test_leads_agree_with_the_reference(loaded: Engine, data: st.DataObject) -> None:
    _compare(loaded, LEADS, data.draw(bodies(LEADS)))


def _name_alone(world: World) -> st.SearchStrategy[dict[str, Any]]:
    """A name, in the default order or another, on any page, converted leads or not."""
    names = [r["name"] for r in world.records]
    sort_keys = PERSON.sort_keys if world.kind == "person" else LEAD.sort_keys
    optional = {
        "sort_by": st.sampled_from(sort_keys),
        "sort_direction": st.sampled_from(["asc", "desc"]),
        "page_size": st.sampled_from([1, 3, 20, 200]),
        "page_number": st.integers(1, 4),
    }
    if world.kind == "lead":
        optional["include_converted_leads"] = st.booleans()
    return st.fixed_dictionaries({"name": _tokens(names)}, optional=optional)


@SETTINGS
@given(data=st.data())
def test_a_name_alone_is_paged_from_its_tokens(loaded: Engine, data: st.DataObject) -> None:
    """token_pages.py serves these in the default order; the general plan the others."""
    _compare(loaded, PEOPLE, data.draw(_name_alone(PEOPLE)))
    _compare(loaded, LEADS, data.draw(_name_alone(LEADS)))


def _sort_column_filtered(world: World) -> st.SearchStrategy[dict[str, Any]]:
    """A filter on the sort column among one or two others: SQLite's count keeps the
    matches' sort keys, and sorts them where they are few enough (total_and_sorted_page)."""
    strategies = _filters(world)
    decl = PERSON if world.kind == "person" else LEAD
    pairs = [
        (sort_key, spec.key)
        for sort_key, sort in decl.sort_by_key.items()
        for spec in decl.filter_by_key.values()
        if spec.column == sort.column and spec.key in strategies
    ]

    def body(pair: tuple[str, str]) -> st.SearchStrategy[dict[str, Any]]:
        sort_key, key = pair
        others = st.lists(st.sampled_from(sorted(set(strategies) - {key})), min_size=1,
                          max_size=2, unique=True)  # fmt: skip
        filters = others.flatmap(
            lambda keys: st.fixed_dictionaries({k: strategies[k] for k in [key, *keys]})
        )
        paging = st.fixed_dictionaries(
            {"sort_by": st.just(sort_key), "sort_direction": st.sampled_from(["asc", "desc"])},
            optional={"page_size": st.sampled_from([1, 3, 20]), "page_number": st.integers(1, 4)},
        )
        return st.tuples(filters, paging).map(lambda both: {**both[0], **both[1]})

    return st.sampled_from(pairs).flatmap(body)


@SETTINGS
@given(data=st.data())
def test_a_filter_on_the_sort_column_among_others(loaded: Engine, data: st.DataObject) -> None:
    _compare(loaded, PEOPLE, data.draw(_sort_column_filtered(PEOPLE)))
    _compare(loaded, LEADS, data.draw(_sort_column_filtered(LEADS)))


ADDRESS_PARTS = ("city", "state", "postal_code", "country")
RANGE_KEYS = ("minimum_interaction_count", "maximum_created_date", "minimum_modified_date")


def _tag_and_address(world: World) -> st.SearchStrategy[dict[str, Any]]:
    """ANY or ALL of one tag, an address value and a range or none: SQLite may start from
    the tag's postings merged with the value's records (steering._merged_start)."""
    strategies = _filters(world)
    tag = _pool(dataset.TAGS)
    tags = st.lists(tag, min_size=1, max_size=1) | st.fixed_dictionaries(
        {"value": st.lists(tag, min_size=1, max_size=1), "option": st.sampled_from(["ANY", "ALL"])}
    )
    keys = st.tuples(st.sampled_from(ADDRESS_PARTS), st.sampled_from((None, *RANGE_KEYS)))
    filters = keys.flatmap(
        lambda pair: st.fixed_dictionaries(
            {"tags": tags} | {k: strategies[k] for k in pair if k is not None}
        )
    )
    paging = st.fixed_dictionaries(
        {},
        optional={
            "sort_by": st.sampled_from(["date_modified", "first_name", "interaction_count"]),
            "sort_direction": st.sampled_from(["asc", "desc"]),
            "page_size": st.sampled_from([1, 3, 20]),
            "page_number": st.integers(1, 3),
        },
    )
    return st.tuples(filters, paging).map(lambda both: {**both[0], **both[1]})


@SETTINGS
@given(data=st.data())
def test_a_tag_with_an_address_value(loaded: Engine, data: st.DataObject) -> None:
    _compare(loaded, PEOPLE, data.draw(_tag_and_address(PEOPLE)))
    _compare(loaded, LEADS, data.draw(_tag_and_address(LEADS)))


@pytest.mark.parametrize("sort_by", sorted(set(PERSON.sort_keys)))
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_every_people_sort(loaded: Engine, sort_by: str, direction: str) -> None:
    for number in (1, 2):
        body = {
            "sort_by": sort_by,
            "sort_direction": direction,
            "page_size": 200,
            "page_number": number,
        }
        _compare(loaded, PEOPLE, body)


@pytest.mark.parametrize("sort_by", sorted(set(LEAD.sort_keys)))
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_every_leads_sort(loaded: Engine, sort_by: str, direction: str) -> None:
    body = {
        "sort_by": sort_by,
        "sort_direction": direction,
        "page_size": 200,
        "include_converted_leads": True,
    }
    _compare(loaded, LEADS, body)


@pytest.mark.parametrize("sort_by", ["last_name", "first_name", "date_modified"])
def test_an_address_value_walked_descending_in_two_parts(loaded: Engine, sort_by: str) -> None:
    """PostgreSQL walks the value and gathers its padded form apart; a descending page
    near the start takes the first entries of both together, then their lowest key. The
    lowest key of each part's own first entries could sit below ties of the other part
    left out of its first (a person of a higher last name came first where a lower id of
    the same name should have)."""
    for size in (1, 3):
        body = {"postal_code": "18503", "maximum_interaction_count": 0, "sort_by": sort_by,
                "sort_direction": "desc", "page_size": size}  # fmt: skip
        _compare(loaded, PEOPLE, body)


LONE_TAGS = [
    {"tags": ["vip", "cold"]},
    {"tags": ["cold", "lead", "ärger", "nobody has this"]},
    {"tags": {"option": "ANY", "value": ["vip", "lead"], "allow_empty": True}},
    {"tags": {"option": "NONE", "value": ["vip"]}},
    {"tags": {"option": "NONE", "value": ["lead"], "allow_empty": True}},
    {"tags": {"option": "ALL", "value": ["Lead"]}},
    {"tags": {"option": "ALL", "value": ["vip", "VIP"], "allow_empty": True}},
]


@pytest.mark.parametrize("body", LONE_TAGS, ids=range(len(LONE_TAGS)))
def test_a_lone_tags_filter_is_counted_from_the_counters_and_postings(
    loaded: Engine, body: dict[str, Any]
) -> None:
    """ANY of several tags overlap; NONE of one is the rest of the records."""
    _compare(loaded, PEOPLE, body)
    for converted in (False, True):
        _compare(loaded, LEADS, {**body, "include_converted_leads": converted})


ALL_TAGS = [
    {"tags": {"option": "ALL", "value": ["vip", "cold"]}},
    {"tags": {"option": "ALL", "value": ["cold", "lead", "vip"]}},
    {"tags": {"option": "ALL", "value": ["vip", "nobody has this"]}},
    {"tags": {"option": "ALL", "value": ["lead", "VIP"], "allow_empty": True}},
    {"tags": {"option": "ALL", "value": ["cold", "vip"]}, "sort_by": "date_modified"},
]


@pytest.mark.parametrize("body", ALL_TAGS, ids=range(len(ALL_TAGS)))
def test_all_of_several_tags(loaded: Engine, body: dict[str, Any]) -> None:
    """Found from the least held tag's holders, each looked up for the others."""
    _compare(loaded, PEOPLE, body)
    for converted in (False, True):
        _compare(loaded, LEADS, {**body, "include_converted_leads": converted})


def test_all_of_several_tags_starts_from_the_least_held(loaded: Engine) -> None:
    tags = ["lead", "vip", "cold", "nobody has this"]
    held = {tag: reference.search(PEOPLE, {"tags": [tag]}, 2, dataset.NOW)[1] for tag in tags}
    assert len(set(held.values())) == len(tags)  # the order below is decided by them
    search = parse_search(RecordType.PERSON, {"tags": {"option": "ALL", "value": tags}}, {}, dict)
    with read(loaded) as conn:
        scope = Scope(conn, dataset.ACCOUNT, 2, dataset.NOW, RecordType.PERSON)
        ordered, holders = _least_held_tag_first(scope, search)
    assert list(ordered.filters["tags"].values) == sorted(tags, key=held.__getitem__)
    assert holders == held  # what Scope weighs merging their postings by


@pytest.mark.parametrize("body", LONE_TAGS, ids=range(len(LONE_TAGS)))
def test_a_lone_tags_filter_gathers_no_ids_to_count(loaded: Engine, body: dict[str, Any]) -> None:
    search = parse_search(RecordType.LEAD, body, {}, dict)
    with read(loaded) as conn:
        scope = Scope(conn, dataset.ACCOUNT, 2, dataset.NOW, RecordType.LEAD)
        assert counted_total(scope, search) == reference.search(LEADS, body, 2, dataset.NOW)[1]
