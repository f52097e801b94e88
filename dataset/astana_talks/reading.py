"""Reading one CSV file into text columns, with the physical line of every row.

The file is parsed by pyarrow's CSV reader (columnar, in C++) with every column
read as text, so that the checks in :mod:`astana_talks.table_checks` see exactly what
the contributor wrote. File-level and structural problems (encoding, delimiter,
line endings, header, ragged and blank rows) are found here.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, TypeAlias, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .cells import Suggester
from .memory import release_free_memory
from .models import Record
from .problems import Problem
from .schemas import Column
from .schemas import columns as _columns

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Mask = NDArray[np.bool_]

    Text: TypeAlias = pa.StringArray | pa.ChunkedArray[pa.StringScalar]
    """Text cells as Arrow reads them: one array, or a column read in chunks."""

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Cells:
    """The text cells of one column: every row's value, or (for a column whose values
    repeat, such as an id or a vocabulary) the distinct values and each row's code.

    Element-wise rules run on :attr:`values` and reach the rows through :meth:`rows`:
    a column of a million rows naming 59 actors is checked 59 times, not a million.
    With ``distinct`` False the codes only select rows of :attr:`values` (what is left
    of a plain column once blank rows are dropped), which may repeat.
    """

    values: Text
    codes: NDArray[np.int32] | None = None
    distinct: bool = True
    _encoded: list[Cells] = field(default_factory=list, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.codes) if self.codes is not None else len(self.values)

    def rows(self, mask: Mask) -> Mask:
        """A mask over :attr:`values` as a mask over the rows."""
        if self.codes is None:
            return mask
        if not mask.any():  # most rules find nothing: no need to look at every row
            return np.zeros(len(self.codes), dtype=bool)
        return mask[self.codes]

    def at(self, index: int) -> str:
        """The cell of row ``index``."""
        position = index if self.codes is None else int(self.codes[index])
        return str(self.values[position].as_py())

    def plain(self) -> pa.StringArray:
        """Every row's cell, in row order, as one array."""
        if self.codes is None:
            return plain_values(self.values)
        return plain_values(self.values.take(indices(self.codes)))

    def filter(self, keep: Mask) -> Cells:
        """The cells of the rows ``keep`` marks."""
        if self.codes is not None:
            return Cells(self.values, self.codes[keep], self.distinct)
        return Cells(self.values, np.flatnonzero(keep).astype(np.int32), distinct=False)

    def encoded(self) -> Cells:
        """The same cells as distinct values and codes."""
        if self.codes is not None and self.distinct:
            return self
        if not self._encoded:  # computed once: hashing a million cells takes a while
            # the stubs give dictionary_encode() the type of its argument
            encoded = cast(
                "pa.DictionaryArray[Any, Any]", pc.dictionary_encode(plain_values(self.values))
            )
            codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), np.int32)
            if self.codes is not None:
                codes = codes[self.codes]
            self._encoded.append(Cells(dictionary_values(encoded), codes))
        return self._encoded[0]


@dataclass(frozen=True)
class CsvTable:
    """One table's CSV as text columns; rows that are blank or ragged are left out."""

    model: type[Record]
    file: str
    header: tuple[str, ...]
    cells: dict[str, Cells]
    lines: NDArray[np.int64]
    problems: tuple[Problem, ...] = ()
    readable: bool = True
    """False when the file could not be parsed at all (no rows to check)."""
    _plain: dict[str, pa.StringArray] = field(default_factory=dict, compare=False, repr=False)

    @property
    def table(self) -> str:
        return self.model.table

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def columns(self) -> dict[str, pa.StringArray]:
        """Every column of the file that is a column of the table, row by row."""
        return {name: self.column(name) for name in self.cells}

    def position(self, name: str) -> int | None:
        """The 1-based position of column ``name`` in the file's header."""
        return self.header.index(name) + 1 if name in self.header else None

    def column(self, name: str) -> pa.StringArray:
        """The cells of column ``name``; empty cells where the file lacks the column."""
        found = self.cells.get(name)
        if found is None:
            return pa.array([""] * len(self), pa.string())
        if name not in self._plain:
            self._plain[name] = found.plain()
        return self._plain[name]

    def rows(self) -> list[dict[str, str]]:
        """Every row as a dict of text cells, one per column of the table (empty where
        the file lacks the column): for small tables and for building models."""
        names = list(self.model.columns())
        values = [self.column(n).to_pylist() for n in names]
        return [dict(zip(names, cells, strict=True)) for cells in zip(*values, strict=True)]


def plain_values(values: Text) -> pa.StringArray:
    """One Arrow array of ``values``, however they were read."""
    if isinstance(values, pa.ChunkedArray):
        # the stubs type a combined chunked array as a plain Array, not a StringArray
        return cast(pa.StringArray, values.combine_chunks())
    return values


def take(values: Text, positions: NDArray[np.integer[Any]]) -> pa.StringArray:
    """The cells at ``positions``, as one array. A column read in chunks is taken from
    chunk by chunk: Arrow would join the chunks first, a copy of the whole column."""
    if not isinstance(values, pa.ChunkedArray):
        return values.take(indices(positions))
    starts = np.cumsum([0] + [len(chunk) for chunk in values.chunks])
    chunk_of = np.searchsorted(starts, positions, side="right") - 1
    order = np.argsort(chunk_of, kind="stable")
    parts = [
        _chunk(values, int(c)).take(indices(positions[order][chunk_of[order] == c] - starts[c]))
        for c in np.unique(chunk_of)
    ]
    if not parts:
        return pa.array([], pa.string())
    joined = pa.concat_arrays(parts)
    back = np.empty_like(order)
    back[order] = np.arange(len(order))
    return joined.take(indices(back))


def _chunk(values: pa.ChunkedArray[pa.StringScalar], index: int) -> pa.StringArray:
    # the stubs type a chunk of a chunked array as a chunked array
    return cast(pa.StringArray, values.chunk(index))


def texts(values: Text) -> list[str]:
    """The cells as Python strings (a column read from CSV has no nulls)."""
    return cast("list[str]", values.to_pylist())


def dictionary_values(encoded: pa.DictionaryArray[Any, Any]) -> pa.StringArray:
    """The distinct values of a dictionary-encoded text column."""
    return cast(pa.StringArray, encoded.dictionary)


def _dictionary(chunk: pa.Array[Any]) -> pa.DictionaryArray[Any, Any]:
    """A chunk of a column read dictionary-encoded."""
    return cast("pa.DictionaryArray[Any, Any]", chunk)


def indices(positions: NDArray[np.integer[Any]]) -> pa.Int32Array | pa.Int64Array:
    """Row positions as Arrow indices, for ``take``."""
    # the stubs type pa.array() of any numpy array as a BooleanArray
    return cast("pa.Int32Array | pa.Int64Array", pa.array(positions))


def chunks_of(values: Text) -> list[pa.StringArray]:
    """The arrays a column is held in."""
    if isinstance(values, pa.ChunkedArray):
        return [_chunk(values, index) for index in range(values.num_chunks)]
    return [values]


def text_slices(
    values: Text, size: int = 1 << 16
) -> Iterator[tuple[NDArray[np.int64], NDArray[np.uint8]]]:
    """The texts of ``values``, ``size`` at a time, as the Arrow buffers hold them: the
    offsets of each text's start and end (from 0), and their bytes (not copied)."""
    for chunk in chunks_of(values):
        for start in range(0, len(chunk), size):
            piece = chunk.slice(start, size)
            _, offsets_buffer, data_buffer = piece.buffers()
            assert offsets_buffer is not None
            offsets = np.frombuffer(
                memoryview(offsets_buffer), np.int32, len(piece) + 1, piece.offset * 4
            ).astype(np.int64)
            first, last = int(offsets[0]), int(offsets[-1])
            data = np.zeros(0, np.uint8)
            if data_buffer is not None:
                data = np.frombuffer(memoryview(data_buffer), np.uint8)[first:last]
            yield offsets - first, data


def starts_with_byte(values: Text, starts: bytes) -> Mask:
    """Which cells start with one of the bytes ``starts`` (ASCII), read straight from
    the Arrow buffers: five times as fast as a regular expression anchored at the start."""
    wanted = np.zeros(256, dtype=bool)
    wanted[np.frombuffer(starts, np.uint8)] = True
    found = [np.zeros(0, dtype=bool)]
    for offsets, data in text_slices(values):
        filled = offsets[1:] > offsets[:-1]  # all False when there are no bytes
        if data.size:
            filled &= wanted[data[np.minimum(offsets[:-1], data.size - 1)]]
        found.append(filled)
    return np.concatenate(found)


def as_mask(array: pa.Array[Any] | pa.ChunkedArray[Any]) -> Mask:
    """A boolean Arrow array (or chunked array) as a numpy mask."""
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def _empty(
    model: type[Record], file: str, problems: list[Problem], header: tuple[str, ...] = ()
) -> CsvTable:
    return CsvTable(model, file, header, {}, np.zeros(0, np.int64), tuple(problems), readable=False)


#: The header is read from at most this many bytes at the start of a file.
HEADER_BYTES = 1 << 20


@dataclass
class _Scan:
    """What one pass over a file's bytes finds, piece by piece (a large file is never
    held in memory twice, nor decoded whole)."""

    bom: bool = False
    bad_byte: int | None = None
    """Offset (after any BOM) of the first byte that is not UTF-8."""
    nul: int | None = None
    """Offset of the first NUL byte."""
    printed: bool = False
    """Whether anything but whitespace was seen."""
    lf: int = 0
    crlf: int = 0
    cr: int = 0
    quoted: bool = False
    start: bytes = b""
    """The first :data:`HEADER_BYTES` bytes (after any BOM)."""
    last: bytes = b""
    """The last byte."""


#: Bytes per piece when a file is scanned.
PIECE_BYTES = 1 << 22


def _scan(pieces: Iterator[bytes]) -> _Scan:
    scan = _Scan()
    utf8 = _Utf8()
    offset = 0
    previous = b""
    for index, piece in enumerate(pieces):
        if index == 0 and piece.startswith(BOM):
            scan.bom, piece = True, piece[len(BOM) :]
        if len(scan.start) < HEADER_BYTES:
            scan.start += piece[: HEADER_BYTES - len(scan.start)]
        if scan.bad_byte is None:
            scan.bad_byte = utf8.feed(piece)
        if scan.nul is None and b"\x00" in piece:
            scan.nul = offset + piece.index(b"\x00")
        if not scan.printed and _printed(piece):
            scan.printed = True
        scan.lf += _count_lf(piece)
        if b"\r" in piece:
            scan.cr += piece.count(b"\r")
            scan.crlf += piece.count(b"\r\n")
        if previous == b"\r" and piece.startswith(b"\n"):
            scan.crlf += 1
        scan.quoted = scan.quoted or b'"' in piece
        if piece:
            previous = scan.last = piece[-1:]
        offset += len(piece)
    if scan.bad_byte is None:
        scan.bad_byte = utf8.end()
    return scan


def _count_lf(piece: bytes) -> int:
    """The line feeds in ``piece`` (numpy counts them a few times faster than
    ``bytes.count``)."""
    return int(np.count_nonzero(np.frombuffer(piece, np.uint8) == 0x0A))


class _Utf8:
    """Finds the first byte of a stream that is not UTF-8, fed a piece at a time.

    Arrow checks each piece (SIMD-fast, and without decoding it); only from the first
    piece it rejects on does Python's incremental decoder read the bytes, to find the
    exact offset. A character cut by the end of a piece is held back and checked with
    the next piece, so the pieces Arrow checks all start on a character: the bytes
    before the one it rejects are UTF-8, and the decoder starts there with no state.
    """

    def __init__(self) -> None:
        self.offset = 0
        """Offset of the byte after the last one fed."""
        self.carry = b""
        """The start of a character cut by the end of the last piece."""
        self.decoder: codecs.IncrementalDecoder | None = None

    def feed(self, piece: bytes) -> int | None:
        """The offset of the first byte that is not UTF-8, if it is in ``piece`` (or
        in the bytes carried from the last piece)."""
        self.offset += len(piece)
        if self.decoder is None:
            if self._checks(piece):
                return None
            self.decoder = codecs.getincrementaldecoder("utf-8")()
            piece, self.carry = self.carry + piece, b""
        return self._decode(self.decoder, piece)

    def end(self) -> int | None:
        """The offset of the first byte that is not UTF-8 in what is left once the
        stream has ended (a character cut by its end)."""
        if self.decoder is None:
            if not self.carry:
                return None
            self.decoder = codecs.getincrementaldecoder("utf-8")()
            found = self._decode(self.decoder, self.carry)
            if found is not None:
                return found
        try:
            self.decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            return self.offset - len(self.decoder.getstate()[0]) + error.start
        return None

    def _decode(self, decoder: codecs.IncrementalDecoder, piece: bytes) -> int | None:
        """The offset of the first byte that is not UTF-8 in ``piece`` (which ends at
        :attr:`offset`), as Python's decoder finds it."""
        pending = len(decoder.getstate()[0])  # bytes of a character cut by the last piece
        try:
            decoder.decode(piece)
        except UnicodeDecodeError as error:
            return self.offset - len(piece) - pending + error.start
        return None

    def _checks(self, piece: bytes) -> bool:
        """Whether Arrow finds the carried bytes and ``piece`` UTF-8, but for a
        character cut by the piece's end (carried to the next piece)."""
        head = 0
        if self.carry:
            head = _LENGTHS[self.carry[0]] - len(self.carry)
            try:
                (self.carry + piece[:head]).decode("utf-8")
            except UnicodeDecodeError:
                return False
        end = _character_start(piece)
        if not _is_utf8(piece, head, end):
            return False
        self.carry = piece[end:]
        return True


def _lengths() -> list[int]:
    """The length of the character each byte starts (1 for a byte that starts none)."""
    return [
        2 if 0xC0 <= b < 0xE0 else 3 if 0xE0 <= b < 0xF0 else 4 if b >= 0xF0 else 1
        for b in range(256)
    ]


_LENGTHS = _lengths()


def _character_start(piece: bytes) -> int:
    """The length of ``piece``, or the start of its last character if the piece ends
    before the character does."""
    for back in range(1, min(4, len(piece)) + 1):
        byte = piece[-back]
        if byte < 0x80 or byte >= 0xC0:  # not a continuation byte: a character starts here
            return len(piece) - back if _LENGTHS[byte] > back else len(piece)
    return len(piece)


def _is_utf8(data: bytes, start: int, end: int) -> bool:
    """Whether ``data[start:end]`` is UTF-8, as Arrow's validation of a one-string array
    over the bytes (not copied) finds it."""
    if start >= end:
        return True
    offsets = pa.py_buffer(np.array([start, end], np.int32).tobytes())
    text = pa.Array.from_buffers(pa.string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _pieces_of(data: bytes) -> Iterator[bytes]:
    view = memoryview(data)
    for offset in range(0, len(data), PIECE_BYTES):
        yield bytes(view[offset : offset + PIECE_BYTES])


def pieces_from(handle: BinaryIO) -> Iterator[bytes]:
    """The bytes of an open file, from its start, a piece at a time."""
    handle.seek(0)
    while piece := handle.read(PIECE_BYTES):
        yield piece


_WHITESPACE = re.compile(rb"[^ \t\n\r\x0b\x0c\x1c-\x1f]")


def _printed(piece: bytes) -> bool:
    """Whether ``piece`` holds anything but whitespace (Unicode's, as ``str.strip``)."""
    found = _WHITESPACE.search(piece)
    if found is None:
        return False
    if piece[found.start()] < 0x80:
        return True
    return bool(piece.decode("utf-8", "ignore").strip())


def _byte_at(source: bytes | BinaryIO, offset: int) -> bytes:
    if isinstance(source, bytes):
        return source[offset : offset + 1]
    source.seek(offset)
    return source.read(1)


def _line_at(pieces: Iterator[bytes], offset: int, bom: bool) -> int:
    """The line of the byte at ``offset`` (counted after any BOM)."""
    lines, seen = 1, -len(BOM) if bom else 0
    for piece in pieces:
        if seen + len(piece) > offset:
            return lines + piece.count(b"\n", 0, max(offset - seen, 0))
        lines += piece.count(b"\n")
        seen += len(piece)
    return lines


def _record_starts(
    parsed: pa.Table,
    records: NDArray[np.int64],
    skipped: list[tuple[Any, int, str]],
    total: int,
) -> NDArray[np.int64]:
    """The physical line each record starts on (records numbered from 1, the header
    first), from the line breaks inside its values: a record starts as many lines
    after the one before it as that one holds line breaks, plus one."""
    breaks = np.zeros(total + 1, np.int64)
    for index in range(parsed.num_columns):
        cells = _cells(parsed.column(index).chunks)
        counts = pc.count_substring(cells.values, "\n").to_numpy(zero_copy_only=False)
        breaks[records] += cells.rows(np.asarray(counts, np.int64))
    for number, _, text in skipped:
        breaks[number] += text.count("\n")
    before = np.concatenate(([0], np.cumsum(breaks)[:-1]))
    return (np.arange(total + 1) + before)[1:]


def _file_problems(scan: _Scan, where: dict[str, Any]) -> list[Problem]:
    """Line endings other than LF."""
    problems: list[Problem] = []
    lf, crlf = scan.lf, scan.crlf
    if scan.cr > crlf:
        problems.append(
            Problem.of(
                "line-endings",
                note="ends lines with a lone CR (classic Mac OS)"
                + (" mixed with LF" if lf else ""),
                hint="save with LF (Unix) line endings",
                **where,
            )
        )
    elif crlf and crlf == lf:
        problems.append(
            Problem.of(
                "line-endings",
                note="uses CRLF line endings",
                hint="save with LF (Unix) line endings",
                **where,
            )
        )
    elif crlf:
        problems.append(
            Problem.of(
                "line-endings",
                note=f"mixes line endings ({crlf} CRLF, {lf - crlf} LF)",
                hint="save with LF (Unix) line endings",
                **where,
            )
        )
    return problems


#: More columns than this in a header, and the file is not read further (ours have < 20).
MAX_COLUMNS = 1000


def _header_problems(
    header: tuple[str, ...], expected: tuple[str, ...], where: dict[str, Any]
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    hints = Suggester(expected)
    for number, name in enumerate(header, start=1):
        at = {**where, "row": 1, "column": number}
        if not name.strip():
            problems.append(Problem.of("blank-column", **at))
        elif name in seen:
            problems.append(
                Problem.of(
                    "duplicate-column",
                    field=name,
                    value=name,
                    **at,
                )
            )
        elif name not in expected:
            problems.append(
                Problem.of(
                    "extra-column",
                    note=f"{name!r} is not a column of table {where['table']}",
                    field=name,
                    value=name,
                    hint=hints(name),
                    **at,
                )
            )
        seen.add(name)
    for name in expected:
        if name not in header:
            problems.append(
                Problem.of(
                    "missing-column",
                    field=name,
                    row=1,
                    hint=f"the header must be: {','.join(expected)}",
                    **where,
                )
            )
    present = [name for name in header if name in expected]
    if not problems and present != [name for name in expected if name in present]:
        problems.append(
            Problem.of(
                "column-order",
                row=1,
                hint=f"the header must be: {','.join(expected)}",
                **where,
            )
        )
    return problems


def _repeats(column: Column) -> bool:
    """Whether a column's values repeat from row to row (ids of other rows, vocabularies,
    numbers, flags, dates, optional notes), so that it is read as distinct values and
    codes; required free text (names, quotes, descriptions) is read as it is."""
    return (
        not column.required
        or column.references is not None
        or column.vocabulary is not None
        or column.partial_date
        or column.datatype != "string"
    )


#: Text columns smaller than this are held as one array (the offsets of an Arrow string
#: array are 32-bit: 2 GiB of text at most).
_ONE_ARRAY_BYTES = 1 << 30


def _cells(chunks: list[pa.Array[Any]]) -> Cells:
    """The cells of a column read in chunks (dictionary-encoded or plain text)."""
    if not chunks:
        return Cells(pa.array([], pa.string()))
    if not (pa.types.is_dictionary(chunks[0].type) or pa.types.is_string(chunks[0].type)):
        # a column outside the header (no type was given for it): Arrow typed it itself
        # the stubs lag: fill_null() takes a Python value
        chunks = [pc.fill_null(chunk.cast(pa.string()), "") for chunk in chunks]  # type: ignore[arg-type]
    if not pa.types.is_dictionary(chunks[0].type):
        column = pa.chunked_array(chunks, pa.string())
        if column.nbytes < _ONE_ARRAY_BYTES:
            # one array: Arrow takes rows of a chunked text column by joining it first,
            # a copy of the column at every take
            return Cells(plain_values(column))
        return Cells(column)
    unified = pa.chunked_array(chunks).unify_dictionaries()
    codes = np.concatenate(
        [
            np.asarray(_dictionary(c).indices.to_numpy(zero_copy_only=False), np.int32)
            for c in unified.chunks
        ]
    )
    return Cells(dictionary_values(_dictionary(unified.chunks[0])), codes)


#: A file at least this large is parsed in two halves, one on each core.
SPLIT_BYTES = 1 << 23

#: Ends the first half: a record of its own when the half ends between two records (it
#: has a NUL byte, which a file that reaches the parser has not).
_SENTINEL = "\x00astana-talks: the end of the first half"


def _parse(
    source: bytes | BinaryIO, header: tuple[str, ...], model: type[Record], quoted: bool
) -> tuple[pa.Table, list[tuple[Any, int, str]]]:
    """All records (the header first) as columns, and (record number, cells, text) of
    the ragged ones: :func:`_parse_whole` of the file, or of its two halves at once when
    it is large (the same result in half the time on two cores)."""
    halves = _halves(source)
    if halves is not None:
        parsed = _parse_halves(*halves, header, model, quoted)
        if parsed is not None:
            return parsed
    return _parse_whole(
        source if isinstance(source, bytes) else _rewound(source), header, model, quoted
    )


def _halves(source: bytes | BinaryIO) -> tuple[int, int, int, int] | None:
    """(file descriptor, end of the header line, start of the second half, size) of a
    large file, the second half starting after a line break near the middle; None for
    bytes, small files, or where files cannot be read at an offset."""
    if isinstance(source, bytes) or not hasattr(os, "pread"):
        return None
    try:
        fd = source.fileno()
        size = os.fstat(fd).st_size
    except (OSError, AttributeError, ValueError, io.UnsupportedOperation):
        return None
    if size < SPLIT_BYTES:
        return None
    header_end = os.pread(fd, HEADER_BYTES, 0).find(b"\n")
    middle = size // 2
    newline = os.pread(fd, HEADER_BYTES, middle).find(b"\n")
    if header_end < 0 or newline < 0 or middle + newline + 1 >= size:
        return None
    return fd, header_end + 1, middle + newline + 1, size


def _parse_halves(
    fd: int,
    header_end: int,
    split: int,
    size: int,
    header: tuple[str, ...],
    model: type[Record],
    quoted: bool,
) -> tuple[pa.Table, list[tuple[Any, int, str]]] | None:
    """Both halves parsed at once: the first, ended by a sentinel record; the second,
    after a copy of the header line (which sets the number of columns, as the header
    does in the whole file). Parsing is a state machine: if the sentinel comes out as a
    record of its own, the first half ended between two records, where the whole file's
    parse is at that point too, and the second half parses as it would there. If not
    (the split fell inside a quoted value), None: the file is parsed whole."""
    first = _Range(fd, 0, split, tail=(_SENTINEL + "\n").encode())
    second = _Range(fd, split, size, head=os.pread(fd, header_end, 0))
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            later = pool.submit(_parse_whole, second, header, model, quoted)
            parsed, skipped = _parse_whole(first, header, model, quoted)
            rest, skipped_rest = later.result()
    except (pa.ArrowInvalid, pa.ArrowKeyError, OSError):
        return None  # the whole file's parse says what is wrong
    if not skipped or skipped[-1][2] != _SENTINEL or not rest.num_rows:
        return None
    skipped.pop()
    before = parsed.num_rows + len(skipped)  # records of the first half, the header first
    skipped += [(before + number - 1, cells, text) for number, cells, text in skipped_rest]
    return pa.concat_tables([parsed, rest.slice(1)]), skipped


class _Range:
    """Bytes ``start`` to ``end`` of an open file, after ``head`` and before ``tail``,
    read at their offset (each reader keeps its own place: two threads can read one
    file at once). Arrow reads it as a Python file: ``read`` only."""

    closed = False

    def __init__(self, fd: int, start: int, end: int, head: bytes = b"", tail: bytes = b""):
        self._fd, self._at, self._end = fd, start, end
        self._head, self._tail = head, tail

    def read(self, size: int = -1) -> bytes:
        wanted = size if size >= 0 else len(self._head) + self._end - self._at + len(self._tail)
        if self._head:
            piece, self._head = self._head[:wanted], self._head[wanted:]
        elif self._at < self._end:
            piece = os.pread(self._fd, min(wanted, self._end - self._at), self._at)
            self._at = self._at + len(piece) if piece else self._end  # a file cut short
        else:
            piece, self._tail = self._tail[:wanted], self._tail[wanted:]
        return piece


def _parse_whole(
    source: bytes | BinaryIO | _Range, header: tuple[str, ...], model: type[Record], quoted: bool
) -> tuple[pa.Table, list[tuple[Any, int, str]]]:
    """All records (the header first) as columns, and (record number, cells, text) of
    the ragged ones. Columns whose values repeat are read dictionary-encoded.

    One thread: the callback that collects ragged rows must not run on Arrow's worker
    threads (a Python object held by a native thread can abort the process when the
    interpreter exits, apache/arrow#34314). Line breaks inside quoted values are looked
    for only when the file has a quote at all. The cells are not checked for UTF-8 again:
    ``source`` is, as :func:`_scan` found, and a cell is a part of it cut at ASCII bytes
    (delimiters, quotes, line breaks), never inside a character."""
    skipped: list[tuple[Any, int, str]] = []

    def skip(row: pacsv.InvalidRow) -> Literal["skip"]:
        skipped.append((row.number, row.actual_columns, row.text))
        return "skip"

    repeats = {c.name for c in _columns(model) if _repeats(c)}
    parsed = pacsv.read_csv(
        # the stubs lag: read_csv() takes any readable Arrow or Python file
        pa.BufferReader(source) if isinstance(source, bytes) else source,  # type: ignore[arg-type]
        read_options=pacsv.ReadOptions(
            autogenerate_column_names=True, use_threads=False, block_size=1 << 22
        ),
        parse_options=pacsv.ParseOptions(
            newlines_in_values=quoted, ignore_empty_lines=False, invalid_row_handler=skip
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={
                f"f{i}": _ENCODED if name in repeats else pa.string()
                for i, name in enumerate(header)
            },
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=False,
        ),
    )
    return parsed, skipped


def _rewound(handle: BinaryIO) -> BinaryIO:
    handle.seek(0)
    return handle


_ENCODED = pa.dictionary(pa.int32(), pa.string())


def read_csv(model: type[Record], source: bytes | BinaryIO, file: str) -> CsvTable:
    """Read ``source`` (the bytes, or a file opened for reading them) as the CSV of
    ``model``'s table; never raises for bad content. A file is read piece by piece and
    parsed by Arrow as it is read, so a large file is never held in memory whole."""
    where: dict[str, Any] = {"file": file, "table": model.table}
    problems: list[Problem] = []

    def pieces() -> Iterator[bytes]:
        return _pieces_of(source) if isinstance(source, bytes) else pieces_from(source)

    scan = _scan(pieces())
    release_free_memory()
    if scan.bom:
        problems.append(
            Problem.of(
                "byte-order-mark",
                hint="save as UTF-8 without BOM",
                **where,
            )
        )
    if scan.bad_byte is not None:
        offset = scan.bad_byte + (len(BOM) if scan.bom else 0)
        bad = _byte_at(source, offset)
        problems.append(
            Problem.of(
                "encoding-error",
                offset=scan.bad_byte,
                byte=f" ({bad!r})",
                row=_line_at(pieces(), scan.bad_byte, scan.bom),
                hint="save the file as UTF-8",
                **where,
            )
        )
        return _empty(model, file, problems)
    if scan.nul is not None:
        problems.append(
            Problem.of(
                "malformed-csv",
                note="the file contains NUL bytes",
                row=_line_at(pieces(), scan.nul, scan.bom),
                **where,
            )
        )
        return _empty(model, file, problems)
    if not scan.printed:
        problems.append(Problem.of("empty-file", **where))
        return _empty(model, file, problems)
    problems += _file_problems(scan, where)
    expected = model.columns()
    try:  # the header is read from the start of the file (a stray quote swallows it all)
        start = scan.start.decode("utf-8", "ignore")
        header = tuple(next(csv.reader(io.StringIO(start, newline=""))))
    except csv.Error as error:
        problems.append(
            Problem.of(
                "malformed-csv", note=f"the header row cannot be parsed: {error}", row=1, **where
            )
        )
        return _empty(model, file, problems)
    if not "".join(header).strip():  # a blank line (or blank names) where the header belongs
        problems.append(
            Problem.of(
                "blank-row",
                row=1,
                hint=f"the first line must be the header: {','.join(expected)}",
                **where,
            )
        )
        return _empty(model, file, problems, header)
    if any("\n" in name or "\r" in name for name in header):
        problems.append(
            Problem.of(
                "malformed-csv",
                note="a quote opened in the header is never closed: "
                "the rest of the file is swallowed",
                row=1,
                hint="remove the stray quote from the header",
                **where,
            )
        )
        return _empty(model, file, problems)
    if len(header) == 1 and len(expected) > 1 and any(d in header[0] for d in ";\t|"):
        delimiter = next(d for d in ";\t|" if d in header[0])
        problems.append(
            Problem.of(
                "wrong-delimiter",
                delimiter=delimiter,
                row=1,
                hint="save the file as comma-separated values",
                **where,
            )
        )
        return _empty(model, file, problems, header)
    if len(header) > MAX_COLUMNS:  # not a table of ours: a column-by-column report would be huge
        problems.append(
            Problem.of(
                "extra-column",
                note=f"the header has {len(header)} columns, the table {len(expected)}: "
                "rows not read",
                row=1,
                hint=f"the header must be: {','.join(expected)}",
                **where,
            )
        )
        return _empty(model, file, problems, header)
    problems += _header_problems(header, expected, where)

    width = len(header)
    lf = scan.lf
    ends_with_lf = scan.last == b"\n"
    readable: bytes | BinaryIO = source
    if scan.bom or scan.last not in (b"\n", b"\r"):  # Arrow reads neither
        data = source if isinstance(source, bytes) else b"".join(pieces_from(source))
        readable = data[len(BOM) :] if scan.bom else data
        if scan.last not in (b"\n", b"\r"):  # a lone header needs its line break
            readable, lf, ends_with_lf = readable + b"\n", lf + 1, True
    try:
        parsed, skipped = _parse(readable, header, model, scan.quoted)
        release_free_memory()
    except (pa.ArrowInvalid, pa.ArrowKeyError) as error:
        problems.append(
            Problem.of("malformed-csv", note=f"the file cannot be parsed as CSV: {error}", **where)
        )
        return _empty(model, file, problems, header)

    total = parsed.num_rows + len(skipped)
    kept = np.ones(total + 1, dtype=bool)
    kept[0] = False
    kept[[number for number, _, _ in skipped]] = False
    records = np.flatnonzero(kept).astype(np.int64)
    physical = lf + (0 if ends_with_lf else 1)
    starts: NDArray[np.int64] | None = None
    if physical != total:  # a quoted value spans lines: find where each record starts
        starts = _record_starts(parsed, records, skipped, total)

    def line(number: int) -> int:
        return int(starts[number - 1]) if starts is not None else number

    for number, actual, raw in skipped:
        at = {**where, "row": line(number)}
        if raw.count('"') % 2:
            problems.append(
                Problem.of(
                    "malformed-csv",
                    note="a quote opened on this row is never closed: "
                    "the rest of the file is swallowed",
                    hint='close the quote, or double a quote inside a quoted value ("")',
                    **at,
                )
            )
        else:
            problems.append(Problem.of("ragged-row", cells=actual, width=width, **at))
    lines = (starts[records - 1] if starts is not None else records)[1:]
    body = parsed.slice(1)
    cells: dict[str, Cells] = {}
    for index, name in enumerate(header):
        if name in expected and name not in cells:
            cells[name] = _cells(body.column(index).chunks)
    blank = np.ones(len(lines), dtype=bool)
    for index in range(width):
        known = cells.get(header[index])
        found = known if known is not None else _cells(body.column(index).chunks)
        blank &= found.rows(as_mask(pc.equal(found.values, "")))  # type: ignore[call-overload]  # the stubs lag: Python scalars
    if width and blank.any():
        problems += [
            Problem.of("blank-row", row=int(row), hint="delete the row", **where)
            for row in lines[blank]
        ]
        cells = {name: found.filter(~blank) for name, found in cells.items()}
        lines = lines[~blank]
    problems.sort(key=lambda p: p.row or 0)  # stable: file-level problems first, then by row
    return CsvTable(model, file, header, cells, lines.astype(np.int64), tuple(problems))
