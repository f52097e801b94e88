"""pandas DataFrames of the tables, with dtypes taken from the models."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from .cells import render_cell
from .models import Record
from .schemas import Column, columns


def dtype(column: Column) -> str | pd.CategoricalDtype:
    """The pandas dtype of a column."""
    if column.vocabulary is not None:
        return pd.CategoricalDtype(list(column.enum or ()))
    return {"integer": "Int64", "boolean": "boolean"}.get(column.datatype, "string")


def to_frame(model: type[Record], rows: Sequence[Record]) -> pd.DataFrame:
    """A DataFrame with one column per model field, in CSV order."""
    data: dict[str, pd.Series] = {}
    for column in columns(model):
        values = [getattr(row, column.name) for row in rows]
        if column.datatype == "string":
            values = [None if v is None else render_cell(v) for v in values]
        data[column.name] = pd.Series(values, dtype=dtype(column), name=column.name)
    return pd.DataFrame(data, columns=list(model.columns()))
