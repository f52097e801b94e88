"""Problems as data: every defect found in a package, before it becomes text.

A :class:`Problem` names the file, table, row (the physical line, header = 1),
column and offending value, with a stable kebab-case ``code`` from :data:`CODES`.
A :class:`Report` collects them; the library raises :class:`InvalidDataError`
carrying one, and only the CLI turns it into text and exit codes.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]

#: The vocabulary of problem codes: code -> what it means.
CODES: Mapping[str, str] = {
    "unreadable-input": "The path cannot be read as a CSV file, folder, datapackage.json or zip.",
    "unsafe-path": "A path in the descriptor points outside the package or to the network.",
    "invalid-descriptor": "datapackage.json is not valid JSON or lacks what the loader needs.",
    "missing-table": "A table of the dataset has no file in the package.",
    "unknown-table": "The package has a table the dataset does not define.",
    "encoding-error": "The file is not valid UTF-8.",
    "byte-order-mark": "The file starts with a UTF-8 byte-order mark; save it without one.",
    "malformed-csv": "The file cannot be parsed as CSV (an unclosed quote, a NUL byte, ...).",
    "header-mismatch": "The header row differs from the table's columns (names or order).",
    "ragged-row": "A row has more or fewer cells than the header.",
    "blank-row": "A row has no values at all.",
    "required-value": "A required cell is empty.",
    "type-error": "A cell is not of the column's type (integer, boolean).",
    "pattern-mismatch": "A cell does not match the column's pattern.",
    "not-in-vocabulary": "A cell is not one of the column's allowed values.",
    "out-of-range": "A number is outside the column's minimum or maximum.",
    "invalid-date": "A cell is not a real partial ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD).",
    "row-rule": "The values of a row contradict each other (end before start, ...).",
    "duplicate-key": "Two rows have the same primary key.",
    "foreign-key": "A cell refers to a row that does not exist in the referenced table.",
    "source-text-missing": "A source's text file is not in the package.",
    "source-text-hash": "A source's text file does not have the SHA-256 the sources table records.",
    "quote-not-found": "A quote is not an exact substring of its source's text.",
    "quote-normalised-match": (
        "A quote matches its source only after normalising whitespace or quote marks."
    ),
    "citation-target": "A citation names a table or record that does not exist.",
    "host-not-participant": "A round's host has no participant row with role 'host'.",
    "ambiguous-name": "One name refers to more than one actor after normalisation.",
}


@dataclass(frozen=True)
class Problem:
    """One defect, located as precisely as the check allows."""

    code: str
    message: str
    severity: Severity = "error"
    file: str | None = None
    table: str | None = None
    row: int | None = None
    field: str | None = None
    value: str | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown problem code {self.code!r}")

    def location(self) -> str:
        """``file:row:field`` with whatever parts are known."""
        parts = [self.file or self.table or "-"]
        if self.row is not None:
            parts.append(str(self.row))
        if self.field is not None:
            parts.append(self.field)
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.location()}: {self.severity} [{self.code}] {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


@dataclass(frozen=True)
class Report:
    """The outcome of validating one package: every problem found, in order."""

    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, problems: Iterable[Problem]) -> Report:
        return cls(tuple(problems))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def valid(self) -> bool:
        """True when no problem is an error (warnings are allowed)."""
        return not self.errors

    def counts(self) -> dict[str, int]:
        """Number of problems per code."""
        return dict(sorted(Counter(p.code for p in self.problems).items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "counts": self.counts(),
            "problems": [asdict(p) for p in self.problems],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def __str__(self) -> str:
        if not self.problems:
            return "valid: no problems"
        lines = [str(p) for p in self.problems]
        lines.append(f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)")
        return "\n".join(lines)


class InvalidDataError(ValueError):
    """Raised when data does not validate; ``.report.problems`` says where and why."""

    def __init__(self, report: Report) -> None:
        self.report = report
        errors = report.errors
        shown = "\n".join(f"  {p}" for p in errors[:10])
        more = f"\n  ... and {len(errors) - 10} more" if len(errors) > 10 else ""
        super().__init__(f"invalid data: {len(errors)} error(s)\n{shown}{more}")

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.report.problems


class UnreadableInputError(OSError):
    """Raised when a path cannot be read as a package at all."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))
