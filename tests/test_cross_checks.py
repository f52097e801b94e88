"""Column-wise helpers of the cross-table checks, against their plain definitions."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import given, settings
from hypothesis import strategies as st

from astana_talks.cross_checks import _FOLDED, already_folded
from astana_talks.names import normalize_name


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet="ab1 Aé.-_\u200b", max_size=6)), st.integers(0, 3))
def test_already_folded_is_the_regular_expression(values: list[str], skip: int) -> None:
    """On a slice of an array (as a column after its header) and on chunks."""
    cells = pa.array(["x"] * skip + values, pa.string()).slice(skip)
    expected = np.asarray(
        pc.match_substring_regex(cells, _FOLDED).to_numpy(zero_copy_only=False), bool
    )
    assert already_folded(cells).tolist() == expected.tolist()
    chunked = pa.chunked_array([cells, cells], pa.string())
    assert already_folded(chunked).tolist() == expected.tolist() * 2


@given(st.text(alphabet="ab1 ", max_size=8))
def test_a_name_already_folded_folds_to_itself(name: str) -> None:
    """What lets folding skip those names."""
    if already_folded(pa.array([name], pa.string()))[0] and not name.startswith("the "):
        assert normalize_name(name) == name
