"""Reading one CSV file into text columns, with the physical line of every row.

The file is parsed by pyarrow's CSV reader (columnar, in C++) with every column
read as text, so that the checks in :mod:`astana_talks.checks` see exactly what
the contributor wrote. File-level and structural problems (encoding, delimiter,
line endings, header, ragged and blank rows) are found here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .cells import Suggester
from .models import Record
from .problems import Problem
from .schemas import Column, columns

if TYPE_CHECKING:
    from numpy.typing import NDArray

    Mask = NDArray[np.bool_]

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Cells:
    """The text cells of one column: every row's value, or (for a column whose values
    repeat, such as an id or a vocabulary) the distinct values and each row's code.

    Element-wise rules run on :attr:`values` and reach the rows through :meth:`rows`:
    a column of a million rows naming 59 actors is checked 59 times, not a million.
    """

    values: pa.Array | pa.ChunkedArray
    codes: NDArray[np.int32] | None = None

    def __len__(self) -> int:
        return len(self.codes) if self.codes is not None else len(self.values)

    def rows(self, mask: Mask) -> Mask:
        """A mask over :attr:`values` as a mask over the rows."""
        return mask if self.codes is None else mask[self.codes]

    def at(self, index: int) -> str:
        """The cell of row ``index``."""
        position = index if self.codes is None else int(self.codes[index])
        return str(self.values[position].as_py())

    def plain(self) -> pa.Array:
        """Every row's cell, in row order."""
        if self.codes is None:
            if isinstance(self.values, pa.ChunkedArray):
                return self.values.combine_chunks()
            return self.values
        return self.values.take(pa.array(self.codes))

    def filter(self, keep: Mask) -> Cells:
        """The cells of the rows ``keep`` marks."""
        if self.codes is not None:
            return Cells(self.values, self.codes[keep])
        return Cells(self.values.filter(pa.array(keep)))

    def encoded(self) -> Cells:
        """The same cells as distinct values and codes."""
        if self.codes is not None:
            return self
        encoded = pc.dictionary_encode(self.values)
        codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), np.int32)
        return Cells(encoded.dictionary, codes)


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
    _plain: dict[str, pa.Array] = field(default_factory=dict, compare=False, repr=False)

    @property
    def table(self) -> str:
        return self.model.table

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def columns(self) -> dict[str, pa.Array]:
        """Every column of the file that is a column of the table, row by row."""
        return {name: self.column(name) for name in self.cells}

    def position(self, name: str) -> int | None:
        """The 1-based position of column ``name`` in the file's header."""
        return self.header.index(name) + 1 if name in self.header else None

    def column(self, name: str) -> pa.Array:
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


def _mask(array: pa.Array | pa.ChunkedArray) -> Mask:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def _empty(
    model: type[Record], file: str, problems: list[Problem], header: tuple[str, ...] = ()
) -> CsvTable:
    return CsvTable(model, file, header, {}, np.zeros(0, np.int64), tuple(problems), readable=False)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _record_starts(text: str) -> Iterator[int]:
    """The physical line each CSV record starts on (slow path, for quoted line breaks).

    Quotes toggle between inside and outside a quoted value (a doubled quote toggles
    twice); a line break outside quotes ends a record. Unlike the ``csv`` module this
    has no field size limit, so a huge quoted value does not cut the count short.
    """
    line = 1
    yield line
    for index, part in enumerate(text.split('"')):
        if index % 2:  # inside a quoted value: its line breaks are data
            line += part.count("\n")
            continue
        for _ in range(part.count("\n")):
            line += 1
            yield line


def _file_problems(data: bytes, where: dict[str, Any]) -> list[Problem]:
    problems = []
    crlf, lf = data.count(b"\r\n"), data.count(b"\n")
    if data.count(b"\r") > crlf:
        problems.append(
            Problem(
                "line-endings",
                "the file ends lines with a lone CR (classic Mac OS)"
                + (" mixed with LF" if lf else ""),
                hint="save with LF (Unix) line endings",
                **where,
            )
        )
    elif crlf and crlf == lf:
        problems.append(
            Problem(
                "line-endings",
                "the file uses CRLF line endings",
                hint="save with LF (Unix) line endings",
                **where,
            )
        )
    elif crlf:
        problems.append(
            Problem(
                "line-endings",
                f"the file mixes line endings ({crlf} CRLF, {lf - crlf} LF)",
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
            problems.append(Problem("blank-column", f"column {number} has no name", **at))
        elif name in seen:
            problems.append(
                Problem(
                    "duplicate-column",
                    f"column {name!r} appears twice",
                    field=name,
                    value=name,
                    **at,
                )
            )
        elif name not in expected:
            problems.append(
                Problem(
                    "extra-column",
                    f"{name!r} is not a column of table {where['table']}",
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
                Problem(
                    "missing-column",
                    f"column {name!r} is missing",
                    field=name,
                    row=1,
                    hint=f"the header must be: {','.join(expected)}",
                    **where,
                )
            )
    present = [name for name in header if name in expected]
    if not problems and present != [name for name in expected if name in present]:
        problems.append(
            Problem(
                "column-order",
                "the columns are in the wrong order",
                row=1,
                hint=f"the header must be: {','.join(expected)}",
                **where,
            )
        )
    return problems


def _parse(data: bytes, width: int, threads: bool) -> tuple[pa.Table, list[tuple[Any, int, str]]]:
    """All records as text columns, and (record number, cells, text) of the ragged ones.

    With ``threads``, no Python callback is given to Arrow's worker threads (a ragged
    row then raises): a Python object held by a native thread can abort the process
    when the interpreter exits (apache/arrow#34314). Ragged rows are collected by the
    single-threaded read, which is also the only one that numbers them."""
    skipped: list[tuple[Any, int, str]] = []

    def skip(row: Any) -> str:
        skipped.append((row.number, row.actual_columns, row.text))
        return "skip"

    parsed = pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(
            autogenerate_column_names=True, use_threads=threads, block_size=1 << 24
        ),
        parse_options=pacsv.ParseOptions(
            newlines_in_values=True,
            ignore_empty_lines=False,
            invalid_row_handler=None if threads else skip,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={f"f{i}": pa.string() for i in range(width)},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return parsed, skipped


#: Files at least this large are read batch by batch when they are clean (see
#: :func:`_read_clean`); smaller ones, and any file that is not clean, by the exact path.
STREAM_BYTES = 1 << 20
#: Bytes per batch of the batch-wise read.
BLOCK_BYTES = 1 << 22


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


def _cells(chunks: list[pa.Array]) -> Cells:
    """The cells of a column read in batches (dictionary-encoded or plain text)."""
    if not chunks:
        return Cells(pa.array([], pa.string()))
    if not pa.types.is_dictionary(chunks[0].type):
        return Cells(pa.chunked_array(chunks, pa.string()))
    unified = pa.chunked_array(chunks).unify_dictionaries()
    codes = np.concatenate(
        [np.asarray(c.indices.to_numpy(zero_copy_only=False), np.int32) for c in unified.chunks]
    )
    return Cells(unified.chunk(0).dictionary, codes)


def _read_clean(
    model: type[Record], data: bytes, file: str, problems: list[Problem]
) -> CsvTable | None:
    """A clean file read batch by batch, its repeated values encoded; ``None`` for any
    file that is not clean, which :func:`read_csv` then reads exactly.

    Clean means: no NUL or CR bytes, exactly the table's header, UTF-8 (pyarrow checks
    it), every row as wide as the header and one line per row (a blank line, a ragged
    row, a quoted line break or bad UTF-8 sends the file to the exact path). Quoted
    values may hold commas and quotes; line breaks are looked for only when the file has
    a quote at all (finding them costs pyarrow its parallel parsing)."""
    if b"\x00" in data or b"\r" in data:
        return None
    end = data.find(b"\n")
    if end < 0 or end + 1 >= len(data):
        return None
    try:
        header = tuple(next(csv.reader([data[:end].decode("utf-8")])))
    except (UnicodeDecodeError, csv.Error, StopIteration):
        return None
    if header != model.columns():
        return None
    encoded = pa.dictionary(pa.int32(), pa.string())
    chunks: dict[str, list[pa.Array]] = {name: [] for name in header}
    try:
        reader = pacsv.open_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(
                column_names=list(header), skip_rows=1, block_size=BLOCK_BYTES, use_threads=True
            ),
            parse_options=pacsv.ParseOptions(
                newlines_in_values=b'"' in data, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={
                    c.name: encoded if _repeats(c) else pa.string() for c in columns(model)
                },
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        records = 0
        for batch in reader:
            records += batch.num_rows
            for index, name in enumerate(header):
                chunks[name].append(batch.column(index))
    except (pa.ArrowInvalid, pa.ArrowKeyError):
        return None
    if data.count(b"\n") + (0 if data.endswith(b"\n") else 1) != records + 1:
        return None  # a quoted line break: the exact path finds where each row starts
    cells = {name: _cells(found) for name, found in chunks.items()}
    lines = np.arange(2, records + 2, dtype=np.int64)
    blank = np.ones(records, dtype=bool)
    for found in cells.values():
        blank &= found.rows(_mask(pc.equal(found.values, "")))
    if blank.any():
        where: dict[str, Any] = {"file": file, "table": model.table}
        problems += [
            Problem("blank-row", "the row is blank", row=int(n), hint="delete the row", **where)
            for n in lines[blank]
        ]
        cells = {name: found.filter(~blank) for name, found in cells.items()}
        lines = lines[~blank]
    return CsvTable(model, file, header, cells, lines, tuple(problems))


def read_csv(model: type[Record], data: bytes, file: str) -> CsvTable:
    """Read ``data`` as the CSV of ``model``'s table; never raises for bad content."""
    where: dict[str, Any] = {"file": file, "table": model.table}
    problems: list[Problem] = []
    if data.startswith(BOM):
        problems.append(
            Problem(
                "byte-order-mark",
                "the file starts with a byte-order mark",
                hint="save as UTF-8 without BOM",
                **where,
            )
        )
        data = data[len(BOM) :]
    if len(data) >= STREAM_BYTES:
        clean = _read_clean(model, data, file, list(problems))
        if clean is not None:
            return clean
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = data[error.start : error.start + 1]
        problems.append(
            Problem(
                "encoding-error",
                f"byte {error.start} ({bad!r}) is not UTF-8",
                row=_line_of(data, error.start),
                hint="save the file as UTF-8",
                **where,
            )
        )
        return _empty(model, file, problems)
    if "\x00" in text:
        problems.append(
            Problem(
                "malformed-csv",
                "the file contains NUL bytes",
                row=_line_of(data, data.index(b"\x00")),
                **where,
            )
        )
        return _empty(model, file, problems)
    if not text.strip():
        problems.append(
            Problem("empty-file", "the file is empty: it needs at least a header row", **where)
        )
        return _empty(model, file, problems)
    problems += _file_problems(data, where)
    expected = model.columns()
    try:
        header = tuple(next(csv.reader(io.StringIO(text, newline=""))))
    except csv.Error as error:
        problems.append(
            Problem("malformed-csv", f"the header row cannot be parsed: {error}", row=1, **where)
        )
        return _empty(model, file, problems)
    if any("\n" in name or "\r" in name for name in header):
        problems.append(
            Problem(
                "malformed-csv",
                "a quote opened in the header is never closed: the rest of the file is swallowed",
                row=1,
                hint="remove the stray quote from the header",
                **where,
            )
        )
        return _empty(model, file, problems)
    if len(header) == 1 and len(expected) > 1 and any(d in header[0] for d in ";\t|"):
        delimiter = next(d for d in ";\t|" if d in header[0])
        problems.append(
            Problem(
                "wrong-delimiter",
                f"the file is separated by {delimiter!r}, not by commas",
                row=1,
                hint="save the file as comma-separated values",
                **where,
            )
        )
        return _empty(model, file, problems, header)
    if len(header) > MAX_COLUMNS:  # not a table of ours: a column-by-column report would be huge
        problems.append(
            Problem(
                "extra-column",
                f"the header has {len(header)} columns, the table {len(expected)}: rows not read",
                row=1,
                hint=f"the header must be: {','.join(expected)}",
                **where,
            )
        )
        return _empty(model, file, problems, header)
    problems += _header_problems(header, expected, where)

    width = len(header)
    if not data.endswith((b"\n", b"\r")):  # pyarrow cannot read a lone header without one
        data += b"\n"
    try:
        try:
            parsed, skipped = _parse(data, width, threads=True)
        except pa.ArrowInvalid:  # a ragged row, or worse: read again to say which
            parsed, skipped = _parse(data, width, threads=False)
    except (pa.ArrowInvalid, pa.ArrowKeyError) as error:
        problems.append(
            Problem("malformed-csv", f"the file cannot be parsed as CSV: {error}", **where)
        )
        return _empty(model, file, problems, header)

    total = parsed.num_rows + len(skipped)
    skipped_numbers = {number for number, _, _ in skipped}
    records = (
        np.array([n for n in range(1, total + 1) if n not in skipped_numbers], np.int64)
        if skipped
        else np.arange(1, total + 1, dtype=np.int64)
    )
    physical = text.count("\n") + (0 if text.endswith("\n") else 1)
    starts: NDArray[np.int64] | None = None
    if physical != total:  # a quoted value spans lines: find where each record starts
        starts = np.fromiter(_record_starts(text), np.int64)
        if len(starts) < total:
            starts = None

    def line(number: int) -> int:
        return int(starts[number - 1]) if starts is not None else number

    for number, actual, raw in skipped:
        at = {**where, "row": line(number)}
        if raw.count('"') % 2:
            problems.append(
                Problem(
                    "malformed-csv",
                    "a quote opened on this row is never closed: the rest of the file is swallowed",
                    hint='close the quote, or double a quote inside a quoted value ("")',
                    **at,
                )
            )
        else:
            problems.append(
                Problem("ragged-row", f"the row has {actual} cells, the header {width}", **at)
            )
    lines = starts[records - 1] if starts is not None else records
    body = parsed.slice(1)
    lines = lines[1:]
    blank = None
    for index in range(width):
        empty = pc.equal(body.column(index), "")
        blank = empty if blank is None else pc.and_(blank, empty)
    if blank is not None and len(body):
        mask = blank.to_numpy(zero_copy_only=False)
        for row in lines[mask]:
            problems.append(
                Problem(
                    "blank-row", "the row is blank", row=int(row), hint="delete the row", **where
                )
            )
        if mask.any():
            body = body.filter(pa.array(~mask))
            lines = lines[~mask]
    columns: dict[str, pa.Array] = {}
    for index, name in enumerate(header):
        if name in expected and name not in columns:
            columns[name] = body.column(index).combine_chunks()
    problems.sort(key=lambda p: p.row or 0)  # stable: file-level problems first, then by row
    cells = {name: Cells(array) for name, array in columns.items()}
    return CsvTable(model, file, header, cells, lines.astype(np.int64), tuple(problems))
