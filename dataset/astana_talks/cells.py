"""Text cells to typed values and back, in canonical forms only.

The rule, the same for every table: an empty cell is missing; an integer is
``0|-?[1-9][0-9]*`` (no ``+``, ``_``, spaces, leading zeros or non-ASCII
digits); a boolean is ``true`` or ``false``; every other column is text, taken
as it is. Pydantic then checks patterns, vocabularies, ranges and row rules.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from difflib import SequenceMatcher
from enum import Enum
from typing import Any

from pydantic import ValidationError

from .dates import PartialDate
from .models import Record
from .problems import Problem
from .schemas import Column, columns

#: The canonical form of an integer cell (no ``+``, leading zeros or ``-0``).
INTEGER_PATTERN = "0|-?[1-9][0-9]*"
INTEGER = re.compile(INTEGER_PATTERN)
BOOLEANS = {"true": True, "false": False}


def parse_cell(column: Column, text: str) -> tuple[Any, str | None]:
    """``(value, None)`` for a well-formed cell, ``(None, reason)`` otherwise."""
    if text == "":
        return None, None
    if column.datatype == "integer":
        if not INTEGER.fullmatch(text):
            return None, "is not an integer (write digits only, e.g. 21)"
        return int(text), None
    if column.datatype == "boolean":
        if text not in BOOLEANS:
            return None, "is not a boolean (write true or false)"
        return BOOLEANS[text], None
    return text, None


def render_cell(value: object) -> str:
    """The canonical CSV text of a typed value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (int, str, PartialDate)):
        return str(value)
    raise TypeError(f"cannot render {type(value).__name__} as a cell")


def render_row(record: Record) -> list[str]:
    """The CSV cells of a record, in column order."""
    return [render_cell(getattr(record, name)) for name in record.columns()]


def to_csv(model: type[Record], records: Iterable[Record]) -> str:
    """The CSV text of a table: header, then one row per record, LF line endings.

    Fields are quoted only where needed; a field holding a carriage return is quoted
    too (``csv.writer`` before Python 3.13 does not when the line terminator is LF).
    """
    buffer = io.StringIO()
    minimal = csv.writer(buffer, lineterminator="\n")
    quoted = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    minimal.writerow(model.columns())
    for record in records:
        cells = render_row(record)
        (quoted if any("\r" in cell for cell in cells) else minimal).writerow(cells)
    return buffer.getvalue()


class Suggester:
    """Did-you-mean hints for many bad values against one set of allowed values.

    Cached per value, and bounded: a hint screens every allowed value (in C++, see
    :func:`closest`) and compares at most as many with difflib (usually none or a
    few), so hints stop after :attr:`COMPARISONS` screenings (200 distinct values
    against a vocabulary of 10, 16 against the 359 sources, 2 against 2,000 keys) and
    never exceed :attr:`BUDGET` distinct values. A contribution with a million bad
    cells still gets hints for its first values, in bounded time.
    """

    BUDGET = 200
    COMPARISONS = 6_000

    def __init__(self, allowed: Iterable[str]) -> None:
        self.allowed = sorted(set(allowed))
        self.cache: dict[str, str | None] = {}
        self.limit = min(self.BUDGET, self.COMPARISONS // max(len(self.allowed), 1))

    def __call__(self, value: str) -> str | None:
        if value in self.cache:
            return self.cache[value]
        if len(self.cache) >= self.limit:
            return None
        self.cache[value] = hint = suggest(value, self.allowed)
        return hint


def suggest(value: str, allowed: Sequence[str]) -> str | None:
    """A did-you-mean hint for ``value`` among ``allowed``, if one is close."""
    match = closest(value.lower(), allowed)
    return None if match is None else f"did you mean {match!r}?"


#: How close a match must be: difflib's ratio, as in ``get_close_matches``.
CUTOFF = 0.6


def closest(word: str, allowed: Sequence[str]) -> str | None:
    """``get_close_matches(word, allowed, n=1, cutoff=CUTOFF)``'s match, or ``None``.

    The same answer, from a handful of difflib comparisons instead of one per allowed
    value. The characters of the blocks that difflib's ratio counts form a common
    subsequence of the two texts, so ``2 * LCS / (len(a) + len(b))`` bounds the ratio
    from above (in floating point too: it is computed the same way). rapidfuzz
    (imported here: loading the data never needs it) screens all allowed values in C++
    for that bound, with a little slack, and difflib compares the values it leaves,
    highest bound first, until no bound left can reach the best ratio found (an equal
    one can: ties go to the greater text, as in ``get_close_matches``).
    """
    from rapidfuzz.distance import Indel, LCSseq
    from rapidfuzz.process import extract

    # Indel's normalized similarity is the bound, in another floating-point form
    screened = extract(
        word,
        allowed,
        scorer=Indel.normalized_similarity,
        processor=None,
        score_cutoff=CUTOFF - 1e-6,
        limit=None,
    )
    bounds = sorted(
        (
            (_ratio(LCSseq.similarity(word, text), len(word) + len(text)), text)
            for text, _, _ in screened
        ),
        reverse=True,
    )
    best: tuple[float, str] | None = None
    matcher = SequenceMatcher(None, "", word)
    for bound, text in bounds:
        if bound < CUTOFF or (best is not None and bound < best[0]):
            break
        matcher.set_seq1(text)
        ratio = matcher.ratio()
        if ratio >= CUTOFF and (best is None or (ratio, text) > best):
            best = (ratio, text)
    return None if best is None else best[1]


def _ratio(matches: int, length: int) -> float:
    """difflib's ratio of ``matches`` matching characters in two texts of ``length`` in all."""
    return 2.0 * matches / length if length else 1.0


def _pydantic_problem(
    model: type[Record],
    error: Mapping[str, Any],
    cells: Mapping[str, str],
    where: Mapping[str, Any],
) -> Problem:
    loc = error.get("loc", ())
    name = str(loc[0]) if loc else None
    kind = str(error.get("type", ""))
    message = str(error.get("msg", "invalid value"))
    column = {c.name: c for c in columns(model)}.get(name or "")
    value = cells.get(name) if name else None
    hint = None
    params: dict[str, Any]
    if name is None or column is None:
        code = "row-rule"
        params = {"note": message.removeprefix("Value error, ")}
    elif column.vocabulary is not None:
        code = "not-in-vocabulary"
        allowed = column.enum or ()
        params = {"allowed": ", ".join(allowed)}
        hint = suggest(value or "", allowed)
    elif column.partial_date:
        code = "invalid-date"
        params = {"note": message.removeprefix("Value error, ")}
    elif kind in ("string_pattern_mismatch",):
        code = "pattern-mismatch"
        params = {"note": f"{value!r} does not match the pattern {column.pattern}"}
    elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        code = "out-of-range"
        params = {"note": f"is out of range: {message.lower()}"}
    elif kind == "string_too_long":
        code = "pattern-mismatch"
        params = {"note": f"{value!r} is longer than {column.max_length} characters"}
    else:
        code = "row-rule"
        params = {"note": message}
    return Problem.of(code, field=name, value=value, hint=hint, **where, **params)


def parse_row(
    model: type[Record], cells: Mapping[str, str], where: Mapping[str, Any]
) -> tuple[Record | None, list[Problem]]:
    """Parse one CSV row of ``model``'s table; ``where`` locates it (file, table, row)."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for column in columns(model):
        text = cells.get(column.name, "")
        value, reason = parse_cell(column, text)
        if reason is not None:
            problems.append(
                Problem.of("type-error", note=reason, field=column.name, value=text, **where)
            )
        elif value is None and column.required:
            problems.append(
                Problem.of(
                    "required-value",
                    field=column.name,
                    value=text,
                    **where,
                )
            )
        elif value is not None:
            values[column.name] = value
    try:
        record = model.model_validate(values)
    except ValidationError as error:
        reported = {p.field for p in problems}
        for e in error.errors():
            field = str(e["loc"][0]) if e["loc"] else None
            if field is None and problems:
                # a cell that could not be read was left out: the row rules saw it as
                # empty, so what they say is not about the row as written
                continue
            if field is None or field not in reported:  # one problem per cell (unions repeat)
                problems.append(_pydantic_problem(model, e, cells, where))
                reported.add(field)
        return None, problems
    return (None, problems) if problems else (record, problems)
