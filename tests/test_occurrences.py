"""First occurrences are exact: the fingerprints only choose which rows to compare."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from astana_talks.occurrences import Patched, first_occurrences, text_fingerprints
from astana_talks.reading import Cells

# texts that share their first, middle or last eight bytes, around the lengths where the
# hash changes how it reads a text (7, 8, 16, 17 bytes), with multi-byte characters
_PIECES = ["a", "b", "é", "generated name ", "0123456", "01234567", "x" * 9, "\u200b"]
TEXT = st.lists(st.sampled_from(_PIECES), max_size=5).map("".join)


def reference(rows: list[tuple[object, ...]]) -> list[int]:
    seen: dict[tuple[object, ...], int] = {}
    return [seen.setdefault(row, index) for index, row in enumerate(rows)]


def chunked(values: list[str], cut: int) -> pa.ChunkedArray[pa.StringScalar]:
    cut = min(cut, len(values))
    return pa.chunked_array(
        [pa.array(values[:cut], pa.string()), pa.array(values[cut:], pa.string())], pa.string()
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=60), st.integers(0, 60))
def test_text_column_matches_a_dictionary(values: list[str], cut: int) -> None:
    expected = reference([(v,) for v in values])
    assert first_occurrences([Cells(pa.array(values, pa.string()))]).tolist() == expected
    assert first_occurrences([Cells(chunked(values, cut))]).tolist() == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(TEXT, st.integers(0, 3)), min_size=1, max_size=60),
    st.integers(0, 5),
)
def test_text_and_codes_together(rows: list[tuple[str, int]], skip: int) -> None:
    """A key of a text column (read from a slice of a longer array, as a filtered column
    is) and a column read as distinct values and codes."""
    texts = [text for text, _ in rows]
    padded = pa.array(["p"] * skip + texts, pa.string()).slice(skip)
    codes = np.array([code for _, code in rows], np.int32)
    distinct = Cells(pa.array(["w", "x", "y", "z"]), codes)
    found = first_occurrences([Cells(padded), distinct])
    assert found.tolist() == reference([tuple(row) for row in rows])


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=20), st.data())
def test_codes_that_select_rows_of_values(values: list[str], data: st.DataObject) -> None:
    """Codes that select (and may repeat) rows of the values, as after dropping blank
    rows or replacing look-alike values: two codes may name equal texts."""
    picks = data.draw(st.lists(st.integers(0, len(values) - 1), min_size=1, max_size=40))
    cells = Cells(pa.array(values, pa.string()), np.array(picks, np.int32), distinct=False)
    expected = reference([(values[p],) for p in picks])
    assert first_occurrences([cells]).tolist() == expected


@given(TEXT, st.integers(0, 4), st.integers(0, 4))
def test_equal_texts_have_equal_fingerprints_wherever_they_are(
    text: str, before: int, after: int
) -> None:
    alone = text_fingerprints(pa.array([text]))
    among = text_fingerprints(
        pa.array(["0123456789abcdefghij"] * before + [text] + ["é" * 9] * after).slice(before)
    )
    assert among[0] == alone[0]


def test_a_million_distinct_texts_have_no_repeat() -> None:
    values = pa.array([f"generated name {n}" for n in range(1_000_000)])
    first = first_occurrences([Cells(values)])
    assert (first == np.arange(len(values))).all()


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=30), st.data())
def test_patched_values_are_compared_as_patched(values: list[str], data: st.DataObject) -> None:
    """A column with some values read otherwise (folded names, look-alike keys), held
    as a plain column or as distinct values and codes, compares as the patched values."""
    size = len(values)
    positions = sorted(data.draw(st.sets(st.integers(0, size - 1), max_size=size)))
    patch = [data.draw(TEXT) for _ in positions]
    seen = list(values)
    for position, value in zip(positions, patch, strict=True):
        seen[position] = value
    picks = data.draw(st.lists(st.integers(0, size - 1), min_size=1, max_size=40))
    distinct = len(set(values)) == size  # codes into distinct values, as the reader keeps
    for cells, rows in (
        (Cells(pa.array(values, pa.string())), list(range(size))),
        (Cells(pa.array(values, pa.string()), np.array(picks, np.int32), distinct=False), picks),
        (Cells(pa.array(values, pa.string()), np.array(picks, np.int32), distinct), picks),
    ):
        patched = Patched(cells, np.array(positions, np.intp), pa.array(patch, pa.string()))
        expected = reference([(seen[r],) for r in rows])
        assert first_occurrences([patched]).tolist() == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=40), st.data())
def test_only_the_groups_involving_some_rows(values: list[str], data: st.DataObject) -> None:
    """With ``involving``, a row whose group of same rows holds an involved row gets
    the group's first row; any other row, itself."""
    size = len(values)
    involving = sorted(data.draw(st.sets(st.integers(0, size - 1), max_size=size)))
    full = reference([(v,) for v in values])
    involved_groups = {full[r] for r in involving}
    expected = [full[r] if full[r] in involved_groups else r for r in range(size)]
    found = first_occurrences([Cells(pa.array(values, pa.string()))], np.array(involving, np.intp))
    assert found.tolist() == expected
