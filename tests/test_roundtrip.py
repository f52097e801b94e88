"""Hypothesis: model -> CSV row -> model is the identity; a value breaking a rule is rejected."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from astana_talks.cells import parse_row, render_row, to_csv
from astana_talks.models import MODELS, Record
from astana_talks.problems import Problem
from astana_talks.reading import read_csv
from astana_talks.schemas import Column, columns
from astana_talks.table_checks import check_cells, check_rows

from .test_dates import partial_dates

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


def _value(model: type[Record], column: Column) -> st.SearchStrategy[Any]:
    if column.name == "inferred_fields":
        names = st.lists(st.sampled_from(model.columns()), min_size=1, max_size=3, unique=True)
        return names.map(" ".join)
    if column.vocabulary is not None:
        return st.sampled_from(list(column.vocabulary))
    if column.partial_date:
        return partial_dates()
    if column.datatype == "integer":
        return st.integers(column.minimum, column.maximum)
    if column.datatype == "boolean":
        return st.booleans()
    assert column.pattern is not None, column
    # a UTF-8 file cannot hold a lone surrogate: such text is no possible cell
    strategy = st.from_regex(column.pattern, fullmatch=True).filter(
        lambda s: not any("\ud800" <= c <= "\udfff" for c in s)
    )
    if column.max_length is not None:
        strategy = strategy.filter(lambda s: len(s) <= (column.max_length or 0))
    return strategy


@st.composite
def records(draw: st.DrawFn, model: type[Record]) -> Record:
    values: dict[str, Any] = {}
    for column in columns(model):
        strategy = _value(model, column)
        if not column.required:
            strategy = st.none() | strategy
        values[column.name] = draw(strategy)
    if values.get("inferred_fields") and not values.get("inference_note"):
        values["inference_note"] = "reasoned"
    if values.get("inference_note") and not values.get("inferred_fields"):
        values["inference_note"] = None
    try:
        return model.model_validate(values)
    except ValidationError:
        assume(False)
        raise


def _columnar(model: type[Record], data: bytes) -> tuple[list[Problem], list[dict[str, str]]]:
    """What the column-wise validator finds in a CSV file, and its rows."""
    table = read_csv(model, data, "generated.csv")
    problems, failed = check_cells(table)
    return [*table.problems, *problems, *check_rows(table, failed)], table.rows()


def _raw_csv(model: type[Record], cells: dict[str, str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(model.columns())
    writer.writerow([cells[name] for name in model.columns()])
    return buffer.getvalue().encode("utf-8")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.table)
def test_model_to_csv_row_to_model_is_equal(model: type[Record]) -> None:
    @SETTINGS
    @given(records(model))
    def check(record: Record) -> None:
        problems, rows = _columnar(model, to_csv(model, [record]).encode("utf-8"))
        assert [p for p in problems if p.severity == "error"] == []
        [cells] = rows
        assert parse_row(model, cells, {}) == (record, [])

    check()


def _breaking(column: Column) -> st.SearchStrategy[str] | None:
    """Text that breaks the column's rule, or None when the column accepts any text."""
    if column.vocabulary is not None:
        allowed = set(column.enum or ())
        text = st.text(
            st.characters(codec="utf-8", exclude_characters="\x00"),
            min_size=1,
            max_size=12,
        )
        return text.filter(lambda s: s not in allowed and s.strip())  # NUL: a file-level defect
    if column.datatype == "integer" and column.minimum is not None:
        return st.integers(max_value=column.minimum - 1).map(str)
    if column.datatype == "boolean":
        return st.sampled_from(["yes", "no", "1", "0", "True", "FALSE", "t"])
    if column.partial_date:
        return st.sampled_from(["2023-6", "2023-02-29", "June 2023", "2023-06-01T10:00"])
    if column.pattern is not None:
        return st.from_regex(column.pattern, fullmatch=True).map(lambda s: " " + s)
    return None


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.table)
def test_a_value_breaking_a_rule_is_rejected_at_its_column(model: type[Record]) -> None:
    breakable = [
        c for c in columns(model) if _breaking(c) is not None and c.name != "inferred_fields"
    ]

    @SETTINGS
    @given(records(model), st.sampled_from(breakable), st.data())
    def check(record: Record, column: Column, data: st.DataObject) -> None:
        strategy = _breaking(column)
        assert strategy is not None
        cells = dict(zip(model.columns(), render_row(record), strict=True))
        cells[column.name] = data.draw(strategy)
        parsed, problems = parse_row(model, cells, {"table": model.table, "row": 2})
        assert parsed is None
        assert [p.field for p in problems] == [column.name]
        columnar, _ = _columnar(model, _raw_csv(model, cells))
        errors = [(p.row, p.field, p.code) for p in columnar if p.severity == "error"]
        assert errors == [(2, column.name, problems[0].code)]

    check()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.table)
def test_a_valid_generated_table_gives_no_errors(model: type[Record]) -> None:
    from astana_talks.table_checks import check_duplicates

    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
    @given(st.lists(records(model), min_size=1, max_size=6, unique_by=lambda r: r.key()))
    def check(rows: list[Record]) -> None:
        table = read_csv(model, to_csv(model, rows).encode("utf-8"), "generated.csv")
        cell_problems, failed = check_cells(table)
        found = [
            *table.problems,
            *cell_problems,
            *check_rows(table, failed),
            *check_duplicates(table),
        ]
        assert [p for p in found if p.severity == "error"] == []
        assert len(table) == len(rows)

    check()
