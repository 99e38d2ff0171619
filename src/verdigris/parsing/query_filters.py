"""Search filters read from the query string (SPEC.md 3): n8n's Copper node sends every
filter there and no body. Query values are text, so each becomes the JSON value its
filter reads: numbers from decimal strings, lists from comma-separated values or
repeated keys, booleans from `true`/`false`, and a value written as JSON (`[...]`,
`{...}`) as that JSON. What cannot be converted is passed on as text, so the filter's
own reader refuses it with the message a body would get."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from verdigris.domain.declarations import Declaration
from verdigris.domain.declarations.declaration import FilterKind as K

_INTEGER = re.compile(r"\s*-?[0-9]{1,19}\s*")
_NUMBER = re.compile(r"\s*-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\s*")
_ID_LISTS = frozenset({K.IDS, K.REF_IDS, K.OPPORTUNITIES, K.CHOICE_IDS, K.RELATED_IDS})
_TEXT_LISTS = frozenset({K.EMAILS, K.SOCIALS, K.CHOICES, K.TEXTS, K.TAGS})
_NUMBERS = frozenset({K.MINIMUM, K.MAXIMUM, K.AGE, K.FOLLOWED})
_FLAGS = ("include_converted_leads",)


def query_filters(decl: Declaration, query: Mapping[str, str]) -> dict[str, Any]:
    """The declaration's filters given in `query`, as a search body would hold them."""
    found: dict[str, Any] = {}
    for spec in decl.filters:
        texts = _all(query, spec.key)
        if texts:
            found[spec.key] = _value(spec.kind, texts)
    for key in _FLAGS:
        texts = _all(query, key)
        if texts:
            found[key] = _flag(texts[-1])
    return found


def _all(query: Mapping[str, str], key: str) -> list[str]:
    """Every value given for `key` (repeated keys), empty ones dropped."""
    getlist = getattr(query, "getlist", None)
    values = getlist(key) if getlist is not None else [query[key]] if key in query else []
    return [text for text in values if text.strip()]


def _value(kind: K, texts: list[str]) -> Any:
    if len(texts) == 1 and texts[0].lstrip()[:1] in ("[", "{"):
        try:
            return orjson.loads(texts[0])
        except orjson.JSONDecodeError:
            return texts[0]
    if kind in _ID_LISTS:
        return [_number(item) for item in _split(texts)]
    if kind in _TEXT_LISTS:
        return list(_split(texts))
    if kind in _NUMBERS:
        return _number(texts[-1])
    return texts[-1]


def _split(texts: Iterable[str]) -> Iterable[str]:
    return (item.strip() for text in texts for item in text.split(",") if item.strip())


def _number(text: str) -> Any:
    if _INTEGER.fullmatch(text):
        return int(text)
    if _NUMBER.fullmatch(text):
        return float(text)
    return text


def _flag(text: str) -> Any:
    lowered = text.strip().lower()
    return {"true": True, "false": False}.get(lowered, text)


def query_values(
    query: Mapping[str, str], numbers: Iterable[str], documents: Iterable[str]
) -> dict[str, Any]:
    """For a search without a declaration (activities): `numbers` keys read as numbers,
    `documents` keys as JSON."""
    found: dict[str, Any] = {}
    for key in numbers:
        if texts := _all(query, key):
            found[key] = _value(K.MINIMUM, texts)
    for key in documents:
        if texts := _all(query, key):
            found[key] = _value(K.CUSTOM_FIELDS, texts)
    return found
