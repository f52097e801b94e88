"""First occurrences: for every row, the first row with the same values.

Duplicate keys, duplicate rows and names claimed twice all ask this one question, and
answer it exactly: hashes only choose which rows to compare. It is answered in two
steps:

1. A cheap fingerprint of every row (the reader's codes for columns kept as distinct
   values, a 64-bit hash of a few machine words of each text cell otherwise) marks the
   rows that *may* repeat another: those whose fingerprint repeats. Equal cells have
   equal fingerprints, so no repeat is missed; different cells rarely share one.
2. Only those rows are compared exactly: their cells dictionary-encoded (Arrow) and
   sorted by code, then by row, so that each group starts at its first row.

A column of a million distinct names is thus hashed word-wise in numpy and sorted as
integers, not put whole into a hash table of strings (three times the time, and
100 MB more at a million rows).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .reading import Cells, indices, take, text_slices

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from .reading import Text

# odd 64-bit constants (from xxHash and MurmurHash3's finaliser)
_K1 = np.uint64(0x9E3779B185EBCA87)
_K2 = np.uint64(0xC2B2AE3D27D4EB4F)
_K3 = np.uint64(0x165667B19E3779F9)
_K4 = np.uint64(0xFF51AFD7ED558CCD)
_K5 = np.uint64(0xC4CEB9FE1A85EC53)


@dataclass(frozen=True)
class Patched:
    """Cells of which a few values read otherwise: the values at ``positions`` (of
    ``cells.values``, ascending) are ``values`` instead. A column folded or normalised,
    where most values do not change, without a copy of the column."""

    cells: Cells
    positions: NDArray[np.intp]
    values: pa.StringArray

    def __len__(self) -> int:
        return len(self.cells)


#: A column to compare: as read, or patched.
Column: TypeAlias = Cells | Patched


def first_occurrences(
    columns: Sequence[Column], involving: NDArray[np.intp] | None = None
) -> NDArray[np.int64]:
    """For every row, the first row whose cells in ``columns`` are the same (the row
    itself when no row before it is). With ``involving``, only the groups of same rows
    that hold one of those rows are looked for (each other row is given as its own
    first): where only a few rows changed, the rows that now repeat another."""
    size = len(columns[0])
    first = np.arange(size, dtype=np.int64)
    if not size:
        return first
    rows = _may_repeat(columns, involving)
    if not rows.size:
        return first
    keys = [_codes(cells, rows) for cells in columns]
    # sort the rows by their codes, then by row: each group starts at its first row
    order = np.lexsort([np.arange(len(rows)), *reversed(keys)])
    starts = np.ones(len(order), dtype=bool)
    for key in keys:
        ordered = key[order]
        starts[1:] &= ordered[1:] == ordered[:-1]
    starts = ~starts
    starts[0] = True
    group = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    sorted_rows = rows[order]
    first[sorted_rows] = sorted_rows[group]
    return first


def _may_repeat(
    columns: Sequence[Column], involving: NDArray[np.intp] | None = None
) -> NDArray[np.intp]:
    """The rows whose fingerprint another row shares (every row that repeats another,
    and the rare row that only shares a hash); with ``involving``, the rows whose
    fingerprint one of those rows has (no sort of every fingerprint)."""
    combined = np.zeros(len(columns[0]), dtype=np.uint64)
    for cells in columns:
        combined *= _K1
        combined += fingerprints(cells)
    combined = _finish(combined)
    if involving is not None:
        repeated = combined[involving]
    else:
        ordered = np.sort(combined)
        repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if not repeated.size:
        return np.zeros(0, dtype=np.intp)
    # a bitmap over the low bits of the repeated fingerprints finds the rows that may
    # hold one; a binary search among those rows alone keeps the ones that do
    low = np.uint64((1 << min(24, max(16, int(repeated.size).bit_length() + 4))) - 1)
    bitmap = np.zeros(int(low) + 1, dtype=bool)
    bitmap[(repeated & low).astype(np.intp)] = True
    rows: NDArray[np.intp] = np.flatnonzero(bitmap[(combined & low).astype(np.intp)])
    shared = np.unique(repeated)
    found = combined[rows]
    at = np.minimum(np.searchsorted(shared, found), shared.size - 1)
    kept: NDArray[np.intp] = rows[shared[at] == found]
    return kept


def fingerprints(column: Column) -> NDArray[np.uint64]:
    """Every row's fingerprint: equal cells, equal fingerprints."""
    if isinstance(column, Patched):
        hashed = text_fingerprints(column.cells.values)
        hashed[column.positions] = text_fingerprints(column.values)
        codes = column.cells.codes
        return hashed if codes is None else hashed[codes]
    cells = column
    if cells.codes is not None and cells.distinct:
        return cells.codes.astype(np.uint64)
    if cells.codes is None:
        return text_fingerprints(cells.values)
    if 2 * len(cells.codes) < len(cells.values):  # a few rows of a long column
        return text_fingerprints(take(cells.values, cells.codes))
    return text_fingerprints(cells.values)[cells.codes]


def text_fingerprints(values: Text) -> NDArray[np.uint64]:
    """A 64-bit hash of each text: its length and the 8-byte words at its start, its
    middle and its end (texts of up to 16 bytes are hashed whole)."""
    hashed = np.empty(len(values), dtype=np.uint64)
    done = 0
    for offsets, data in text_slices(values):  # a slice at a time: small temporaries
        hashed[done : done + len(offsets) - 1] = _hashed(offsets, data)
        done += len(offsets) - 1
    return hashed


def _hashed(offsets: NDArray[np.int64], data: NDArray[np.uint8]) -> NDArray[np.uint64]:
    starts, lengths = offsets[:-1], np.diff(offsets)
    # the texts' bytes with eight zero bytes either side, so that every word read below
    # lies inside the buffer
    padded = np.zeros(data.size + 16, np.uint8)
    padded[8:-8] = data
    words: NDArray[np.uint64] = np.ndarray(
        (len(padded) - 7,), dtype="<u8", buffer=padded, strides=(1,)
    )
    short = lengths < 8
    head = words[starts + 8]
    head[short] &= (np.uint64(1) << (8 * lengths[short]).astype(np.uint64)) - np.uint64(1)
    tail = np.where(short, np.uint64(0), words[starts + lengths])
    middle = np.where(lengths > 16, words[starts + 8 + (lengths - 8) // 2], np.uint64(0))
    hashed = head * _K2 + lengths.astype(np.uint64)
    hashed = _finish(hashed) * _K3 + tail
    hashed = _finish(hashed) * _K2 + middle
    return _finish(hashed)


def _finish(hashed: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """MurmurHash3's 64-bit finaliser, in place: every bit of the input moves every bit."""
    hashed ^= hashed >> np.uint64(33)
    hashed *= _K4
    hashed ^= hashed >> np.uint64(33)
    hashed *= _K5
    hashed ^= hashed >> np.uint64(33)
    return hashed


def _codes(column: Column, rows: NDArray[np.intp]) -> NDArray[np.intp]:
    """Exact codes of the cells of ``rows``: equal codes for equal cells."""
    cells = column.cells if isinstance(column, Patched) else column
    if cells.codes is not None and cells.distinct and not isinstance(column, Patched):
        return np.asarray(cells.codes[rows], np.intp)
    positions = rows if cells.codes is None else cells.codes[rows]
    taken = take(cells.values, positions)  # one array: one dictionary for all
    if isinstance(column, Patched) and column.positions.size:
        at = np.minimum(np.searchsorted(column.positions, positions), column.positions.size - 1)
        patched = column.positions[at] == positions
        if patched.any():
            # the stubs leave replace_with_mask() untyped
            taken = cast(
                pa.StringArray,
                pc.replace_with_mask(
                    taken, pa.array(patched), column.values.take(indices(at[patched]))
                ),
            )
    encoded = cast("pa.DictionaryArray[Any, Any]", pc.dictionary_encode(taken))
    return np.asarray(encoded.indices.to_numpy(zero_copy_only=False), np.intp)
