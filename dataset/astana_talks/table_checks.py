"""Column-at-a-time checks of one table: cells, row rules, duplicate keys and rows.

Every rule is evaluated for a whole column at once with pyarrow compute kernels
(RE2 regular expressions, set membership, casts); Python only touches the cells
that fail. The rules are the models' rules, read from :func:`schemas.columns`,
and a differential test holds them to what the Pydantic models accept.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from .cells import INTEGER_PATTERN, Suggester
from .dates import PARTIAL_DATE_SHAPE
from .models import PATTERN_NAMES, TEXT, anchored
from .occurrences import Patched, first_occurrences
from .package import DEFAULT_LIMITS, Limits
from .problems import Problem
from .reading import (
    Cells,
    CsvTable,
    as_mask,
    starts_with_byte,
    take,
    texts,
)
from .rules import Explained, InOrder, OneOf, Together
from .schemas import Column, columns
from .spreadsheet import FORMULA_STARTS

if TYPE_CHECKING:
    from .reading import Text

INTEGER = anchored(INTEGER_PATTERN)
Mask = NDArray[np.bool_]
#: Cells that already have a problem, per column: later checks skip them.
Failed = dict[str, Mask]


def _problems(
    t: CsvTable, mask: Mask, column: str | None, code: str, params: Any = None, hint: Any = None
) -> Iterator[Problem]:
    """One problem per True in ``mask``; ``params`` (of the code's template, a mapping)
    and ``hint`` may be functions of the cell. Equal cells share one problem, copied to
    each row (a million equal bad cells fill the template once)."""
    cells = t.cells.get(column) if column is not None else None
    position = t.position(column) if column is not None else None
    indices = np.flatnonzero(mask)
    lines = t.lines[indices].tolist()
    if cells is None:
        keys: list[Any] = [None] * len(lines)
    elif cells.codes is not None:
        keys = cells.codes[indices].tolist()
    else:  # plain text: cells are not known to repeat, none is shared
        keys = [-1] * len(lines)
    made: dict[Any, Problem] = {}
    for index, key, line in zip(indices.tolist(), keys, lines, strict=True):
        first = made.get(key)
        if first is not None:
            yield first.on_row(line)
            continue
        value = cells.at(index) if cells is not None else None
        problem = Problem.of(
            code,
            **(params(value) if callable(params) else params or {}),
            file=t.file,
            table=t.table,
            row=line,
            field=column,
            column=position,
            value=value,
            hint=hint(value) if callable(hint) else hint,
        )
        if key != -1:
            made[key] = problem
        yield problem


def _cell_rules(column: Column, cells: Text, plain: Mask) -> Iterator[tuple[Mask, str, Any, Any]]:
    """(mask, code, message, hint) for each way a non-empty cell can break the column's
    rule; ``cells`` are the column's (distinct) values, ``plain`` marks the printable
    ASCII ones."""
    filled = pc.not_equal(cells, "")  # type: ignore[call-overload]  # stubs lag: Python scalar
    if column.datatype == "integer":
        canonical = pc.match_substring_regex(cells, INTEGER)
        yield (
            as_mask(pc.and_(filled, pc.invert(canonical))),
            "type-error",
            {"note": "is not an integer (write digits only, e.g. 21)"},
            None,
        )
        small = pc.and_(canonical, pc.less_equal(pc.utf8_length(cells), 12))  # type: ignore[call-overload]  # stubs lag: Python scalar
        numbers = pc.cast(pc.if_else(small, cells, "0"), pa.int64())
        huge = pc.and_(canonical, pc.invert(small))
        if column.minimum is not None:
            low = pc.or_(
                pc.and_(small, pc.less(numbers, column.minimum)),  # type: ignore[call-overload]  # stubs lag: Python scalar
                pc.and_(huge, pc.starts_with(cells, "-")),
            )
            yield (
                as_mask(low),
                "out-of-range",
                {"note": f"is below the minimum {column.minimum}"},
                None,
            )
        if column.maximum is not None:
            high = pc.or_(
                pc.and_(small, pc.greater(numbers, column.maximum)),  # type: ignore[call-overload]  # stubs lag: Python scalar
                pc.and_(huge, pc.invert(pc.starts_with(cells, "-"))),
            )
            yield (
                as_mask(high),
                "out-of-range",
                {"note": f"is above the maximum {column.maximum}"},
                None,
            )
    elif column.datatype == "boolean":
        yield (
            as_mask(pc.and_(filled, pc.invert(pc.is_in(cells, pa.array(["true", "false"]))))),
            "type-error",
            {"note": "is not a boolean (write true or false)"},
            None,
        )
    elif column.vocabulary is not None:
        allowed = column.enum or ()
        yield (
            as_mask(pc.and_(filled, pc.invert(pc.is_in(cells, pa.array(allowed))))),
            "not-in-vocabulary",
            {"allowed": ", ".join(allowed)},
            Suggester(allowed),
        )
    elif column.partial_date:
        assert column.pattern is not None
        shaped = pc.match_substring_regex(cells, anchored(PARTIAL_DATE_SHAPE))
        yield (
            as_mask(pc.and_(filled, pc.invert(shaped))),
            "invalid-date",
            (lambda v: {"note": f"{v!r} is not a partial date: write YYYY, YYYY-MM or YYYY-MM-DD"}),
            None,
        )
        real = pc.match_substring_regex(cells, anchored(column.pattern))
        unreal = pc.and_(shaped, pc.invert(real))
        yield (
            as_mask(unreal),
            "invalid-date",
            (lambda v: {"note": f"{v!r} is not a real date"}),
            None,
        )
    elif column.pattern is not None:
        matches = _full_match(cells, column.pattern, plain)
        meaning = PATTERN_NAMES.get(column.pattern, f"a match for {column.pattern}")
        yield (
            as_mask(filled) & ~matches,
            "pattern-mismatch",
            (lambda v: {"note": f"{v!r} is not {meaning}"}),
            None,
        )
    if column.max_length is not None:
        long = pc.greater(pc.utf8_length(cells), column.max_length)  # type: ignore[call-overload]  # stubs lag: Python scalar
        yield (
            as_mask(long),
            "pattern-mismatch",
            (
                lambda v: {
                    "note": f"the value is {len(v)} characters long; "
                    f"the maximum is {column.max_length}"
                }
            ),
            None,
        )


#: Characters that do not show: zero-width spaces and joiners, bidirectional controls,
#: the soft hyphen, the byte-order mark, and control characters (escape, bell, ...:
#: a terminal would act on them) other than tab, line breaks and form feed.
INVISIBLE = (
    "[\x01-\x08\x0b\x0e-\x1f\x7f-\x9f"
    "\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def _full_match(cells: Text, pattern: str, plain: Mask) -> Mask:
    """Which cells match ``pattern`` whole. Text on one line (:data:`TEXT`) is decided
    without a regular expression for printable ASCII, where it means: no space first or
    last; the expression runs only on the other cells."""
    if pattern != TEXT:
        return as_mask(pc.match_substring_regex(cells, anchored(pattern)))
    ok = plain & ~as_mask(pc.starts_with(cells, " ")) & ~as_mask(pc.ends_with(cells, " "))
    others = np.flatnonzero(~plain)
    if others.size:
        ok[others] = as_mask(pc.match_substring_regex(take(cells, others), anchored(TEXT)))
    return ok


def _text_warnings(
    t: CsvTable, column: Column, found: Cells, ok: Mask, plain: Mask
) -> Iterator[Problem]:
    """Invisible characters, text not in NFC, values a spreadsheet would run as a formula.

    Printable ASCII has no invisible character and is always in NFC: only the other
    values are searched."""
    values = found.values
    hidden_values = np.zeros(len(values), dtype=bool)
    decomposed_values = np.zeros(len(values), dtype=bool)
    others = np.flatnonzero(~plain)
    if others.size:
        sub = take(values, others)
        hidden_values[others] = as_mask(pc.match_substring_regex(sub, INVISIBLE))
        # the stubs lag: no utf8_normalize()
        nfc: pa.StringArray = pc.utf8_normalize(sub, "NFC")  # type: ignore[attr-defined]
        decomposed_values[others] = as_mask(pc.not_equal(nfc, sub))
    hidden = ok & found.rows(hidden_values)
    yield from _problems(
        t,
        hidden,
        column.name,
        "invisible-character",
        {},
        "delete it unless the source has it",
    )
    decomposed = ok & ~hidden & found.rows(decomposed_values)
    yield from _problems(
        t,
        decomposed,
        column.name,
        "not-nfc",
        {},
        "save the text NFC-normalised (most editors do)",
    )
    formula = ok & found.rows(starts_with_byte(values, FORMULA_STARTS))
    yield from _problems(
        t,
        formula,
        column.name,
        "formula-like",
        {},
        "a CSV opened in a spreadsheet would run it (the release's workbook keeps it as "
        "text); check it is meant",
    )


def check_cells(t: CsvTable, limits: Limits = DEFAULT_LIMITS) -> tuple[list[Problem], Failed]:
    """Types, required values, vocabularies, patterns, ranges and dates, column by column.

    Every rule is a function of the cell alone, so it runs on the column's distinct
    values where the reader kept them (:class:`~astana_talks.reading.Cells`)."""
    problems: list[Problem] = []
    failed: Failed = {}
    for column in columns(t.model):
        found = t.cells.get(column.name)
        if found is None:
            continue
        values = found.values
        plain = as_mask(pc.ascii_is_printable(values))
        bad = found.rows(as_mask(pc.greater(pc.utf8_length(values), limits.cell_chars)))  # type: ignore[call-overload]  # stubs lag: Python scalar
        problems += _problems(
            t,
            bad,
            column.name,
            "cell-too-large",
            lambda v: {"length": len(v), "limit": limits.cell_chars},
        )
        empty = found.rows(as_mask(pc.equal(values, "")))  # type: ignore[call-overload]  # stubs lag: Python scalar
        if column.required:
            missing = empty & ~bad
            problems += _problems(t, missing, column.name, "required-value")
            bad |= missing
        for mask, code, params, hint in _cell_rules(column, values, plain):
            fresh = found.rows(mask) & ~bad  # one problem per cell: the first rule it breaks
            problems += _problems(t, fresh, column.name, code, params, hint)
            bad |= fresh
        if column.datatype == "string" and column.vocabulary is None and not column.partial_date:
            problems += _text_warnings(t, column, found, ~bad & ~empty, plain)
        failed[column.name] = bad
    return problems, failed


def filled(t: CsvTable, name: str) -> Mask:
    """The rows whose cell in column ``name`` is not empty."""
    found = t.cells[name]
    return found.rows(as_mask(pc.not_equal(found.values, "")))  # type: ignore[call-overload]  # stubs lag: Python scalar


def _usable(t: CsvTable, failed: Failed, *names: str) -> Mask:
    ok = np.ones(len(t), dtype=bool)
    for name in names:
        ok &= ~failed.get(name, np.zeros(len(t), dtype=bool))
        if name not in t.cells:
            ok &= False
    return ok


def _bounds(cells: Text) -> tuple[Text, Text]:
    """The earliest and latest ISO day a partial date can mean, as comparable text.

    A month's latest day is written ``-31``: no real day lies between its true last
    day and the 31st, so comparing text gives the right answer.
    """
    length = pc.utf8_length(cells)
    earliest = pc.if_else(_length_is(length, 4), _suffixed(cells, "-01-01"), cells)
    earliest = pc.if_else(_length_is(length, 7), _suffixed(cells, "-01"), earliest)
    latest = pc.if_else(_length_is(length, 4), _suffixed(cells, "-12-31"), cells)
    latest = pc.if_else(_length_is(length, 7), _suffixed(cells, "-31"), latest)
    return earliest, latest


# The stubs lag: equal() and binary_join_element_wise() take Python scalars.
def _length_is(length: pa.Int32Array | pa.ChunkedArray[pa.Int32Scalar], n: int) -> pa.BooleanArray:
    return pc.equal(length, n)  # type: ignore[call-overload, no-any-return]


def _suffixed(cells: Text, suffix: str) -> Text:
    return pc.binary_join_element_wise(cells, suffix, "")  # type: ignore[call-overload, no-any-return]


def check_rows(t: CsvTable, failed: Failed) -> list[Problem]:
    """The table's row rules (:mod:`astana_talks.rules`, the models' own), column-wise.

    A rule is checked on the rows whose cells in its columns have no problem yet."""
    problems: list[Problem] = []
    for rule in t.model.row_rules():
        if not set(rule.columns()) <= set(t.cells):
            continue
        ok = _usable(t, failed, *rule.columns())
        if isinstance(rule, Explained):
            problems += _explained(t, rule, ok)
        elif isinstance(rule, Together):
            first, second = filled(t, rule.first), filled(t, rule.second)
            for missing, mask in ((rule.second, first & ~second), (rule.first, second & ~first)):
                problems += _problems(
                    t, ok & mask, missing, "row-rule", {"note": rule.missing(missing)[1]}
                )
        elif isinstance(rule, OneOf):
            field, message = rule.broken()
            both_or_neither = filled(t, rule.first) == filled(t, rule.second)
            problems += _problems(t, ok & both_or_neither, field, "row-rule", {"note": message})
        elif isinstance(rule, InOrder):
            problems += _in_order(t, rule, ok)
        else:
            raise TypeError(f"no column-wise check for {type(rule).__name__}")
    return problems


def _explained(t: CsvTable, rule: Explained, ok: Mask) -> Iterator[Problem]:
    names = t.cells[rule.fields].encoded()
    has_names, has_note = filled(t, rule.fields), filled(t, rule.note)
    known = set(t.model.model_fields)
    unknown = np.array(
        [any(n not in known for n in v.split()) for v in texts(names.values)], np.bool_
    )
    unknown_at = ok & has_names & names.rows(unknown)
    yield from _problems(
        t,
        unknown_at,
        rule.fields,
        "row-rule",
        lambda v: {"note": rule.unknown(", ".join(n for n in v.split() if n not in known)).message},
    )
    unexplained = rule.unexplained()
    yield from _problems(
        t,
        ok & has_names & ~has_note & ~unknown_at,
        unexplained.field,
        "row-rule",
        {"note": unexplained.message},
    )
    pointless = rule.pointless()
    yield from _problems(
        t, ok & has_note & ~has_names, pointless.field, "row-rule", {"note": pointless.message}
    )


def _in_order(t: CsvTable, rule: InOrder, ok: Mask) -> Iterator[Problem]:
    start, end = t.column(rule.start), t.column(rule.end)
    has_start, has_end = filled(t, rule.start), filled(t, rule.end)
    startless = rule.startless()
    yield from _problems(
        t, ok & has_end & ~has_start, startless.field, "row-rule", {"note": startless.message}
    )
    both = ok & has_start & has_end
    earliest, _ = _bounds(start)
    _, latest = _bounds(end)
    before = both & as_mask(pc.less(latest, earliest))
    for index in np.flatnonzero(before).tolist():
        field, message = rule.reversed(start[index].as_py(), end[index].as_py())
        yield Problem.of(
            "row-rule",
            note=message,
            file=t.file,
            table=t.table,
            row=int(t.lines[index]),
            field=field,
            column=t.position(field),
            value=end[index].as_py(),
        )
    differ = both & ~before & as_mask(pc.not_equal(pc.utf8_length(start), pc.utf8_length(end)))
    yield from _problems(
        t,
        differ,
        rule.end,
        "date-precision",
        {"start": rule.start},
        "give both dates to the same precision, or leave the finer one out",
    )


def joined(t: CsvTable, names: tuple[str, ...]) -> pa.StringArray:
    """The cells of ``names`` joined by '/' per row (how citations write a key)."""
    if len(names) == 1:
        return t.column(names[0])
    # the stubs lag: the separator may be a Python string
    return pc.binary_join_element_wise(*(t.column(n) for n in names), "/")  # type: ignore[call-overload, no-any-return]


def _lookalike(cells: Cells) -> Patched | None:
    """The cells without invisible characters and in NFC, if that changes any of them
    (only cells that are not printable ASCII can change)."""
    values = cells.values
    others = np.flatnonzero(~as_mask(pc.ascii_is_printable(values)))
    if not others.size:
        return None
    sub = take(values, others)
    # the stubs lag: no utf8_normalize()
    seen: pa.StringArray = pc.utf8_normalize(  # type: ignore[attr-defined]
        pc.replace_substring_regex(sub, INVISIBLE, ""), "NFC"
    )
    changed = ~as_mask(pc.equal(seen, sub))
    if not changed.any():
        return None
    return Patched(cells, others[changed], seen.filter(pa.array(changed)))


def check_duplicates(t: CsvTable) -> list[Problem]:
    """Identical rows, then rows repeating a primary key, each naming the first row."""
    if not len(t) or not t.cells:
        return []
    problems: list[Problem] = []
    rows = np.arange(len(t))
    key = t.model.primary_key
    same_row = np.zeros(len(t), dtype=bool)
    row_first = rows.copy()
    if set(key) <= set(t.cells):
        key_cells = [t.cells[name] for name in key]
        key_first = first_occurrences(key_cells)
        repeated = key_first != rows
        # an identical row repeats its key too: look among the rows that share a key
        shared = np.zeros(len(t), dtype=bool)
        shared[repeated] = True
        shared[key_first[repeated]] = True
        among = np.flatnonzero(shared)
        first_among = first_occurrences([c.filter(shared) for c in t.cells.values()])
        again = first_among != np.arange(len(among))
        same_row[among[again]] = True
        row_first[among[again]] = among[first_among[again]]
    else:
        row_first = first_occurrences(list(t.cells.values()))
        same_row = row_first != rows
    for index in np.flatnonzero(same_row).tolist():
        problems.append(
            Problem.of(
                "duplicate-row",
                first=int(t.lines[row_first[index]]),
                file=t.file,
                table=t.table,
                row=int(t.lines[index]),
                hint="delete the repeated row",
            )
        )
    if not set(key) <= set(t.cells):
        return problems
    field = key[0] if len(key) == 1 else None
    seen_cells = [_lookalike(c) for c in key_cells]
    if any(c is not None for c in seen_cells):
        # keys that differ only by invisible characters or Unicode normalisation look the same
        changed = np.zeros(len(t), dtype=bool)  # the rows with a key that changed
        for seen in seen_cells:
            if seen is not None:
                touched = np.zeros(len(seen.cells.values), dtype=bool)
                touched[seen.positions] = True
                changed |= seen.cells.rows(touched)
        look_first = first_occurrences(
            [seen or cells for seen, cells in zip(seen_cells, key_cells, strict=True)],
            involving=np.flatnonzero(changed),
        )
        lookalike = look_first != rows
        for index in np.flatnonzero(lookalike & ~repeated & ~same_row).tolist():
            value = "/".join(c.at(index) for c in key_cells)
            problems.append(
                Problem.of(
                    "duplicate-key",
                    note=f"{value!r} differs from row "
                    f"{int(t.lines[look_first[index]])} only by invisible characters "
                    "or Unicode normalisation",
                    file=t.file,
                    table=t.table,
                    row=int(t.lines[index]),
                    field=field,
                    column=t.position(field) if field else None,
                    value=value,
                    hint="remove the invisible characters; the two keys are the same",
                )
            )
    for index in np.flatnonzero(repeated & ~same_row).tolist():
        value = "/".join(c.at(index) for c in key_cells)
        problems.append(
            Problem.of(
                "duplicate-key",
                note=f"({', '.join(key)}) = {value!r} is already used on row "
                f"{int(t.lines[key_first[index]])}",
                file=t.file,
                table=t.table,
                row=int(t.lines[index]),
                field=field,
                column=t.position(field) if field else None,
                value=value,
                hint="change the key, or merge the two rows",
            )
        )
    return problems
