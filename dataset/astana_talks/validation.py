"""Validation: every problem of a contribution or package, in one :class:`Report`.

A contribution is one or more CSV files (each a table, named by its file or by
``table=``), a folder of them, a ``datapackage.json`` or a zip. A package must
hold together by itself; lone tables and folders are checked against the
canonical schema and their references resolve against the contribution plus the
canonical data (a new round's participants may refer to canonical actors).

The data flows one way: :mod:`~astana_talks.inputs` gathers the input (with
:mod:`~astana_talks.conformance` for a descriptor and :mod:`~astana_talks.reading` for
each CSV), :mod:`~astana_talks.table_checks` checks each table column-wise,
:mod:`~astana_talks.cross_checks` checks the tables against each other, and the
problems go into a :class:`~astana_talks.problems.Report`, which
:mod:`~astana_talks.render` turns into text.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from .cross_checks import (
    CITABLE,
    DISPUTABLE,
    check_disputes,
    check_names,
    check_quotes,
    check_references,
    check_rounds,
    check_targets,
    folded_names,
    source_texts,
)
from .inputs import URL, Contribution, canonical, gather
from .memory import release_free_memory
from .package import (
    DEFAULT_LIMITS,
    Limits,
)
from .problems import Problem, Report, UnreadableInputError
from .table_checks import check_cells, check_duplicates, check_rows


def check(given: Contribution) -> Report:
    """Run every check on a gathered contribution."""
    problems = list(given.problems)
    failed: dict[str, Any] = {}
    # repeated keys, rows and names are found (by hashing every cell) on a second core
    # while this one folds the names, checks the cells and checks the references
    # (pyarrow and numpy release the GIL)
    with ThreadPoolExecutor(max_workers=1) as pool:
        duplicates = [pool.submit(check_duplicates, t) for t in given.tables.values()]
        folded = folded_names(given)
        first = pool.submit(folded.first_claims) if folded is not None else None
        for table, t in given.tables.items():
            problems += t.problems
            cell_problems, failed[table] = check_cells(t, given.limits)
            problems += cell_problems
            problems += check_rows(t, failed[table])
        problems += check_references(given, failed)
        texts, text_problems = source_texts(given)
        problems += text_problems
        problems += check_quotes(given, texts, failed)
        problems += check_targets(given, "citations", CITABLE)
        problems += check_targets(given, "disputes", DISPUTABLE)
        problems += check_disputes(given, failed)
        problems += check_rounds(given, failed)
        for found in duplicates:
            problems += found.result()
        if folded is not None and first is not None:
            problems += check_names(given, failed, folded, first.result())
    release_free_memory()
    return Report.of(_in_reading_order(problems))


def _in_reading_order(problems: list[Problem]) -> list[Problem]:
    """Problems by file (in the order files were met), then row, then column; in the
    order found where those are equal."""
    files: dict[str | None, int] = {}
    order = np.lexsort(  # stable: the last key first
        (
            np.array([p.column or 0 for p in problems], np.int64),
            np.array([p.row or 0 for p in problems], np.int64),
            np.array([files.setdefault(p.file, len(files)) for p in problems], np.int64),
        )
    )
    return [problems[i] for i in order.tolist()]


__all__ = ["URL", "Contribution", "canonical", "check", "gather", "validate"]


def validate(
    *paths: str | Path, table: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Report:
    """Validate a contribution (no paths: the canonical data) and return the report.

    Each path is a CSV file (its table named by the file, or by ``table``), a folder
    of CSV files, a ``datapackage.json``, a package folder or a zip. Input that
    cannot be used gives a report whose one problem says why (``report.usable`` is
    False) rather than an exception. Nothing is ever written.
    """
    try:
        return check(gather(paths, table, limits))
    except UnreadableInputError as error:
        return Report.of([error.problem])
