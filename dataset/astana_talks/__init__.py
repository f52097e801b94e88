"""astana-talks: a validated, typed, evidenced dataset of the Astana peace process on Syria.

>>> import astana_talks
>>> ds = astana_talks.load()
>>> ds.round(21).city
'Astana'
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .dataset import Dataset, UnknownKeyError
from .dates import PartialDate, Precision
from .load import load
from .models import (
    Actor,
    ActorName,
    AgendaItem,
    Citation,
    Claim,
    Delegation,
    Dispute,
    Event,
    Figure,
    Meeting,
    Outcome,
    Participant,
    Place,
    PlaceName,
    Record,
    Relation,
    Round,
    Signatory,
    Source,
)
from .package import Limits
from .problems import InvalidDataError, Problem, Report, UnreadableInputError

if TYPE_CHECKING:
    from .changes import Diff

    __version__: str


def _version() -> str:
    """The installed distribution's version (read when first asked: the metadata
    lookup costs every import 40 ms)."""
    from importlib import metadata

    try:
        return metadata.version("astana-talks")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def __getattr__(name: str) -> Any:
    """``Diff`` and ``BuildError`` load their modules (and pyarrow) only when asked for;
    they are left out of ``__all__`` so that ``from astana_talks import *`` stays light."""
    if name == "__version__":
        globals()["__version__"] = version = _version()
        return version
    if name == "Diff":
        from .changes import Diff

        return Diff
    if name == "BuildError":
        from .build import BuildError

        return BuildError
    raise AttributeError(f"module 'astana_talks' has no attribute {name!r}")


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
    "Actor",
    "ActorName",
    "AgendaItem",
    "Citation",
    "Claim",
    "Dataset",
    "Delegation",
    "Dispute",
    "Event",
    "Figure",
    "InvalidDataError",
    "Limits",
    "Meeting",
    "Outcome",
    "PartialDate",
    "Participant",
    "Place",
    "PlaceName",
    "Precision",
    "Problem",
    "Record",
    "Relation",
    "Report",
    "Round",
    "Signatory",
    "Source",
    "UnknownKeyError",
    "UnreadableInputError",
    "__version__",
    "diff",
    "load",
    "validate",
]
