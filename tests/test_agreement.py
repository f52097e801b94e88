"""The Pydantic models and the Frictionless Table Schemas accept and reject the same
cells, on every cell of the corpus.

Every CSV in ``tests/corpus`` (files, package folders and zip members) whose
structure lets cells be read at all (UTF-8, the table's header, rows as long as the
header) is read twice: row by row through the models (``cells.parse_row``) and by
Frictionless through the table's schema in ``datapackage.json``. The cells each one
rejects must be the same.

One difference is inherent and pinned here: a Table Schema ``integer`` is parsed by
Frictionless 5 with Python's ``int()``, which takes ``+21``, ``021``, `` 21``,
``-0``, ``7_000_000`` and Arabic-Indic digits; our canonical-form rule refuses them, and no
Table Schema property can (``pattern`` is not applied to integers). Those spellings
are listed in ``FRICTIONLESS_ACCEPTS``; if Frictionless ever refuses them, the test
fails and the list shrinks. Dates agree exactly: the schema pattern says which days
are real (29 February only in leap years).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from astana_talks.cells import parse_row
from astana_talks.models import TABLES
from astana_talks.problems import CODES

from .helpers import CELL_CODES, ROOT
from .test_corpus import expected

CORPUS = Path(__file__).parent / "corpus"
#: The integer spellings Frictionless's ``int()`` takes and the canonical form refuses.
FRICTIONLESS_ACCEPTS = {"+21", "021", " 21", "-0", "7_000_000", "\u0662\u0661"}
#: Problems that stop a file's cells from being read as cells.
_CODE_NAMES = list(CODES)
STRUCTURAL = frozenset(
    _CODE_NAMES[_CODE_NAMES.index("encoding-error") : _CODE_NAMES.index("blank-row") + 1]
) - {"byte-order-mark", "line-endings"} | {"unreadable-input", "unsafe-path", "unknown-table"}


@dataclass(frozen=True)
class CorpusCsv:
    case: Path
    name: str  # the file's path inside its case, as the golden names it
    table: str | None
    data: bytes

    def __str__(self) -> str:
        return f"{self.case.name}/{self.name}"


def _corpus_csvs() -> Iterator[CorpusCsv]:
    for case in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        args = expected(case)["args"]
        forced = args[1] if args[:1] == ["--table"] else None
        for path in sorted(case.rglob("*")):
            name = path.relative_to(case).as_posix()
            if path.suffix == ".csv" and path.is_file() and not path.is_symlink():
                table = forced or (path.stem if path.stem in TABLES else None)
                yield CorpusCsv(case, name, table, path.read_bytes())
            elif path.suffix == ".zip" and zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as archive:
                    for info in archive.infolist():
                        member = Path(info.filename)
                        if member.suffix == ".csv" and info.file_size < 1_000_000:
                            table = member.stem if member.stem in TABLES else None
                            data = archive.read(info)
                            yield CorpusCsv(case, f"{name}/{info.filename}", table, data)


def _cell_rows(item: CorpusCsv) -> list[dict[str, str]] | None:
    """The rows as cells, or None when the file's structure hides its cells."""
    if item.table is None:
        return None
    try:
        text = item.data.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except (UnicodeDecodeError, csv.Error):
        return None
    header = TABLES[item.table].columns()
    if not rows or rows[0] != list(header):
        return None
    body = rows[1:]
    if any(len(row) != len(header) or not any(row) for row in body):
        return None
    return [dict(zip(header, row, strict=True)) for row in body]


CSVS = list(_corpus_csvs())
COMPARABLE = [item for item in CSVS if _cell_rows(item) is not None]


def _rejected_by_models(item: CorpusCsv, rows: list[dict[str, str]]) -> set[tuple[int, str]]:
    model = TABLES[item.table or ""]
    rejected = set()
    for number, cells in enumerate(rows, start=2):
        _, problems = parse_row(model, cells, {"row": number})
        rejected |= {(number, p.field or "") for p in problems if p.code in CELL_CODES}
    return rejected


def _rejected_by_frictionless(item: CorpusCsv) -> set[tuple[int, str]]:
    from frictionless import Resource, Schema, errors

    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    [resource] = [r for r in descriptor["resources"] if r["name"] == item.table]
    schema = copy.deepcopy(resource["schema"])
    schema.pop("foreignKeys", None)  # references are compared in test_differential
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "table.csv").write_bytes(item.data)
        report = Resource(
            path="table.csv",
            basepath=folder,
            schema=Schema.from_descriptor(schema),
            encoding="utf-8-sig",
        ).validate(limit_errors=0)
    return {
        (error.row_number, error.field_name)
        for task in report.tasks
        for error in task.errors
        if isinstance(error, (errors.TypeError, errors.ConstraintError))
    }


@pytest.mark.parametrize("item", COMPARABLE, ids=str)
def test_models_and_frictionless_reject_the_same_cells(item: CorpusCsv) -> None:
    rows = _cell_rows(item)
    assert rows is not None
    ours = _rejected_by_models(item, rows)
    lax = {(n, field) for n, field in ours if rows[n - 2][field] in FRICTIONLESS_ACCEPTS}
    assert ours - lax == _rejected_by_frictionless(item)


def test_only_files_with_a_structural_problem_are_left_out() -> None:
    assert len(COMPARABLE) >= 60
    for item in CSVS:
        if item in COMPARABLE:
            continue
        codes = {problem[3] for problem in expected(item.case)["problems"]}
        assert codes & STRUCTURAL, f"{item} is left out but its golden has only {codes}"


def test_the_accepted_difference_is_real() -> None:
    # Each listed spelling is still taken by Frictionless and refused by the models;
    # when a Frictionless release stops taking one, remove it from the list.
    from frictionless import fields

    from astana_talks.cells import parse_cell
    from astana_talks.schemas import columns

    [number] = [c for c in columns(TABLES["participants"]) if c.name == "round_number"]
    read = fields.IntegerField(name="n").create_value_reader()  # type: ignore[no-untyped-call]
    for text in FRICTIONLESS_ACCEPTS:
        assert read(text) is not None, text
        assert parse_cell(number, text)[1] is not None, text
