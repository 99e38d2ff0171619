"""The snapshot reader hands out exactly the document json.loads reads, whatever its
layout and batch size; broken JSON is named with its byte, never half read."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import SAMPLE
from verdigris.errors import SnapshotError
from verdigris.snapshot.stream import Piece, read_pieces


def _rebuild(data: bytes, batch_bytes: int) -> dict[str, Any]:
    """The document again, from the pieces; checks each batch's text on the way."""
    document: dict[str, Any] = {}
    accounts: dict[int, dict[str, Any]] = {}

    def take(piece: Piece) -> None:
        if piece.kind == "format":
            document["format"] = piece.value
        elif piece.kind == "end":
            accounts.setdefault(piece.account, {})
        elif piece.account < 0:
            document["accounts"] = piece.value
        elif piece.kind == "records":
            records = accounts.setdefault(piece.account, {}).setdefault(piece.key, [])
            assert piece.position == len(records)
            assert json.loads(piece.text) == piece.value
            records += piece.value
        elif piece.value is not None or piece.key not in ("people", "leads"):
            accounts.setdefault(piece.account, {})[piece.key] = piece.value
        else:
            accounts.setdefault(piece.account, {}).setdefault(piece.key, [])

    read_pieces(io.BytesIO(data), take, batch_bytes=batch_bytes)
    if accounts:
        document["accounts"] = [accounts[i] for i in sorted(accounts)]
    return document


_LAYOUTS: list[dict[str, Any]] = [
    {}, {"indent": 2}, {"separators": (",", ":")}, {"indent": "\t"}, {"ensure_ascii": False},
]  # fmt: skip


@pytest.mark.parametrize("layout", _LAYOUTS)
@pytest.mark.parametrize("batch_bytes", [1, 50, 700, 1 << 20])
def test_sample_reads_back_in_every_layout(layout: dict[str, Any], batch_bytes: int) -> None:
    sample = json.loads(SAMPLE.read_text())
    assert _rebuild(json.dumps(sample, **layout).encode(), batch_bytes) == sample


_text = st.text(alphabet=st.sampled_from('ab {}[]",:\\\n\tü\u2028'), max_size=8)
_leaf = st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), _text)
_value = st.recursive(
    _leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_text, inner, max_size=3)),
    max_leaves=8,
)
_record = st.dictionaries(_text, _value, max_size=4)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_record, max_size=12),
    st.lists(_record, max_size=5),
    st.sampled_from(_LAYOUTS),
    st.sampled_from([1, 20, 90, 4096]),
)
def test_any_records_any_layout(
    people: list[dict[str, Any]],
    leads: list[dict[str, Any]],
    layout: dict[str, Any],
    batch_bytes: int,
) -> None:
    """Strings full of brackets, quotes and escapes mislead the cheap cut; the parse
    that proves it, and the exact scan after it, keep the records whole."""
    document = {"format": "x", "accounts": [{"id": 1, "people": people, "leads": leads}]}
    assert _rebuild(json.dumps(document, **layout).encode(), batch_bytes) == document


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"[]", "expected a JSON object"),
        (b'{"format": "x", "accounts": [', "not valid JSON (near byte 29)"),
        (b'{"accounts": [{"people": [{"id":1} {"id":2}]}]}', "near byte 35): expected ','"),
        (b'{"accounts": [{"people": [{"id":1}, , {"id":2}]}]}', "not valid JSON (near byte"),
        (b'{"accounts": [{"people": [{"id":1},]}]}', "not valid JSON"),
        (b'{"accounts": [{"people": [{"id": 01}]}]}', "not valid JSON"),
        (b'{"accounts": [{"people": [{"id": NaN}]}]}', "not valid JSON"),
        (b'{"accounts": []} trailing', "unexpected text after the document"),
        (b'{"other": 1}', "snapshot.other: unknown key"),
    ],
)
def test_broken_json_is_named(data: bytes, message: str) -> None:
    with pytest.raises(SnapshotError) as raised:
        _rebuild(data, 16)
    assert message in raised.value.message
