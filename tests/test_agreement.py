"""Where the Pydantic models and Frictionless (reading our Table Schemas) accept or
reject the same cells of the corpus, and the documented places where they cannot.

Frictionless 5 parses integers with Python's ``int()``: it takes ``+21``, ``021``,
`` 21``, ``7_000_000`` and Arabic-Indic digits, which our canonical-form rule rejects;
and a Table Schema pattern cannot say that 29 February 2023 does not exist. Those
cells are listed in ``FRICTIONLESS_ACCEPTS``; on every other cell of the corpus the
two agree. This is why contributions must go through ``astana-talks validate``.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

import pytest

from astana_talks.cells import parse_row
from astana_talks.models import TABLES

from .helpers import CELL_CODES, ROOT

CORPUS = Path(__file__).parent / "corpus"
FRICTIONLESS_ACCEPTS = {"+21", "021", " 21", "7_000_000", "\u0662\u0661", "2023-02-29"}


def _cases() -> list[Path]:
    chosen = []
    for case in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
        files = [p for p in case.iterdir() if p.suffix == ".csv"]
        codes = {problem[3] for problem in expected["problems"]}
        if len(files) == 1 and files[0].stem in TABLES and codes and codes <= CELL_CODES:
            chosen.append(case)
    return chosen


@pytest.mark.parametrize("case", _cases(), ids=lambda c: c.name)
def test_models_and_frictionless_agree_on_every_cell(case: Path) -> None:
    from frictionless import Package

    [path] = [p for p in case.iterdir() if p.suffix == ".csv"]
    model = TABLES[path.stem]
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    ours = set()
    for line, cells in enumerate(rows, start=2):
        _, problems = parse_row(model, cells, {"row": line})
        ours |= {(line, p.field) for p in problems if p.code in CELL_CODES}
    with tempfile.TemporaryDirectory() as folder:
        package = Path(folder)
        shutil.copytree(ROOT / "data", package / "data")
        shutil.copy(ROOT / "datapackage.json", package)
        shutil.copy(path, package / "data" / path.name)
        report = Package(str(package / "datapackage.json")).validate(limit_errors=0)
    theirs = {
        (e.row_number, e.field_name)
        for task in report.tasks
        if task.name == model.table
        for e in task.errors
        if e.type in ("type-error", "constraint-error")
    }
    lax = {(line, field) for line, field in ours if rows[line - 2][field] in FRICTIONLESS_ACCEPTS}
    assert ours - lax == theirs
    assert ours  # every chosen case has a bad cell
