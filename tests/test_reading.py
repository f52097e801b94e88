"""The scan of a CSV's bytes before Arrow parses it: the first byte that is not UTF-8 is
found by Arrow's validation of each piece, then by Python's decoder from the piece it
rejects, and must be exactly the byte Python's decoder finds in the whole file."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from astana_talks import reading
from astana_talks.models import TABLES
from astana_talks.problems import Problem
from astana_talks.reading import (
    BOM,
    PIECE_BYTES,
    CsvTable,
    _is_utf8,
    _scan,
    _Utf8,
    read_csv,
    starts_with_byte,
    take,
)
from astana_talks.spreadsheet import FORMULA_STARTS

MODEL = TABLES["place_names"]
HEADER = ",".join(MODEL.columns()).encode() + b"\n"


def _row(name: bytes, cells: int = len(MODEL.columns())) -> bytes:
    return b",".join([b"astana", name, b"name"] + [b""] * (cells - 3)) + b"\n"


def _rows_up_to(size: int) -> bytes:
    """The header and rows of plain ASCII, ``size`` bytes in all."""
    data = HEADER
    row = _row(b"x" * 40)
    data += row * ((size - len(data)) // len(row))
    filler = size - len(data)
    if filler:  # one last row, its name as long as it takes
        data += _row(b"y" * (filler - len(_row(b""))))
    assert len(data) == size
    return data


def _decoded(data: bytes) -> int | None:
    """The first byte that is not UTF-8, as Python's decoder finds it in the whole."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start
    return None


def _incrementally(pieces: list[bytes]) -> int | None:
    """The same, as the scan found it before Arrow checked the pieces: Python's
    incremental decoder, fed every piece."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    for piece in pieces:
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(piece)
        except UnicodeDecodeError as error:
            return offset - pending + error.start
        offset += len(piece)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        return offset - len(decoder.getstate()[0]) + error.start
    return None


def _read(data: bytes, handle: bool) -> CsvTable:
    return read_csv(MODEL, io.BytesIO(data) if handle else data, "place_names.csv")


def _encoding_errors(t: CsvTable) -> list[Problem]:
    return [p for p in t.problems if p.code == "encoding-error"]


def _line(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


@pytest.mark.parametrize("handle", [False, True], ids=["bytes", "file"])
@pytest.mark.parametrize("at", [PIECE_BYTES - 1, PIECE_BYTES, PIECE_BYTES + 1])
def test_a_bad_byte_at_a_piece_boundary_is_found_exactly(at: int, handle: bool) -> None:
    data = bytearray(_rows_up_to(PIECE_BYTES + 4096))
    data[at] = 0xFF
    (problem,) = _encoding_errors(_read(bytes(data), handle))
    assert (problem.message, problem.row) == (
        f"byte {at} (b'\\xff') is not UTF-8",
        _line(bytes(data), at),
    )


@pytest.mark.parametrize("handle", [False, True], ids=["bytes", "file"])
@pytest.mark.parametrize(
    ("character", "cut"),
    [("é", 1), ("€", 1), ("€", 2), ("😀", 1), ("😀", 2), ("😀", 3)],
    ids=["2-1", "3-1", "3-2", "4-1", "4-2", "4-3"],
)
def test_a_character_cut_by_a_piece_boundary_is_utf8(
    character: str, cut: int, handle: bool
) -> None:
    """The character starts ``cut`` bytes before the end of the first piece."""
    before = _rows_up_to(PIECE_BYTES - 100) + b"astana,"
    name = b"z" * (PIECE_BYTES - cut - len(before)) + character.encode()
    data = before + name + _row(b"")[len(b"astana,") :] + _row(b"Nur-Sultan")
    assert data[PIECE_BYTES - cut : PIECE_BYTES].decode("utf-8", "ignore") == ""
    t = _read(data, handle)
    assert t.problems == ()
    assert t.column("name").to_pylist()[-2] == name.decode()


def test_a_bad_byte_in_a_ragged_row_is_found() -> None:
    """Arrow skips a row of the wrong width without reading its cells as text."""
    data = HEADER + _row(b"Astana") + b"astana,\xe9,name\n" + _row(b"Nur-Sultan")
    (problem,) = _encoding_errors(_read(data, handle=True))
    assert (problem.message, problem.row) == (f"byte {data.index(0xE9)} (b'\\xe9') is not UTF-8", 3)


@pytest.mark.parametrize("handle", [False, True], ids=["bytes", "file"])
@pytest.mark.parametrize(
    "tail",
    [b"astana,caf\xc3", b"astana,\xe2\x82", b"astana,\xf0\x9f\x98", b"astana,\xff,name", b"\x80\n"],
    ids=["cut-2", "cut-3", "cut-4", "bad-byte", "continuation"],
)
def test_invalid_utf8_in_the_last_piece_is_found(tail: bytes, handle: bool) -> None:
    data = _rows_up_to(PIECE_BYTES + 4096) + tail
    expected = _decoded(data)
    assert expected is not None
    (problem,) = _encoding_errors(_read(data, handle))
    bad = data[expected : expected + 1]
    assert (problem.message, problem.row) == (
        f"byte {expected} ({bad!r}) is not UTF-8",
        _line(data, expected),
    )


def test_an_offset_after_a_bom_is_counted_after_it() -> None:
    data = BOM + HEADER + b"astana,caf\xe9,name\n"
    (problem,) = _encoding_errors(_read(data, handle=True))
    assert problem.message == f"byte {len(HEADER) + 10} (b'\\xe9') is not UTF-8"


BYTES = st.sampled_from(
    [
        b"a",
        b"\n",
        b"\xc3\xa9",
        b"\xe2\x82\xac",
        b"\xf0\x9f\x98\x80",
        b"\xc3",
        b"\xe2\x82",
        b"\xf0\x9f\x98",
        b"\x80",
        b"\xbf",
        b"\xc0\x80",
        b"\xe0\x80\x80",
        b"\xed\xa0\x80",
        b"\xf4\x90\x80\x80",
        b"\xf5",
        b"\xff",
    ]
)


def _cut(data: bytes, sizes: list[int]) -> Iterator[bytes]:
    start = 0
    for size in sizes:
        yield data[start : start + size]
        start += size
    if start < len(data):
        yield data[start:]


@settings(max_examples=500, deadline=None)
@given(st.lists(BYTES, max_size=30).map(b"".join), st.lists(st.integers(0, 9), max_size=30))
def test_the_scan_finds_the_byte_python_finds(data: bytes, sizes: list[int]) -> None:
    """However the file is cut into pieces (empty ones too)."""
    pieces = list(_cut(data, sizes))
    assert _scan(iter(pieces)).bad_byte == _incrementally(pieces) == _decoded(data)


def test_arrow_and_python_agree_on_every_short_sequence() -> None:
    """Every one and two bytes, and three and four bytes after every lead byte (the
    second byte is where the forbidden ranges are: overlong forms, surrogates, past
    U+10FFFF), so Arrow's validation lets through exactly what Python decodes."""
    sequences = [bytes([a]) for a in range(256)]
    sequences += [bytes([a, b]) for a in range(256) for b in range(256)]
    sequences += [
        bytes([a, b, c]) for a in range(0xE0, 0x100) for b in range(256) for c in (0x7F, 0xBF)
    ]
    sequences += [
        bytes([a, b, 0x80, d])
        for a in range(0xF0, 0x100)
        for b in range(256)
        for d in (0x7F, 0x80, 0xC0)
    ]
    disagree = [s for s in sequences if _is_utf8(s, 0, len(s)) != (_decoded(s) is None)]
    assert disagree == []


@pytest.mark.parametrize("text", ["é", "€", "😀", "a€b😀c"])
def test_characters_cut_by_pieces_are_left_to_arrow(text: str) -> None:
    """Python's decoder reads no piece of a file that is UTF-8, however it is cut."""
    data = text.encode()
    for cut in range(1, len(data)):
        utf8 = _Utf8()
        assert (utf8.feed(data[:cut]), utf8.feed(data[cut:]), utf8.end()) == (None, None, None)
        assert utf8.decoder is None, cut


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="=+-@\t\rab é\u200b", max_size=4)), st.integers(0, 3))
def test_starts_with_byte_reads_the_first_byte_of_each_cell(values: list[str], skip: int) -> None:
    """As a regular expression anchored at the start would, on a slice of an array (as
    a column after its header row) and on chunks."""
    cells = pa.array(["x"] * skip + values, pa.string()).slice(skip)
    expected = [bool(v) and v[0] in "=+-@\t\r" for v in values]
    assert starts_with_byte(cells, FORMULA_STARTS).tolist() == expected
    twice = pa.chunked_array([cells, pa.array([], pa.string()), cells], pa.string())
    assert starts_with_byte(twice, FORMULA_STARTS).tolist() == expected * 2


# pieces of CSV text: plain and quoted cells, line breaks inside quotes, doubled quotes,
# a stray quote that opens a value never closed, ragged rows, blank lines, CRLF
_CSV_PIECES = ["a", ",", "\n", '"', '""', '"x\ny"', "\r\n", ",,", "é", "b,c"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_CSV_PIECES), max_size=60), st.booleans())
def test_a_file_parsed_in_two_halves_reads_as_parsed_whole(
    tmp_path_factory: pytest.TempPathFactory, pieces: list[str], quoted: bool
) -> None:
    """Where the halves are parsed at once, records, ragged rows and their numbers are
    those of one parse of the whole file; where the split falls inside a quoted value,
    the file is parsed whole."""
    model = TABLES["places"]
    header = model.columns()
    text = ",".join(header) + "\n" + "".join(pieces) + "\nz,z,z\n"
    path = tmp_path_factory.mktemp("halves") / "places.csv"
    path.write_bytes(text.encode())
    try:
        whole, whole_skipped = reading._parse_whole(text.encode(), header, model, quoted)
    except pa.ArrowInvalid:
        return
    with path.open("rb") as handle, pytest.MonkeyPatch.context() as patch:
        patch.setattr(reading, "SPLIT_BYTES", 1)
        assert reading._halves(handle) is not None
        parsed, skipped = reading._parse(handle, header, model, quoted)
    assert parsed.to_pylist() == whole.to_pylist()
    assert skipped == whole_skipped


def test_a_split_inside_a_quoted_value_falls_back_to_one_parse(tmp_path: Path) -> None:
    """The middle of this file is inside a quoted value that spans lines, after a
    ragged row: the halves are not used, and the file reads as one parse reads it."""
    model = TABLES["places"]
    header = model.columns()
    middle = "\n".join(f"line {n}" for n in range(200))
    text = ",".join(header) + "\nragged\n" + f'a,"{middle}",b,c\nd,e,f\n'
    path = tmp_path / "places.csv"
    path.write_bytes(text.encode())
    whole = reading._parse_whole(text.encode(), header, model, True)
    with path.open("rb") as handle:
        halves = reading._halves(handle)
        assert halves is None or reading._parse_halves(*halves, header, model, True) is None
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(reading, "SPLIT_BYTES", 1)
            halves = reading._halves(handle)
            assert halves is not None
            assert reading._parse_halves(*halves, header, model, True) is None
            parsed, skipped = reading._parse(handle, header, model, True)
    assert parsed.to_pylist() == whole[0].to_pylist()
    assert skipped == whole[1]
    assert skipped[0][0] == 2


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(max_size=3), max_size=5), max_size=5), st.data())
def test_take_from_chunks_gives_the_cells_asked_for(
    chunks: list[list[str]], data: st.DataObject
) -> None:
    flat = [cell for chunk in chunks for cell in chunk]
    column = pa.chunked_array([pa.array(chunk, pa.string()) for chunk in chunks], pa.string())
    positions = data.draw(st.lists(st.integers(0, len(flat) - 1), max_size=10)) if flat else []
    assert take(column, np.array(positions, np.int64)).to_pylist() == [flat[p] for p in positions]


@pytest.mark.parametrize(
    "first", [b"", b"  ", b",,", b" , "], ids=["empty", "spaces", "commas", "blanks"]
)
@pytest.mark.parametrize("ending", [b"\n", b"\r\n"], ids=["lf", "crlf"])
def test_a_blank_first_line_is_one_problem_not_a_cascade(first: bytes, ending: bytes) -> None:
    header = ",".join(MODEL.columns()).encode()
    rows = b"".join(b"x" * n + b"," * (len(MODEL.columns()) - 1) + ending for n in (1, 2, 3))
    t = _read(first + ending + header + ending + rows, handle=False)
    errors = [p for p in t.problems if p.severity == "error"]
    assert [(p.code, p.row, p.column) for p in errors] == [("blank-row", 1, None)]
    assert errors[0].hint == f"the first line must be the header: {header.decode()}"
    assert not t.readable
    assert len(t) == 0
