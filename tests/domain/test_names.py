"""Name rules of SPEC.md 2."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from verdigris.domain.names import join_name, split_name


def test_join_with_suffix_and_middle() -> None:
    assert join_name("Michael", None, "Scott", "(sample)") == "Michael Scott, (sample)"
    assert join_name("Jim", "B", "Halpert", None) == "Jim B Halpert"
    assert join_name(None, None, None, None) is None


def test_split_first_word_and_rest() -> None:
    assert split_name("Pam Beesly (sample)") == ("Pam", "Beesly (sample)")
    assert split_name("Cher") == ("Cher", None)


word = st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=8)


@given(word, st.lists(word, max_size=3))
def test_split_then_join_gives_the_name_back(first: str, rest: list[str]) -> None:
    name = " ".join([first, *rest])
    head, tail = split_name(name)
    assert join_name(head, None, tail, None) == name
