"""``load()``: a package's data as a validated :class:`Dataset`."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .dataset import Dataset
from .problems import InvalidDataError, Problem, Report

if TYPE_CHECKING:
    from .models import Record
    from .reading import CsvTable
    from .validation import Contribution

_lock = threading.Lock()
_canonical: Dataset | None = None


def records_of(t: CsvTable) -> tuple[Record, ...]:
    """Every row of a read table as a record of its model (the one conversion from
    text to typed values, :func:`cells.parse_row`). No row is left out: rows the models
    reject raise :class:`InvalidDataError` naming each of them."""
    from .cells import parse_row

    records: list[Record] = []
    problems: list[Problem] = []
    for line, cells in zip(t.lines, t.rows(), strict=True):
        where = {"file": t.file, "table": t.table, "row": int(line)}
        record, found = parse_row(t.model, cells, where)
        problems += found
        if record is not None:
            records.append(record)
    if problems:
        raise InvalidDataError(Report.of(problems))
    return tuple(records)


def _build(given: Contribution) -> Dataset:
    from .validation import check

    report = check(given)
    if not report.valid:
        raise InvalidDataError(report)
    tables: dict[str, Any] = {}
    problems: list[Problem] = []
    for name in Dataset.tables():
        t = given.tables.get(name)
        if t is None:
            problems.append(
                Problem.of("missing-table", note=f"there is no file for table {name}", table=name)
            )
            continue
        try:
            tables[name] = records_of(t)
        except InvalidDataError as error:  # the models and the column checks disagree
            problems += error.report.problems
    if problems:
        raise InvalidDataError(Report.of(problems))
    return Dataset(**tables)


def _shipped() -> Dataset | None:
    """The shipped data, without the validator (and without pyarrow or pandas): each file
    is checked against the size and SHA-256 that ``datapackage.json`` records, the files
    having been validated when the descriptor was generated and tested. ``None`` when a
    file differs or a row does not parse, so that :func:`load` validates fully and says
    exactly what is wrong."""
    import csv
    import hashlib
    import io
    import json

    from .cells import parse_row
    from .models import MODELS
    from .package import canonical_root

    root = canonical_root()
    descriptor = json.loads(root.joinpath("datapackage.json").read_bytes())
    resources = {r.get("name"): r for r in descriptor.get("resources", [])}
    tables: dict[str, Any] = {}
    for model in MODELS:
        resource = resources.get(model.table, {})
        path = str(resource.get("path", ""))
        if path != f"data/{model.table}.csv":
            return None
        data = root.joinpath("data", f"{model.table}.csv").read_bytes()
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        if resource.get("bytes") != len(data) or resource.get("hash") != digest:
            return None
        records = []
        for row in csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")):
            record, problems = parse_row(model, row, {"table": model.table})
            if record is None or problems:
                return None
            records.append(record)
        tables[model.table] = tuple(records)
    return Dataset(**tables)


def load(path: str | Path | None = None) -> Dataset:
    """Load and validate a data package.

    ``path`` is ``None`` for the canonical data shipped in the package (loaded once
    and cached), or a folder, a ``datapackage.json`` or a ``.zip`` of a package.
    Raises :class:`~astana_talks.InvalidDataError` (its ``.problems`` say where)
    when the data is invalid, :class:`~astana_talks.UnreadableInputError` when the
    path cannot be read as a package.
    """
    global _canonical
    if path is not None:
        from .validation import gather

        given = replace(gather([path]), complete=True)  # a folder of CSVs is a whole dataset
        return _build(given)
    with _lock:
        if _canonical is None:
            _canonical = _shipped()
        if _canonical is None:  # a shipped file changed since it was validated: say how
            from .validation import canonical

            _canonical = _build(canonical())
        return _canonical
