"""``load()``: a package's data as a validated :class:`Dataset`."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from .dataset import Dataset
from .package import open_package
from .problems import InvalidDataError
from .validate import check_package

_lock = threading.Lock()
_canonical: Dataset | None = None


def _build(path: str | Path | None) -> Dataset:
    source = open_package(path)
    reads, report = check_package(source)
    if not report.valid:
        raise InvalidDataError(report)
    tables: dict[str, Any] = {
        table: tuple(r for _, r in read.rows) for table, read in reads.items()
    }
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
        return _build(path)
    with _lock:
        if _canonical is None:
            _canonical = _build(None)
        return _canonical
