"""astana-talks: a validated, typed, evidenced dataset of the Astana peace process on Syria.

>>> import astana_talks
>>> ds = astana_talks.load()
>>> ds.round(21).city
'Astana'
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .dataset import Dataset, UnknownKeyError
from .dates import PartialDate, Precision
from .load import load
from .problems import InvalidDataError, Problem, Report, UnreadableInputError
from .validate import validate

try:
    __version__ = version("astana-talks")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "Dataset",
    "InvalidDataError",
    "PartialDate",
    "Precision",
    "Problem",
    "Report",
    "UnknownKeyError",
    "UnreadableInputError",
    "__version__",
    "load",
    "validate",
]
