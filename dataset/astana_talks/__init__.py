"""astana-talks: a validated, typed, evidenced dataset of the Astana peace process on Syria.

>>> import astana_talks
>>> ds = astana_talks.load()
>>> ds.round(21).city
'Astana'
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from .dataset import Dataset, UnknownKeyError
from .dates import PartialDate, Precision
from .load import load
from .package import Limits
from .problems import InvalidDataError, Problem, Report, UnreadableInputError

if TYPE_CHECKING:
    from .changes import Diff

try:
    __version__ = version("astana-talks")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"


def validate(*paths: str | Path, table: str | None = None, limits: Limits | None = None) -> Report:
    """Validate a contribution (no paths: the shipped data); see :mod:`astana_talks.validation`.

    Each path is a CSV file named after its table (or give ``table``), a folder of
    CSV files, a ``datapackage.json``, a package folder or a zip. Never raises for
    bad input: an unusable path gives a report with ``usable`` False.
    """
    from .validation import validate as run

    return run(*paths, table=table, limits=limits or Limits())


def diff(*paths: str | Path, table: str | None = None) -> Diff:
    """Rows added, changed and removed: ``diff(new)`` against the shipped data, or
    ``diff(old, new)``; see :mod:`astana_talks.changes`."""
    from .changes import diff as run

    return run(*paths, table=table)


__all__ = [
    "Dataset",
    "InvalidDataError",
    "Limits",
    "PartialDate",
    "Precision",
    "Problem",
    "Report",
    "UnknownKeyError",
    "UnreadableInputError",
    "__version__",
    "diff",
    "load",
    "validate",
]
