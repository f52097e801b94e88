"""What a contribution changes: rows added, changed (field by field) and removed.

Rows are matched by primary key. A table that is given is compared as a whole:
a canonical row missing from a contributed ``participants.csv`` counts as removed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from .problems import InvalidDataError, Report
from .reading import CsvTable, texts
from .table_checks import check_duplicates, joined
from .validation import Contribution, canonical, gather

ChangeKind = Literal["added", "changed", "removed"]


@dataclass(frozen=True)
class Change:
    """One row added, changed or removed; ``fields`` maps a column to (old, new)."""

    table: str
    key: str
    kind: ChangeKind
    fields: Mapping[str, tuple[str | None, str | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class Diff:
    """Every change, table by table, in the order of the new rows then the removed ones."""

    changes: tuple[Change, ...]

    def counts(self) -> dict[str, dict[str, int]]:
        counts: dict[str, Counter[str]] = {}
        for change in self.changes:
            counts.setdefault(change.table, Counter())[change.kind] += 1
        return {table: dict(c) for table, c in counts.items()}

    def to_json(self) -> str:
        return json.dumps(
            {"counts": self.counts(), "changes": [asdict(c) for c in self.changes]},
            ensure_ascii=False,
            indent=2,
        )

    def __str__(self) -> str:
        if not self.changes:
            return "no changes\n"
        lines = []
        for change in self.changes:
            sign = {"added": "+", "changed": "~", "removed": "-"}[change.kind]
            lines.append(f"{sign} {change.table} {change.key}")
            for name, (old, new) in change.fields.items():
                lines.append(f"    {name}: {old!r} -> {new!r}")
        summary = ", ".join(
            f"{table}: " + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
            for table, kinds in self.counts().items()
        )
        lines.append(summary)
        return "\n".join(lines) + "\n"


def _keyed(t: CsvTable) -> dict[str, dict[str, str]]:
    keys = texts(joined(t, t.model.primary_key))
    return dict(zip(keys, t.rows(), strict=True))


def compare(old: Contribution, new: Contribution) -> Diff:
    """The changes from ``old`` to ``new``, for every table ``new`` gives."""
    changes: list[Change] = []
    for table, t in new.tables.items():
        after = _keyed(t)
        before = _keyed(old.tables[table]) if table in old.tables else {}
        for key, row in after.items():
            if key not in before:
                changes.append(Change(table, key, "added"))
                continue
            fields = {
                name: (before[key].get(name), value)
                for name, value in row.items()
                if before[key].get(name) != value
            }
            if fields:
                changes.append(Change(table, key, "changed", fields))
        changes += [Change(table, key, "removed") for key in before if key not in after]
    return Diff(tuple(changes))


#: Problems that would make a diff wrong: rows lost or unreadable, keys repeated,
#: tables missing. Other problems (a bad cell) do not change which rows differ.
BREAKS_DIFF = frozenset(
    {
        "encoding-error",
        "wrong-delimiter",
        "malformed-csv",
        "empty-file",
        "missing-column",
        "duplicate-column",
        "blank-column",
        "ragged-row",
        "blank-row",
        "duplicate-key",
        "duplicate-row",
        "missing-table",
    }
)


def _readable(given: Contribution) -> Contribution:
    """``given``, or :class:`InvalidDataError` when it cannot be diffed faithfully."""
    problems = list(given.problems)
    for t in given.tables.values():
        problems += [*t.problems, *check_duplicates(t)]
    breaking = [p for p in problems if p.code in BREAKS_DIFF]
    if breaking:
        raise InvalidDataError(Report.of(breaking))
    return given


def diff(*paths: str | Path, table: str | None = None) -> Diff:
    """The changes ``new`` makes to the canonical data, or to ``old`` given as the first path.

    Raises :class:`InvalidDataError` when an input's rows cannot all be read or its
    keys repeat (the diff would be wrong), :class:`UnreadableInputError` when an input
    cannot be used at all."""
    if len(paths) == 1:
        return compare(canonical(), _readable(gather(paths, table)))
    if len(paths) == 2:
        return compare(_readable(gather(paths[:1])), _readable(gather(paths[1:])))
    raise TypeError("diff takes one path (against the canonical data) or two (old, new)")
