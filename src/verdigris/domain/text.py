"""Text normal forms used by filters and sorts: folded keys, phone digits, name tokens."""

from __future__ import annotations

import re
import unicodedata

_TOKEN = re.compile(r"[^\W_]+")
_NON_DIGIT = re.compile(r"\D")


def sort_key(value: object) -> str | None:
    """The stored sort key of a text value: folded, or None when empty or blank."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value.casefold()


def match_key(value: object) -> str | None:
    """The stored equality key: trimmed and folded, None when empty."""
    if not isinstance(value, str):
        return None
    key = value.strip().casefold()
    return key or None


def phone_digits(number: object) -> str | None:
    """Digits of a phone number, None when it has none."""
    if not isinstance(number, str):
        return None
    return _NON_DIGIT.sub("", number) or None


def name_tokens(text: object) -> tuple[str, ...]:
    """Tokens of a name: folded, diacritics stripped, maximal runs of letters and digits."""
    if not isinstance(text, str):
        return ()
    # Word by word: whitespace is never part of a token, before or after folding, and
    # words repeat far more than whole names (a load of a million records sees each
    # word hundreds of times).
    words = text.split()
    if len(words) == 1:
        return _word_tokens(words[0])
    return tuple(token for word in words for token in _word_tokens(word))


_WORD_TOKENS: dict[str, tuple[str, ...]] = {}


def _word_tokens(word: str) -> tuple[str, ...]:
    tokens = _WORD_TOKENS.get(word)
    if tokens is None:
        if len(_WORD_TOKENS) >= 1 << 18:
            _WORD_TOKENS.clear()
        decomposed = unicodedata.normalize("NFKD", word.casefold())
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        tokens = _WORD_TOKENS[word] = tuple(_TOKEN.findall(stripped))
    return tokens


GRAM = 3
"""Substring search looks a name up by the names' three-character pieces."""


def grams(key: str | None) -> tuple[str, ...]:
    """The distinct three-character pieces of a folded name, in the order they come
    (none for a shorter name)."""
    if not key or len(key) < GRAM:
        return ()
    return tuple(dict.fromkeys(key[i : i + GRAM] for i in range(len(key) - GRAM + 1)))


def name_words(key: str | None) -> tuple[str, ...]:
    """The distinct words of a folded name: its runs of non-space characters, in the
    order they come. A text without spaces is in the name exactly when it is in one
    of them."""
    return tuple(dict.fromkeys(key.split())) if key else ()


def edit_budget(token: str) -> int:
    """Elasticsearch fuzziness AUTO: edits allowed for a query token of this length."""
    if len(token) <= 2:
        return 0
    if len(token) <= 5:
        return 1
    return 2


def osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (adjacent swaps count one), or limit+1 past limit.

    A name search checks every vocabulary token its variants reach (hundreds for a long
    name), so this is kept lean: the ends the two share cost nothing, and only the cells
    within `limit` of the diagonal can stay within `limit` (values are capped there)."""
    if a == b:
        return 0
    a, b = _without_shared_ends(a, b)
    cap = limit + 1
    if abs(len(a) - len(b)) > limit:
        return cap
    if not a or not b:
        return min(len(a) + len(b), cap)
    previous2: list[int] = []
    previous = [min(j, cap) for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        current = _osa_row(a, b, i, limit, previous, previous2)
        if min(current) > limit:
            return cap
        previous2, previous = previous, current
    return previous[len(b)]


def _osa_row(
    a: str, b: str, i: int, limit: int, previous: list[int], previous2: list[int]
) -> list[int]:
    """Row `i` of the distance table, cells beyond `limit` of the diagonal capped."""
    cap = limit + 1
    current = [cap] * (len(b) + 1)
    current[0] = min(i, cap)
    char, before = a[i - 1], a[i - 2] if i > 1 else ""
    for j in range(max(1, i - limit), min(len(b), i + limit) + 1):
        other = b[j - 1]
        best = previous[j - 1] + (char != other)
        best = min(best, previous[j] + 1, current[j - 1] + 1, cap)
        if before and j > 1 and char == b[j - 2] and before == other:
            best = min(best, previous2[j - 2] + 1)
        current[j] = best
    return current


def _without_shared_ends(a: str, b: str) -> tuple[str, str]:
    """`a` and `b` without the prefix and the suffix they share, which an optimal
    alignment matches as they are."""
    shorter = min(len(a), len(b))
    start = 0
    while start < shorter and a[start] == b[start]:
        start += 1
    end = 0
    while end < shorter - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return a[start : len(a) - end], b[start : len(b) - end]


def deletion_variants(token: str, depth: int) -> set[str]:
    """Every string reachable from `token` by deleting up to `depth` characters."""
    variants = {token}
    frontier = {token}
    for _ in range(depth):
        frontier = {word[:i] + word[i + 1 :] for word in frontier for i in range(len(word))}
        variants |= frontier
    return variants
