"""The XLSX workbook read back with openpyxl: the documented types, no formulas."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from astana_talks import Dataset
from astana_talks.models import MODELS
from astana_talks.schemas import columns
from astana_talks.workbook import workbook

from .helpers import ROOT


@pytest.fixture(scope="module")
def book(ds: Dataset) -> openpyxl.Workbook:
    data = workbook({t: ds.table(t) for t in ds.tables()})
    return openpyxl.load_workbook(io.BytesIO(data))


def test_a_sheet_per_table_and_a_codebook(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == [m.table for m in MODELS] + ["codebook"]
    assert book["rounds"].freeze_panes == "A2"


def test_every_cell_reads_back_with_the_documented_type(
    ds: Dataset, book: openpyxl.Workbook
) -> None:
    for model in MODELS:
        rows = list(book[model.table].iter_rows(values_only=True))
        assert rows[0] == model.columns()
        with (ROOT / "data" / f"{model.table}.csv").open(encoding="utf-8", newline="") as f:
            shipped = list(csv.DictReader(f))  # the cells as the canonical CSV writes them
        assert len(rows) - 1 == len(shipped) == len(ds.table(model.table))
        for written, cells in zip(shipped, rows[1:], strict=True):
            for column, cell in zip(columns(model), cells, strict=True):
                text = written[column.name]
                if text == "":
                    assert cell is None
                elif column.datatype == "integer":
                    assert isinstance(cell, int)
                    assert cell == int(text)
                elif column.datatype == "boolean":
                    assert cell is (text == "true")
                else:  # text, identifiers, vocabularies and partial dates stay text
                    assert cell == text


def test_formula_like_text_is_stored_as_text_without_a_visible_marker(ds: Dataset) -> None:
    event = ds.events[0].model_copy(update={"description": '=HYPERLINK("http://x")'})
    data = workbook({"events": (event,)})
    sheet = openpyxl.load_workbook(io.BytesIO(data))["events"]
    cell = sheet.cell(row=2, column=ds.events[0].columns().index("description") + 1)
    assert (cell.data_type, cell.value) == ("s", '=HYPERLINK("http://x")')


def test_the_same_data_gives_the_same_bytes(ds: Dataset) -> None:
    tables = {t: ds.table(t) for t in ds.tables()}
    when = dt.datetime(2024, 11, 12)
    assert workbook(tables, when) == workbook(tables, when)
