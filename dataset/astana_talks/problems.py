"""Problems as data: every defect found in a package, before it becomes text.

A :class:`Problem` names the file, table, row (the physical line, header = 1),
column (name and number) and offending value, with a stable kebab-case ``code``
from :data:`CODES`. A :class:`Report` collects them; the library raises
:class:`InvalidDataError` carrying one, and only the CLI turns it into text and
exit codes. Problems found by Frictionless, by the Pydantic models and by our
own checks all use this one vocabulary.
"""

from __future__ import annotations

import functools
import json
import operator
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal, NamedTuple

from .models import QUOTE_WORDS

Severity = Literal["error", "warning"]


class Code(NamedTuple):
    severity: Severity
    meaning: str
    template: str
    """The message, a :meth:`str.format` template: its fields are the problem's own
    location (``file``, ``table``, ``row``, ``field``, ``column``, ``value``) and
    :data:`PARAMETERS`, given to :meth:`Problem.of`."""


#: The vocabulary of problem codes: code -> default severity, what it means and the
#: template of its message. ``docs/problems.md`` is generated from it, with an example
#: of each from the test corpus.
CODES: Mapping[str, Code] = {
    # input
    "unreadable-input": Code(
        "error", "The path cannot be read as a CSV, folder, descriptor or zip.", "{note}"
    ),
    "unsafe-path": Code(
        "error", "A path in the descriptor points outside the package or to the network.", "{note}"
    ),
    "invalid-descriptor": Code(
        "error", "datapackage.json is not valid JSON or lacks what is needed.", "{note}"
    ),
    "descriptor-error": Code(
        "error", "datapackage.json breaks a rule of the Data Package standard.", "{note}"
    ),
    "unknown-table": Code(
        "error",
        "A CSV's name is not a table of the dataset (use --table).",
        "{note} ({tables}){advice}",
    ),
    "missing-table": Code("error", "A table of the dataset has no file in the package.", "{note}"),
    "bytes-mismatch": Code(
        "error",
        "A file's size differs from the descriptor's 'bytes'.",
        "the descriptor says {declared!r} bytes, the file has {actual}",
    ),
    "hash-mismatch": Code(
        "error",
        "A file's hash differs from the descriptor's 'hash'.",
        "the file's {algorithm} is {actual}, the descriptor says {declared}",
    ),
    "hash-unverifiable": Code(
        "error",
        "The descriptor's 'hash' uses an algorithm that cannot be checked.",
        "the hash {value!r} uses an algorithm the validator cannot check (it knows {known})",
    ),
    # file
    "encoding-error": Code(
        "error", "The file is not valid UTF-8.", "byte {offset}{byte} is not UTF-8"
    ),
    "byte-order-mark": Code(
        "warning",
        "The file starts with a UTF-8 byte-order mark.",
        "the file starts with a byte-order mark",
    ),
    "wrong-delimiter": Code(
        "error",
        "The file is not comma-separated (semicolons or tabs found).",
        "the file is separated by {delimiter!r}, not by commas",
    ),
    "line-endings": Code(
        "warning",
        "The file uses CRLF or mixed line endings; the dataset uses LF.",
        "the file {note}",
    ),
    "malformed-csv": Code(
        "error", "The file cannot be parsed as CSV (an unclosed quote, ...).", "{note}"
    ),
    "empty-file": Code(
        "error", "The file has no header row.", "the file is empty: it needs at least a header row"
    ),
    # structure
    "missing-column": Code(
        "error", "A column of the table is not in the header.", "column {field!r} is missing"
    ),
    "extra-column": Code("error", "The header has a column the table does not define.", "{note}"),
    "duplicate-column": Code(
        "error", "The header names the same column twice.", "column {field!r} appears twice"
    ),
    "blank-column": Code(
        "error", "The header has a column without a name.", "column {column} has no name"
    ),
    "column-order": Code(
        "error",
        "The header has the right columns in the wrong order.",
        "the columns are in the wrong order",
    ),
    "ragged-row": Code(
        "error",
        "A row has more or fewer cells than the header.",
        "the row has {cells} cells, the header has {width}",
    ),
    "blank-row": Code("error", "A row has no values at all.", "the row is blank"),
    # cells
    "required-value": Code("error", "A required cell is empty.", "{field} is required"),
    "type-error": Code(
        "error", "A cell is not of the column's type (integer, boolean).", "{value!r} {note}"
    ),
    "pattern-mismatch": Code("error", "A cell does not match the column's pattern.", "{note}"),
    "not-in-vocabulary": Code(
        "error",
        "A cell is not one of the column's allowed values.",
        "{value!r} is not one of: {allowed}",
    ),
    "out-of-range": Code(
        "error", "A number is outside the column's minimum or maximum.", "{value} {note}"
    ),
    "invalid-date": Code(
        "error", "A cell is not a real partial date (YYYY, YYYY-MM or YYYY-MM-DD).", "{note}"
    ),
    "cell-too-large": Code(
        "error",
        "A cell is longer than the limit (100,000 characters).",
        "the cell has {length} characters, more than the limit of {limit}",
    ),
    "invisible-character": Code(
        "warning",
        "A value holds an invisible or control character (zero-width, escape, ...).",
        "the value holds an invisible or control character (zero-width, bidirectional, escape)",
    ),
    "not-nfc": Code(
        "warning",
        "Text is not in Unicode normal form C.",
        "the text is not in Unicode normal form C",
    ),
    "formula-like": Code(
        "warning",
        "A value starts like a spreadsheet formula (=, +, -, @).",
        "a spreadsheet would run this value as a formula",
    ),
    # rows
    "row-rule": Code(
        "error", "The values of a row contradict each other (end before start, ...).", "{note}"
    ),
    "date-precision": Code(
        "warning",
        "A row's start and end dates have different precisions.",
        "{field} {value} is not as precise as {start}",
    ),
    # tables
    "duplicate-key": Code("error", "Two rows have the same primary key.", "primary key {note}"),
    "duplicate-row": Code(
        "error", "Two rows are identical.", "this row repeats row {first} exactly"
    ),
    # package
    "foreign-key": Code(
        "error",
        "A cell refers to a row that does not exist in the referenced table.",
        "no row of table {target} in {where} has {key} {value!r}",
    ),
    "source-text-missing": Code(
        "error", "A source's text file is not in the package.", "{value} is not in the contribution"
    ),
    "source-text-hash": Code(
        "error",
        "A source's text does not have the SHA-256 the table records.",
        "{text} has SHA-256 {actual}, the table says {value}",
    ),
    "quote-not-found": Code(
        "error",
        "A quote is not an exact substring of its source's text.",
        "the quote is not in the text of source {source!r}",
    ),
    "quote-normalised-match": Code(
        "warning",
        "A quote matches its source only after normalising whitespace or quote marks.",
        "the quote matches source {source!r} only after {normalisation}",
    ),
    "quote-too-long": Code(
        "error",
        f"A quote of a source not shipped in full is longer than {QUOTE_WORDS} words (quote "
        "only the words that carry the fact).",
        "the quote of source {source!r} has {words} words; the most for a source not shipped "
        "in full is {limit}",
    ),
    "citation-target": Code(
        "error", "A citation or dispute names a table or record that does not exist.", "{note}"
    ),
    "dispute-value": Code(
        "error", "A dispute's value_used or field does not match the row it is about.", "{note}"
    ),
    "disputed-value-changed": Code(
        "warning",
        "A contribution changes a value the dataset records as disputed: update the dispute.",
        "{fields} of this row is disputed ({dispute}): the dataset uses {used!r}, this row "
        "gives {value!r}",
    ),
    "dispute-claims": Code(
        "error",
        "A dispute has claims from fewer than two sources, or none giving the value used.",
        "dispute {value!r} has claims from {sources} source(s){note}",
    ),
    "ambiguous-name": Code(
        "error",
        "One name refers to several actors after normalisation.",
        "{value!r} already names {first!r}; it cannot also name {second!r}",
    ),
    # domain rules
    "host-not-participant": Code(
        "warning",
        "A round's host has no participant row with role 'host'.",
        "round {round}'s host {value!r} has no participant row with role 'host'",
    ),
    "round-guarantors": Code(
        "warning",
        "A round does not list exactly three guarantors.",
        "round {value} lists {count} guarantor(s), not three",
    ),
    "round-gap": Code(
        "warning", "Round numbers skip a number.", "no round between {before} and {value}"
    ),
}

#: The fields of a template that are the problem's own location, filled from the
#: keyword arguments of :meth:`Problem.of` of the same name.
LOCATION = ("file", "table", "row", "field", "column", "value")

#: The other fields templates use, and what each is.
PARAMETERS: Mapping[str, str] = {
    "note": "the words particular to the cause (the code's messages differ by cause)",
    "tables": "the dataset's tables, comma-separated",
    "advice": "what to do about it, when there is advice, starting '; '",
    "declared": "what the descriptor says",
    "actual": "what the file (or text) has",
    "algorithm": "the hash algorithm",
    "known": "the hash algorithms the validator knows, comma-separated",
    "offset": "the offset of the first byte that is not UTF-8",
    "byte": "that byte, written ' (b'\\xe9')', or nothing where it is not shown",
    "delimiter": "the delimiter the file uses",
    "cells": "the number of cells in the row",
    "width": "the number of columns in the header",
    "allowed": "the column's allowed values, comma-separated",
    "length": "the length of the cell in characters",
    "limit": "the limit",
    "start": "the start date's column",
    "first": "the row (line) or the name that came first",
    "second": "the name that came second",
    "target": "the table referred to",
    "where": "where the referred table was looked for",
    "key": "the referred table's key column",
    "text": "the text file's path in the package",
    "source": "the source's id",
    "normalisation": "what had to be normalised for the quote to match",
    "words": "the number of words in the quote",
    "fields": "the disputed column(s)",
    "dispute": "the dispute's id",
    "used": "the value the dataset uses",
    "sources": "the number of sources with claims",
    "round": "the round's number",
    "count": "the number of guarantors",
    "before": "the round before the gap",
}


def template_fields(template: str) -> frozenset[str]:
    """The names of the fields of a :meth:`str.format` template."""
    names = set()
    for _, name, _, _ in string.Formatter().parse(template):
        if name is not None:
            names.add(name.split(".")[0].split("[")[0])
    return frozenset(names)


class _Fields(NamedTuple):
    template: str
    params: frozenset[str]
    location: tuple[str, ...]


_FIELDS = {
    code: _Fields(
        info.template,
        template_fields(info.template) - set(LOCATION),
        tuple(n for n in LOCATION if n in template_fields(info.template)),
    )
    for code, info in CODES.items()
}


class TemplateError(TypeError):
    """:meth:`Problem.of` was given parameters that do not fit the code's template."""


UNUSABLE = frozenset({"unreadable-input", "unsafe-path", "invalid-descriptor", "unknown-table"})
"""Codes meaning the input could not be used at all (exit status 2)."""


def visible(text: str) -> str:
    """``text`` with invisible and control characters written as escapes.

    ``'Iran\\u200b'`` shows as ``Iran\\u200b``; a tab as ``\\t``; a plain space stays.
    """
    if text.isprintable():  # exactly: no character of categories C or Z but the space
        return text
    out = []
    for char in text:
        if char.isprintable():  # the same test, one character at a time
            out.append(char)
        elif char in "\t\n\r":
            out.append({"\t": "\\t", "\n": "\\n", "\r": "\\r"}[char])
        else:
            out.append(f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}")
    return "".join(out)


def printable(text: str) -> str:
    """``text`` with control characters other than line breaks and tabs written as
    escapes (``\\u001b``): safe to print on a terminal, readable otherwise."""
    if text.isprintable():  # the common case: nothing to escape
        return text
    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) == "Cc" and c not in "\n\t" else c
        for c in text
    )


@dataclass(frozen=True)
class Problem:
    """One defect, located as precisely as the check allows."""

    code: str
    message: str
    severity: Severity | None = None
    file: str | None = None
    table: str | None = None
    row: int | None = None
    field: str | None = None
    column: int | None = None
    value: str | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown problem code {self.code!r}")
        if self.severity is None:
            object.__setattr__(self, "severity", CODES[self.code].severity)
        if self.value is not None:
            object.__setattr__(self, "value", visible(self.value))

    @classmethod
    def of(
        cls,
        code: str,
        /,
        *,
        severity: Severity | None = None,
        file: str | None = None,
        table: str | None = None,
        row: int | None = None,
        field: str | None = None,
        column: int | None = None,
        value: str | None = None,
        hint: str | None = None,
        **params: object,
    ) -> Problem:
        """A problem of ``code`` whose message is the code's template filled with
        ``params`` and with the location fields the template names (which must be
        given). Raises :class:`TemplateError` when ``params`` are not exactly the
        template's other fields."""
        wanted = _FIELDS.get(code)
        if wanted is None:
            raise ValueError(f"unknown problem code {code!r}")
        located: dict[str, object] = {}
        if wanted.location:  # the few templates that name a location field
            located = {"file": file, "table": table, "row": row, "field": field}
            located |= {"column": column, "value": value}
        if params.keys() != wanted.params or any(located[n] is None for n in wanted.location):
            located = {"file": file, "table": table, "row": row, "field": field}
            located |= {"column": column, "value": value}
            given = set(params) | {n for n, v in located.items() if v is not None}
            needed = wanted.params | set(wanted.location)
            raise TemplateError(
                f"{code}: the template {CODES[code].template!r} needs "
                f"{', '.join(sorted(needed)) or 'nothing'}; missing: "
                f"{', '.join(sorted(needed - given)) or 'nothing'}; not used: "
                f"{', '.join(sorted(set(params) - wanted.params)) or 'nothing'}"
            )
        for name in wanted.location:
            params[name] = located[name]
        # what __init__ and __post_init__ would do, with the code known to exist: a
        # contribution with many bad cells makes a problem for each (a third faster)
        problem = object.__new__(cls)
        object.__setattr__(
            problem,
            "__dict__",
            {
                "code": code,
                "message": wanted.template.format(**params),
                "severity": severity if severity is not None else CODES[code].severity,
                "file": file,
                "table": table,
                "row": row,
                "field": field,
                "column": column,
                "value": visible(value) if value is not None else None,
                "hint": hint,
            },
        )
        return problem

    def to_dict(self) -> dict[str, Any]:
        """The problem as JSON-ready data."""
        return {name: getattr(self, name) for name in _PROBLEM_FIELDS}

    def on_row(self, row: int) -> Problem:
        """The same problem on another row: for many equal cells breaking one rule,
        made without filling the template again."""
        twin = object.__new__(Problem)
        object.__setattr__(twin, "__dict__", {**self.__dict__, "row": row})
        return twin

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


_PROBLEM_FIELDS = tuple(f.name for f in fields(Problem))


#: Problems written at a time by :meth:`Report.json_pieces`.
_JSON_PIECE = 1000

#: A row no problem has: where it stands in a problem's JSON, the row goes.
_ROW_MARK = -7_318_846_519


#: ``json.dumps(..., ensure_ascii=False)`` without making an encoder for every problem.
_ENCODER = json.JSONEncoder(ensure_ascii=False)

_ALL_BUT_ROW = operator.itemgetter(*(name for name in _PROBLEM_FIELDS if name != "row"))


def _problem_lines(
    problems: Sequence[Problem], encoded: dict[tuple[object, ...], tuple[str, str]]
) -> list[str]:
    """Each problem as one line of JSON. Problems that differ only by their row (a
    million equal bad cells) are encoded once, into ``encoded``: the rest is their row,
    put in place. The others are encoded together, in one call of the C encoder."""
    if len(encoded) > 10_000:  # most are different: do not keep them all
        encoded.clear()
    values = [vars(problem) for problem in problems]  # a problem's fields, in order
    keys = [_ALL_BUT_ROW(attributes) for attributes in values]
    new: dict[tuple[object, ...], dict[str, Any]] = {}
    for key, attributes in zip(keys, values, strict=True):
        if key not in encoded:
            new.setdefault(key, attributes)
    if new:
        text = _ENCODER.encode([{**attributes, "row": _ROW_MARK} for attributes in new.values()])
        # every problem starts with '{"code": '; inside a JSON string a quote is always
        # escaped, so '}, {"code": ' only ever separates two problems
        items = text[1:-1].split('}, {"code": ')
        last = len(items) - 1
        for index, (key, item) in enumerate(zip(new, items, strict=True)):
            item = ('{"code": ' if index else "") + item + ("}" if index < last else "")
            # inside a JSON string a quote is escaped: the mark is found only as the row
            before, after = item.split(f'"row": {_ROW_MARK}', 1)
            encoded[key] = (before + '"row": ', after)
    lines = []
    for key, attributes in zip(keys, values, strict=True):
        before, after = encoded[key]
        row = attributes["row"]
        lines.append(before + ("null" if row is None else str(row)) + after)
    return lines


@dataclass(frozen=True)
class Report:
    """The outcome of validating: every problem found, in order."""

    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, problems: Iterable[Problem]) -> Report:
        return cls(tuple(problems))

    @functools.cached_property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @functools.cached_property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def valid(self) -> bool:
        """True when no problem is an error (warnings are allowed)."""
        return not self.errors

    @property
    def usable(self) -> bool:
        """False when an input could not be read at all."""
        return not any(p.code in UNUSABLE for p in self.problems)

    def counts(self) -> dict[str, int]:
        """Number of problems per code."""
        return dict(sorted(Counter(p.code for p in self.problems).items()))

    def shown(self, limit: int | None = None) -> tuple[Problem, ...]:
        """The problems to list when at most ``limit`` are shown: errors first, then
        warnings, each in reading order (a warning never hides an error)."""
        if limit is None:
            return self.problems
        first = [p for p in self.problems if p.severity != "warning"]
        first += [p for p in self.problems if p.severity == "warning"]
        return tuple(first[:limit])

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        """The report as JSON-ready data; ``limit`` caps the problems listed."""
        shown = self.shown(limit)
        return {
            "valid": self.valid,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "counts": self.counts(),
            "partial": len(shown) < len(self.problems),
            "omitted": len(self.problems) - len(shown),
            "problems": [p.to_dict() for p in shown],
        }

    def to_json(self, limit: int | None = None) -> str:
        """The report as JSON: its summary indented, one problem per line."""
        return "".join(self.json_pieces(limit))

    def json_pieces(self, limit: int | None = None) -> Iterator[str]:
        """:meth:`to_json` in pieces, to be written one after the other: a thousand
        problems to a piece, each encoded by the C encoder in one call (a million
        problems take seconds, and the whole text is never held at once)."""
        shown = self.shown(limit)
        data = self.to_dict(0)
        data.update(
            partial=len(shown) < len(self.problems), omitted=len(self.problems) - len(shown)
        )
        del data["problems"]
        yield json.dumps(data, ensure_ascii=False, indent=2)[:-2]  # without "\n}"
        if not shown:
            yield ',\n  "problems": []\n}'
            return
        yield ',\n  "problems": [\n    '
        encoded: dict[tuple[object, ...], tuple[str, str]] = {}
        for start in range(0, len(shown), _JSON_PIECE):
            lines = _problem_lines(shown[start : start + _JSON_PIECE], encoded)
            yield ("" if start == 0 else ",\n    ") + ",\n    ".join(lines)
        yield "\n  ]\n}"

    def __str__(self) -> str:
        if not self.problems:
            return "valid: no problems"
        lines = [str(p) for p in self.problems]
        lines.append(f"{len(self.errors)} error(s), {len(self.warnings)} warning(s)")
        return "\n".join(lines)


class InvalidDataError(ValueError):
    """Raised when data does not validate; ``.problems`` say where and why."""

    def __init__(self, report: Report) -> None:
        self.report = report
        errors = report.errors
        shown = "\n".join(f"  {p}" for p in errors[:10])
        more = f"\n  ... and {len(errors) - 10} more" if len(errors) > 10 else ""
        super().__init__(f"invalid data: {len(errors)} error(s)\n{shown}{more}")

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.report.problems


class UnreadableInputError(Exception):
    """Raised when a path cannot be read as a package at all. Not an ``OSError``:
    ``except OSError`` around a load must not swallow a refusal of unsafe input."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))
