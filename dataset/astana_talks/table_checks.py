"""Column-at-a-time checks of one table: cells, row rules, duplicate keys and rows.

Every rule is evaluated for a whole column at once with pyarrow compute kernels
(RE2 regular expressions, set membership, casts); Python only touches the cells
that fail. The rules are the models' rules, read from :func:`schemas.columns`,
and a differential test holds them to what the Pydantic models accept.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from .cells import INTEGER_PATTERN, Suggester
from .dates import PARTIAL_DATE_SHAPE
from .models import PATTERN_NAMES, AtMeeting, Inferable, Source, Spanning, anchored
from .package import DEFAULT_LIMITS, Limits
from .problems import Problem
from .reading import CsvTable
from .schemas import Column, columns
from .spreadsheet import FORMULA

INTEGER = anchored(INTEGER_PATTERN)
Mask = NDArray[np.bool_]
#: Cells that already have a problem, per column: later checks skip them.
Failed = dict[str, Mask]


def _mask(array: pa.Array | pa.ChunkedArray) -> Mask:
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=bool)


def _problems(
    t: CsvTable, mask: Mask, column: str | None, code: str, message: Any, hint: Any = None
) -> Iterator[Problem]:
    """One problem per True in ``mask``; ``message``/``hint`` are functions of the cell."""
    values = t.column(column) if column is not None else None
    for index in np.flatnonzero(mask):
        value = values[int(index)].as_py() if values is not None else None
        yield Problem(
            code,
            message(value) if callable(message) else message,
            file=t.file,
            table=t.table,
            row=int(t.lines[index]),
            field=column,
            column=t.position(column) if column is not None else None,
            value=value,
            hint=hint(value) if callable(hint) else hint,
        )


def _cell_rules(
    t: CsvTable, column: Column, cells: pa.Array
) -> Iterator[tuple[Mask, str, Any, Any]]:
    """(mask, code, message, hint) for each way a non-empty cell can break the column's rule."""
    filled = pc.not_equal(cells, "")
    if column.datatype == "integer":
        canonical = pc.match_substring_regex(cells, INTEGER)
        yield (
            _mask(pc.and_(filled, pc.invert(canonical))),
            "type-error",
            (lambda v: f"{v!r} is not an integer (write digits only, e.g. 21)"),
            None,
        )
        small = pc.and_(canonical, pc.less_equal(pc.utf8_length(cells), 12))
        numbers = pc.cast(pc.if_else(small, cells, "0"), pa.int64())
        huge = pc.and_(canonical, pc.invert(small))
        if column.minimum is not None:
            low = pc.or_(
                pc.and_(small, pc.less(numbers, column.minimum)),
                pc.and_(huge, pc.starts_with(cells, "-")),
            )
            yield (
                _mask(low),
                "out-of-range",
                (lambda v: f"{v} is below the minimum {column.minimum}"),
                None,
            )
        if column.maximum is not None:
            high = pc.or_(
                pc.and_(small, pc.greater(numbers, column.maximum)),
                pc.and_(huge, pc.invert(pc.starts_with(cells, "-"))),
            )
            yield (
                _mask(high),
                "out-of-range",
                (lambda v: f"{v} is above the maximum {column.maximum}"),
                None,
            )
    elif column.datatype == "boolean":
        yield (
            _mask(pc.and_(filled, pc.invert(pc.is_in(cells, pa.array(["true", "false"]))))),
            "type-error",
            (lambda v: f"{v!r} is not a boolean (write true or false)"),
            None,
        )
    elif column.vocabulary is not None:
        allowed = column.enum or ()
        yield (
            _mask(pc.and_(filled, pc.invert(pc.is_in(cells, pa.array(allowed))))),
            "not-in-vocabulary",
            (lambda v: f"{v!r} is not one of: {', '.join(allowed)}"),
            Suggester(allowed),
        )
    elif column.partial_date:
        assert column.pattern is not None
        shaped = pc.match_substring_regex(cells, anchored(PARTIAL_DATE_SHAPE))
        yield (
            _mask(pc.and_(filled, pc.invert(shaped))),
            "invalid-date",
            (lambda v: f"{v!r} is not a partial date: write YYYY, YYYY-MM or YYYY-MM-DD"),
            None,
        )
        real = pc.match_substring_regex(cells, anchored(column.pattern))
        unreal = pc.and_(shaped, pc.invert(real))
        yield _mask(unreal), "invalid-date", (lambda v: f"{v!r} is not a real date"), None
    elif column.pattern is not None:
        matches = pc.match_substring_regex(cells, anchored(column.pattern))
        meaning = PATTERN_NAMES.get(column.pattern, f"a match for {column.pattern}")
        yield (
            _mask(pc.and_(filled, pc.invert(matches))),
            "pattern-mismatch",
            (lambda v: f"{v!r} is not {meaning}"),
            None,
        )
    if column.max_length is not None:
        long = pc.greater(pc.utf8_length(cells), column.max_length)
        yield (
            _mask(long),
            "pattern-mismatch",
            (
                lambda v: (
                    f"the value is {len(v)} characters long; the maximum is {column.max_length}"
                )
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


def _text_warnings(t: CsvTable, column: Column, cells: pa.Array, ok: Mask) -> Iterator[Problem]:
    """Invisible characters, text not in NFC, values a spreadsheet would run as a formula."""
    hidden = ok & _mask(pc.match_substring_regex(cells, INVISIBLE))
    yield from _problems(
        t,
        hidden,
        column.name,
        "invisible-character",
        "the value holds an invisible or control character (zero-width, bidirectional, escape)",
        "delete it unless the source has it",
    )
    decomposed = ok & ~hidden & _mask(pc.not_equal(pc.utf8_normalize(cells, "NFC"), cells))
    yield from _problems(
        t,
        decomposed,
        column.name,
        "not-nfc",
        "the text is not in Unicode normal form C",
        "save the text NFC-normalised (most editors do)",
    )
    formula = ok & _mask(pc.match_substring_regex(cells, FORMULA))
    yield from _problems(
        t,
        formula,
        column.name,
        "formula-like",
        "a spreadsheet would run this value as a formula",
        "a CSV opened in a spreadsheet would run it (the release's workbook keeps it as "
        "text); check it is meant",
    )


def check_cells(t: CsvTable, limits: Limits = DEFAULT_LIMITS) -> tuple[list[Problem], Failed]:
    """Types, required values, vocabularies, patterns, ranges and dates, column by column."""
    problems: list[Problem] = []
    failed: Failed = {}
    for column in columns(t.model):
        if column.name not in t.columns:
            continue
        cells = t.columns[column.name]
        bad = _mask(pc.greater(pc.utf8_length(cells), limits.cell_chars))
        problems += _problems(
            t,
            bad,
            column.name,
            "cell-too-large",
            lambda v: (
                f"the cell has {len(v)} characters, more than the limit of {limits.cell_chars}"
            ),
        )
        if column.required:
            missing = _mask(pc.equal(cells, ""))
            problems += _problems(
                t, missing, column.name, "required-value", f"{column.name} is required"
            )
            bad |= missing
        for mask, code, message, hint in _cell_rules(t, column, cells):
            fresh = mask & ~bad  # one problem per cell: the first rule it breaks
            problems += _problems(t, fresh, column.name, code, message, hint)
            bad |= fresh
        if column.datatype == "string" and column.vocabulary is None and not column.partial_date:
            problems += _text_warnings(t, column, cells, ~bad & _mask(pc.not_equal(cells, "")))
        failed[column.name] = bad
    return problems, failed


def _usable(t: CsvTable, failed: Failed, *names: str) -> Mask:
    ok = np.ones(len(t), dtype=bool)
    for name in names:
        ok &= ~failed.get(name, np.zeros(len(t), dtype=bool))
        if name not in t.columns:
            ok &= False
    return ok


def _bounds(cells: pa.Array) -> tuple[pa.Array, pa.Array]:
    """The earliest and latest ISO day a partial date can mean, as comparable text.

    A month's latest day is written ``-31``: no real day lies between its true last
    day and the 31st, so comparing text gives the right answer.
    """
    length = pc.utf8_length(cells)
    earliest = pc.if_else(
        pc.equal(length, 4), pc.binary_join_element_wise(cells, "-01-01", ""), cells
    )
    earliest = pc.if_else(
        pc.equal(length, 7), pc.binary_join_element_wise(cells, "-01", ""), earliest
    )
    latest = pc.if_else(
        pc.equal(length, 4), pc.binary_join_element_wise(cells, "-12-31", ""), cells
    )
    latest = pc.if_else(pc.equal(length, 7), pc.binary_join_element_wise(cells, "-31", ""), latest)
    return earliest, latest


def check_rows(t: CsvTable, failed: Failed) -> list[Problem]:
    """Rules across the cells of one row (the models' row validators, column-wise)."""
    problems: list[Problem] = []
    if issubclass(t.model, Inferable) and {"inferred_fields", "inference_note"} <= set(t.columns):
        names, notes = t.columns["inferred_fields"], t.columns["inference_note"]
        ok = _usable(t, failed, "inferred_fields", "inference_note")
        has_names, has_note = _mask(pc.not_equal(names, "")), _mask(pc.not_equal(notes, ""))
        known = set(t.model.model_fields)
        unknown_at = np.zeros(len(t), dtype=bool)
        for index in np.flatnonzero(ok & has_names):
            unknown_at[index] = any(n not in known for n in str(names[int(index)]).split())
        problems += _problems(
            t,
            unknown_at,
            "inferred_fields",
            "row-rule",
            lambda v: (
                f"inferred_fields names unknown columns: "
                f"{', '.join(n for n in v.split() if n not in known)}"
            ),
        )
        problems += _problems(
            t,
            ok & has_names & ~has_note & ~unknown_at,
            "inference_note",
            "row-rule",
            "inference_note must explain the inferred_fields",
        )
        problems += _problems(
            t,
            ok & has_note & ~has_names,
            "inferred_fields",
            "row-rule",
            "inference_note is set but inferred_fields is empty",
        )
    problems += _pairing_rules(t, failed)
    if issubclass(t.model, Spanning) and {"start_date", "end_date"} <= set(t.columns):
        start, end = t.columns["start_date"], t.columns["end_date"]
        ok = _usable(t, failed, "start_date", "end_date")
        has_start, has_end = _mask(pc.not_equal(start, "")), _mask(pc.not_equal(end, ""))
        problems += _problems(
            t,
            ok & has_end & ~has_start,
            "start_date",
            "row-rule",
            "end_date is set but start_date is empty",
        )
        both = ok & has_start & has_end
        earliest, _ = _bounds(start)
        _, latest = _bounds(end)
        before = both & _mask(pc.less(latest, earliest))
        for index in np.flatnonzero(before):
            i = int(index)
            problems.append(
                Problem(
                    "row-rule",
                    f"end_date {end[i].as_py()} is before start_date {start[i].as_py()}",
                    file=t.file,
                    table=t.table,
                    row=int(t.lines[i]),
                    field="end_date",
                    column=t.position("end_date"),
                    value=end[i].as_py(),
                )
            )
        differ = both & ~before & _mask(pc.not_equal(pc.utf8_length(start), pc.utf8_length(end)))
        problems += _problems(
            t,
            differ,
            "end_date",
            "date-precision",
            lambda v: f"end_date {v} is not as precise as start_date",
            "give both dates to the same precision, or leave the finer one out",
        )
    return problems


def _pairing_rules(t: CsvTable, failed: Failed) -> Iterator[Problem]:
    """The models' either-or rules: a row of a table with round_number and meeting_id
    belongs to exactly one meeting; a source's text_file and text_sha256 go together."""
    if issubclass(t.model, AtMeeting) and {"round_number", "meeting_id"} <= set(t.columns):
        ok = _usable(t, failed, "round_number", "meeting_id")
        number = _mask(pc.not_equal(t.columns["round_number"], ""))
        meeting = _mask(pc.not_equal(t.columns["meeting_id"], ""))
        yield from _problems(
            t,
            ok & (number == meeting),
            "meeting_id",
            "row-rule",
            "give exactly one of round_number and meeting_id",
        )
    if issubclass(t.model, Source) and {"text_file", "text_sha256"} <= set(t.columns):
        ok = _usable(t, failed, "text_file", "text_sha256")
        text = _mask(pc.not_equal(t.columns["text_file"], ""))
        digest = _mask(pc.not_equal(t.columns["text_sha256"], ""))
        for missing, mask in (("text_sha256", text & ~digest), ("text_file", digest & ~text)):
            yield from _problems(
                t,
                ok & mask,
                missing,
                "row-rule",
                f"{missing} is empty: text_file and text_sha256 go together",
            )


def joined(t: CsvTable, names: tuple[str, ...]) -> pa.Array:
    """The cells of ``names`` joined by '/' per row (how citations write a key)."""
    if len(names) == 1:
        return t.column(names[0])
    return pc.binary_join_element_wise(*(t.column(n) for n in names), "/")


def _first_occurrences(values: pa.Array) -> tuple[Mask, NDArray[np.int64], NDArray[np.int64]]:
    """(repeated, code, first): whether each value was seen on an earlier row, its
    dictionary code, and the index of each code's first row."""
    codes = np.asarray(
        pc.dictionary_encode(values).indices.to_numpy(zero_copy_only=False), np.int64
    )
    seen_before = np.maximum.accumulate(np.concatenate(([-1], codes[:-1])))
    repeated = codes <= seen_before  # codes are numbered in order of first appearance
    _, first = np.unique(codes, return_index=True)
    return repeated, codes, first.astype(np.int64)


def check_duplicates(t: CsvTable) -> list[Problem]:
    """Identical rows, then rows repeating a primary key, each naming the first row."""
    if not len(t) or not t.columns:
        return []
    problems: list[Problem] = []
    same_row, codes, first = _first_occurrences(
        pc.binary_join_element_wise(*t.columns.values(), "\x1f")
    )
    for index in np.flatnonzero(same_row):
        problems.append(
            Problem(
                "duplicate-row",
                f"this row repeats row {int(t.lines[first[codes[index]]])} exactly",
                file=t.file,
                table=t.table,
                row=int(t.lines[index]),
                hint="delete the repeated row",
            )
        )
    key = t.model.primary_key
    if not set(key) <= set(t.columns):
        return problems
    keys = joined(t, key)
    repeated, codes, first = _first_occurrences(keys)
    field = key[0] if len(key) == 1 else None
    # keys that differ only by invisible characters or Unicode normalisation look the same
    seen_keys = pc.utf8_normalize(pc.replace_substring_regex(keys, INVISIBLE, ""), "NFC")
    lookalike, look_codes, look_first = _first_occurrences(seen_keys)
    for index in np.flatnonzero(lookalike & ~repeated & ~same_row):
        value = keys[int(index)].as_py()
        problems.append(
            Problem(
                "duplicate-key",
                f"primary key {value!r} differs from row "
                f"{int(t.lines[look_first[look_codes[index]]])} only by invisible characters "
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
    for index in np.flatnonzero(repeated & ~same_row):
        value = keys[int(index)].as_py()
        problems.append(
            Problem(
                "duplicate-key",
                f"primary key ({', '.join(key)}) = {value!r} is already used on row "
                f"{int(t.lines[first[codes[index]]])}",
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
