"""Name tokens, fuzzy distance, deletion neighbourhoods and phone digits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from verdigris.domain.text import (
    deletion_variants,
    edit_budget,
    match_key,
    name_tokens,
    osa_distance,
    phone_digits,
    sort_key,
)


def test_name_tokens_fold_strip_and_split() -> None:
    assert name_tokens("José Müller-O'Brien") == ("jose", "muller", "o", "brien")
    assert name_tokens("Michael Scott, (sample)") == ("michael", "scott", "sample")
    assert name_tokens("(( ))") == ()
    assert name_tokens("STRASSE Straße") == ("strasse", "strasse")


def test_edit_budget_follows_fuzziness_auto() -> None:
    assert [edit_budget("x" * n) for n in range(1, 9)] == [0, 0, 1, 1, 1, 2, 2, 2]


def test_osa_distance_counts_a_swap_as_one_edit() -> None:
    assert osa_distance("micheal", "michael", 2) == 1
    assert osa_distance("jim", "jam", 1) == 1
    assert osa_distance("halpert", "hlaperts", 2) == 2
    assert osa_distance("abc", "xyz", 1) == 2  # past the limit: limit + 1


def _plain_osa(a: str, b: str) -> int:
    d = [[max(i, j) if min(i, j) == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


words = st.text(alphabet="abcde", max_size=7)


@given(words, words)
def test_osa_distance_within_limit_is_exact(a: str, b: str) -> None:
    exact = _plain_osa(a, b)
    assert osa_distance(a, b, 2) == min(exact, 3)


@given(words, words)
def test_deletion_neighbourhoods_meet_for_every_close_pair(a: str, b: str) -> None:
    # The fuzzy index relies on this: distance <= k implies a shared variant at depth k.
    if _plain_osa(a, b) <= 2:
        assert deletion_variants(a, 2) & deletion_variants(b, 2)


def test_keys_fold_and_treat_blank_as_empty() -> None:
    assert sort_key("  Boston") == "  boston"
    assert sort_key("   ") is None
    assert match_key("  BC ") == "bc"
    assert match_key("") is None


def test_phone_digits() -> None:
    assert phone_digits("(510) 444-7778") == "5104447778"
    assert phone_digits("ext.") is None
