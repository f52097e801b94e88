"""First occurrences: for every row, the first row with the same values.

Duplicate keys, duplicate rows and names claimed twice all ask this one question, and
answer it exactly, without hashes that could collide. Each column becomes integer
codes: the reader's codes for columns kept as distinct values
(:class:`~astana_talks.reading.Cells`), Arrow's dictionary encoding for plain text. A
row can repeat another only if each of its codes repeats somewhere, which counting
finds in linear time; only those rows are sorted to find which row each one repeats.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from .reading import Cells


def first_occurrences(columns: Sequence[Cells]) -> NDArray[np.int64]:
    """For every row, the first row whose cells in ``columns`` are the same (the row
    itself when no row before it is)."""
    size = len(columns[0])
    first = np.arange(size, dtype=np.int64)
    if not size:
        return first
    keys = [np.asarray(cells.encoded().codes, np.intp) for cells in columns]
    candidates = np.ones(size, dtype=bool)
    for key in keys:
        candidates &= np.bincount(key)[key] > 1
    rows = np.flatnonzero(candidates)
    if not rows.size:
        return first
    # sort the candidates by their codes, then by row: each group starts at its first row
    order = rows[np.lexsort([rows, *(key[rows] for key in reversed(keys))])]
    starts = np.ones(len(order), dtype=bool)
    for key in keys:
        ordered = key[order]
        starts[1:] &= ordered[1:] == ordered[:-1]
    starts = ~starts
    starts[0] = True
    group = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    first[order] = order[group]
    return first
