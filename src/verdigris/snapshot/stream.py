"""Read a snapshot file as a stream of pieces: account fields, record batches, ends.

The document's outer levels (the root object, the `accounts` list, each account's keys)
are read here token by token. Every value below them is parsed by orjson, and the
`people` and `leads` lists are cut into batches of whole records, so memory holds a
batch, not the file.

A batch is cut where a record probably ends (after the last line that closes a record,
else where the bracket depth, counted without regard to strings, returns to the list's),
and the cut is proven by parsing: `[` + batch + `]` parses only when the cut is a real
boundary, since a prefix of a list's text that parses as a list is made of whole
elements of it. A batch whose cut does not parse is read one exactly scanned record at a
time instead. Each batch keeps its text, so that another process can parse it again
rather than receive the parsed records (parsing is cheaper than unpickling them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, NamedTuple

import orjson

from verdigris.errors import SnapshotError
from verdigris.snapshot.format import RECORD_SECTIONS

READ_BYTES = 4 << 20
BATCH_BYTES = 1 << 20
"""Text per batch of records (about a thousand records of the usual size)."""

_WHITESPACE = re.compile(rb"[ \t\r\n]*+")
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"')
_FLAT = re.compile(rb'(?:[^"{}\[\]]++|"(?:[^"\\]++|\\.)*+")*+')
"""Text up to the next bracket outside strings (stops early at an unclosed string)."""
_SCALAR = re.compile(rb"[^ \t\r\n,:\]}]*+")
_OPENERS, _CLOSERS = b"{[", b"}]"
_QUOTE, _COMMA, _COLON = ord('"'), ord(","), ord(":")
_OPEN_OBJECT, _CLOSE_OBJECT = ord("{"), ord("}")
_OPEN_LIST, _CLOSE_LIST = ord("["), ord("]")


class Piece(NamedTuple):
    """`kind` is "format", "field" (an account key, complete), "records" (a batch of
    `key`'s records starting at `position`, with `text`: the batch as a JSON list) or
    "end" (the account is complete)."""

    kind: str
    account: int
    key: str
    value: Any
    position: int = 0
    text: bytes = b""


def read_pieces(
    stream: BinaryIO,
    take: Callable[[Piece], None],
    progress: Callable[[int], None] | None = None,
    batch_bytes: int = BATCH_BYTES,
) -> None:
    """Hand every piece to `take`, in file order; SnapshotError for JSON that does not
    parse (an error `take` raises ends the read)."""
    source = _Source(stream, progress)
    if source.peek() is None:
        raise SnapshotError("snapshot: the file is empty")
    if source.peek() != _OPEN_OBJECT:
        raise SnapshotError("snapshot: expected a JSON object")
    seen_accounts = False
    for key in source.object_keys():
        if key == "format":
            take(Piece("format", -1, "format", source.value()))
        elif key == "accounts":
            seen_accounts = True
            if source.peek() != _OPEN_LIST:
                take(Piece("field", -1, "accounts", source.value()))
                continue
            for index in source.elements():
                _account(source, index, take, batch_bytes)
        else:
            raise SnapshotError(f"snapshot.{key}: unknown key")
    source.end()
    if not seen_accounts:
        take(Piece("field", -1, "accounts", None))


def _account(source: _Source, index: int, take: Callable[[Piece], None], batch_bytes: int) -> None:
    if source.peek() != _OPEN_OBJECT:
        take(Piece("field", index, "", source.value()))
        return
    for key in source.object_keys():
        if key in RECORD_SECTIONS and source.peek() == _OPEN_LIST:
            position = 0
            for records, text in source.batches(batch_bytes):
                take(Piece("records", index, key, records, position, text))
                position += len(records)
            take(Piece("field", index, key, None))
        else:
            take(Piece("field", index, key, source.value()))
    take(Piece("end", index, "", None))


class _Source:
    """A buffer over the stream: `pos` is where reading is, `offset` the file offset of
    the buffer's first byte (for progress and error positions)."""

    def __init__(self, stream: BinaryIO, progress: Callable[[int], None] | None) -> None:
        self.stream, self.progress = stream, progress
        self.buffer = b""
        self.pos = 0
        self.offset = 0
        self.eof = False

    # -- the buffer

    def _more(self, at_least: int = READ_BYTES) -> bool:
        """Read more of the file after what the buffer holds; False at its end."""
        if self.eof:
            return False
        chunk = self.stream.read(max(at_least, READ_BYTES))
        if not chunk:
            self.eof = True
            return False
        self.offset += self.pos
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        if self.progress:
            self.progress(self.offset + len(self.buffer))
        return True

    def peek(self) -> int | None:
        """The next byte that is not whitespace (None at the end of the file)."""
        while True:
            self.pos = _WHITESPACE.match(self.buffer, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._more():
                return None

    def _expect(self, byte: int, what: str) -> None:
        if self.peek() != byte:
            self._invalid(f"expected {what}")
        self.pos += 1

    def _invalid(self, reason: str) -> None:
        raise SnapshotError(
            f"snapshot: not valid JSON (near byte {self.offset + self.pos}): {reason}"
        )

    # -- the outer levels

    def object_keys(self) -> Iterator[str]:
        """The keys of the object starting here; after each, `pos` is at its value."""
        self._expect(_OPEN_OBJECT, "'{'")
        if self.peek() == _CLOSE_OBJECT:
            self.pos += 1
            return
        while True:
            if self.peek() != _QUOTE:
                self._invalid("expected a key")
            key = self.value()
            self._expect(_COLON, "':'")
            yield key
            if not self._separator(_CLOSE_OBJECT, "'}'"):
                return

    def elements(self) -> Iterator[int]:
        """The positions of the list's elements; `pos` is at each element when yielded,
        and the caller reads it before asking for the next."""
        self._expect(_OPEN_LIST, "'['")
        if self.peek() == _CLOSE_LIST:
            self.pos += 1
            return
        index = 0
        while True:
            yield index
            index += 1
            if not self._separator(_CLOSE_LIST, "']'"):
                return

    def _separator(self, close: int, closer: str) -> bool:
        """True after a comma (another element follows), False after `close`."""
        byte = self.peek()
        self.pos += 1
        if byte == _COMMA:
            return True
        if byte != close:
            self.pos -= 1
            self._invalid(f"expected ',' or {closer}")
        return False

    def end(self) -> None:
        if self.peek() is not None:
            self._invalid("unexpected text after the document")

    # -- values

    def value(self) -> Any:
        """The JSON value starting here, parsed."""
        self.peek()
        while True:
            end = _value_end(self.buffer, self.pos)
            if end is not None and (end < len(self.buffer) or self.eof):
                break
            if not self._more(len(self.buffer) - self.pos):  # doubles what is held
                end = len(self.buffer)
                break
        return self._parse(self.pos, end, single=True)

    def _parse(self, start: int, end: int, single: bool) -> Any:
        """orjson on buffer[start:end] (a value, or list elements), `pos` moved to end."""
        text = self.buffer[start:end]
        try:
            parsed = orjson.loads(text if single else b"[" + text + b"]")
        except orjson.JSONDecodeError as error:
            shift = 0 if single else 1
            self.pos = start + max(0, min(error.pos - shift, end - start))
            self._invalid(error.msg)
        self.pos = end
        return parsed

    def batches(self, batch_bytes: int) -> Iterator[tuple[list[Any], bytes]]:
        """Batches of the list's elements starting here: (elements, their text as a JSON
        list), each with about `batch_bytes` of text and at least one element."""
        for _ in self.elements():
            self.peek()
            while len(self.buffer) - self.pos < batch_bytes and self._more():
                pass
            start = self.pos
            limit = min(len(self.buffer), start + batch_bytes)
            end = self._likely_cut(start, limit)
            if end is not None:
                text = b"[" + self.buffer[start:end] + b"]"
                try:
                    elements = orjson.loads(text)
                except orjson.JSONDecodeError:
                    end = None
            if end is None:
                end = self._exact_cut(start, limit)
                if end is None:  # one element longer than the batch
                    elements = [self.value()]
                    end = self.pos
                else:
                    elements = self._parse(start, end, single=False)
                text = b"[" + self.buffer[start:end] + b"]"
            self.pos = end
            yield elements, text

    def _likely_cut(self, start: int, limit: int) -> int | None:
        """A likely end of the last element that closes before `limit`: the end of the
        last whole line that holds a whole object, else the last `}` where the bracket
        depth (strings not told apart) is back to the list's. None: nothing to try."""
        text = self.buffer
        newline = text.rfind(b"\n", start, limit)
        if newline > start:
            line = max(start, text.rfind(b"\n", start, newline) + 1)
            first = _WHITESPACE.match(text, line).end()  # type: ignore[union-attr]
            last = len(text[line:newline].rstrip(b" \t\r,")) + line - 1
            if text[first] == _OPEN_OBJECT and text[last] == _CLOSE_OBJECT:
                return last + 1
        total = _depth(text, start, limit)
        tail, tail_from, close = 0, limit, limit
        while True:
            close = text.rfind(b"}", start, close)
            if close < 0:
                return None
            tail += _depth(text, close + 1, tail_from)
            tail_from = close + 1
            if total == tail:
                return close + 1

    def _exact_cut(self, start: int, limit: int) -> int | None:
        """The end of the last element that ends before `limit` (or of the first, if it
        ends later in the buffer), scanned exactly; None when the first does not end."""
        text = self.buffer
        end = None
        pos = start
        while True:
            element_end = _value_end(text, pos)
            if element_end is None or element_end >= len(text):
                return end
            end = element_end
            pos = _WHITESPACE.match(text, end).end()  # type: ignore[union-attr]
            if end >= limit or pos >= len(text) or text[pos] != _COMMA:
                return end
            pos = _WHITESPACE.match(text, pos + 1).end()  # type: ignore[union-attr]


def _depth(text: bytes, start: int, end: int) -> int:
    """Bracket depth reached over text[start:end], strings not told apart."""
    opened = text.count(b"{", start, end) + text.count(b"[", start, end)
    return opened - text.count(b"}", start, end) - text.count(b"]", start, end)


def _value_end(text: bytes, pos: int) -> int | None:
    """The end of the JSON value starting at text[pos], found by brackets outside
    strings (the parser checks the rest); None when it does not end within text."""
    if pos >= len(text):
        return None
    first = text[pos]
    if first == _QUOTE:
        string = _STRING.match(text, pos)
        return string.end() if string else None
    if first not in _OPENERS:
        scalar_end = _SCALAR.match(text, pos).end()  # type: ignore[union-attr]
        if scalar_end == pos:  # a stray separator: one byte, for the parser to refuse
            return pos + 1
        return scalar_end if scalar_end < len(text) else None
    depth = 0
    i = pos
    while True:
        byte = text[i]
        if byte in _OPENERS:
            depth += 1
        elif byte in _CLOSERS:
            depth -= 1
            if depth == 0:
                return i + 1
        i = _FLAT.match(text, i + 1).end()  # type: ignore[union-attr]
        if i >= len(text) or text[i] == _QUOTE:  # the end of text, or an unclosed string
            return None
