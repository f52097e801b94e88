"""Row rules: what the cells of one row must say together, each declared once.

A rule names its columns and says, in :meth:`RowRule.violations`, what breaks it, on
one row's typed values (``None`` for an empty cell), with its message. The Pydantic
models run every rule of their table on each record (``Record.row_rules``); the
columnar validator (:mod:`astana_talks.table_checks`) evaluates the same rules on
whole columns and reports the same fields and messages. ``tests/test_rule_agreement.py``
holds the two engines equal on generated rows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from .dates import PartialDate


class Violation(NamedTuple):
    """A broken row rule: the column to point at and what is wrong."""

    field: str
    message: str


@dataclass(frozen=True)
class RowRule:
    """A constraint between the cells of one row."""

    def columns(self) -> tuple[str, ...]:
        """The columns the rule reads."""
        raise NotImplementedError

    def violations(self, row: Mapping[str, object], known: Collection[str]) -> Iterator[Violation]:
        """What breaks the rule in ``row`` (typed values, ``None`` when empty);
        ``known`` are the table's columns."""
        raise NotImplementedError


@dataclass(frozen=True)
class Explained(RowRule):
    """Inferred values name real columns and come with a note, and a note with them."""

    fields: str = "inferred_fields"
    note: str = "inference_note"

    def columns(self) -> tuple[str, ...]:
        return (self.fields, self.note)

    def unknown(self, names: str) -> Violation:
        return Violation(self.fields, f"{self.fields} names unknown columns: {names}")

    def unexplained(self) -> Violation:
        return Violation(self.note, f"{self.note} must explain the {self.fields}")

    def pointless(self) -> Violation:
        return Violation(self.fields, f"{self.note} is set but {self.fields} is empty")

    def violations(self, row: Mapping[str, object], known: Collection[str]) -> Iterator[Violation]:
        names = str(row.get(self.fields) or "").split()
        unknown = [name for name in names if name not in known]
        if unknown:
            yield self.unknown(", ".join(unknown))
        elif names and row.get(self.note) is None:
            yield self.unexplained()
        if row.get(self.note) is not None and not names:
            yield self.pointless()


@dataclass(frozen=True)
class Together(RowRule):
    """Two columns are both filled or both empty."""

    first: str
    second: str

    def columns(self) -> tuple[str, ...]:
        return (self.first, self.second)

    def missing(self, name: str) -> Violation:
        return Violation(name, f"{name} is empty: {self.first} and {self.second} go together")

    def violations(self, row: Mapping[str, object], known: Collection[str]) -> Iterator[Violation]:
        first, second = row.get(self.first) is not None, row.get(self.second) is not None
        if first and not second:
            yield self.missing(self.second)
        if second and not first:
            yield self.missing(self.first)


@dataclass(frozen=True)
class OneOf(RowRule):
    """Exactly one of two columns is filled."""

    first: str
    second: str

    def columns(self) -> tuple[str, ...]:
        return (self.first, self.second)

    def broken(self) -> Violation:
        return Violation(self.second, f"give exactly one of {self.first} and {self.second}")

    def violations(self, row: Mapping[str, object], known: Collection[str]) -> Iterator[Violation]:
        if (row.get(self.first) is None) == (row.get(self.second) is None):
            yield self.broken()


@dataclass(frozen=True)
class InOrder(RowRule):
    """An end date needs a start date and is not certainly before it (partial dates
    compare by the earliest and latest day they can mean)."""

    start: str
    end: str

    def columns(self) -> tuple[str, ...]:
        return (self.start, self.end)

    def startless(self) -> Violation:
        return Violation(self.start, f"{self.end} is set but {self.start} is empty")

    def reversed(self, start: object, end: object) -> Violation:
        return Violation(self.end, f"{self.end} {end} is before {self.start} {start}")

    def violations(self, row: Mapping[str, object], known: Collection[str]) -> Iterator[Violation]:
        start, end = row.get(self.start), row.get(self.end)
        if end is not None and start is None:
            yield self.startless()
        elif (
            isinstance(start, PartialDate)
            and isinstance(end, PartialDate)
            and end.certainly_before(start)
        ):
            yield self.reversed(start, end)
