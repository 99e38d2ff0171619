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
    """Optimal string alignment distance (adjacent swaps count one), or limit+1 past limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, previous2[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[len(b)], limit + 1)


def deletion_variants(token: str, depth: int) -> set[str]:
    """Every string reachable from `token` by deleting up to `depth` characters."""
    variants = {token}
    frontier = {token}
    for _ in range(depth):
        frontier = {word[:i] + word[i + 1 :] for word in frontier for i in range(len(word))}
        variants |= frontier
    return variants
