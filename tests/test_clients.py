"""The shipped CSVs as clients nobody here wrote read them: csvkit with its defaults."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from astana_talks import Dataset
from astana_talks.models import MODELS, Record

from .helpers import ROOT

BIN = Path(sys.executable).parent


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.table)
def test_csvkit_reads_every_shipped_table_with_its_default_options(
    ds: Dataset, model: type[Record]
) -> None:
    """csvkit sniffs the dialect from the first kilobyte; a wrong guess (a space as the
    delimiter) once turned rounds.csv into one column."""
    result = subprocess.run(
        [str(BIN / "csvjson"), str(ROOT / "data" / f"{model.table}.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == len(ds.table(model.table))
    assert all(tuple(row) == model.columns() for row in rows)
