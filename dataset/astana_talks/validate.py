"""Validation: every problem of a package, collected in one :class:`Report`.

Cell and row checks happen while reading (:mod:`astana_talks.package`). The
checks across rows and tables below work on the text cells of every row that
has the header's shape, valid or not, so that one defect is reported once: a row
with a misspelt role still counts for keys and references, and its quote is
still checked. Cells are canonical text (integers have no sign or leading
zeros), so comparing text compares values.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .cells import suggest
from .models import TABLES, Record, Source
from .names import normalize_name
from .package import PackageSource, TableRead, open_package, read_table
from .problems import Problem, Report, UnreadableInputError

KEY_SEPARATOR = "/"
_STRAIGHT_QUOTES = str.maketrans("\u2018\u2019\u201c\u201d", "''\"\"")


def record_key(record: Record) -> str:
    """A row's primary key as citations write it: the cells joined by '/'."""
    return KEY_SEPARATOR.join(str(getattr(v, "value", v)) for v in record.key())


def _text_key(cells: Mapping[str, str], columns: tuple[str, ...]) -> str:
    return KEY_SEPARATOR.join(cells.get(c, "") for c in columns)


def _loose(text: str) -> str:
    """Text with curly quotes straightened and runs of whitespace made one space."""
    return re.sub(r"\s+", " ", text.translate(_STRAIGHT_QUOTES))


def _reported(read: TableRead) -> set[tuple[int | None, str | None]]:
    """(row, field) of the cells that already have a problem."""
    return {(p.row, p.field) for p in read.problems}


def _check_keys(read: TableRead) -> Iterator[Problem]:
    key = TABLES[read.table].primary_key
    seen: dict[str, int] = {}
    for line, cells in read.cells:
        value = _text_key(cells, key)
        if value in seen:
            yield Problem(
                "duplicate-key",
                f"primary key ({', '.join(key)}) = {value!r} already used on row {seen[value]}",
                file=read.file,
                table=read.table,
                row=line,
                field=key[0] if len(key) == 1 else None,
                value=value,
            )
        else:
            seen[value] = line


def _check_references(reads: Mapping[str, TableRead]) -> Iterator[Problem]:
    keys = {
        table: {cells[TABLES[table].primary_key[0]] for _, cells in read.cells}
        for table, read in reads.items()
    }
    for table, read in reads.items():
        reported = _reported(read)
        for column, target in TABLES[table].foreign_keys.items():
            if target not in keys:
                continue
            for line, cells in read.cells:
                value = cells[column]
                if value and value not in keys[target] and (line, column) not in reported:
                    yield Problem(
                        "foreign-key",
                        f"{value!r} is not a {TABLES[target].primary_key[0]} of table {target}",
                        file=read.file,
                        table=table,
                        row=line,
                        field=column,
                        value=value,
                        hint=suggest(value, sorted(keys[target])),
                    )


def _source_texts(source: PackageSource, read: TableRead) -> tuple[dict[str, str], list[Problem]]:
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for line, record in read.typed(Source):  # typed: text_file has passed its pattern
        where: dict[str, Any] = {"file": read.file, "table": "sources", "row": line}
        node = source.member(record.text_file)
        if not node.is_file():
            problems.append(
                Problem(
                    "source-text-missing",
                    f"{record.text_file} is not in the package",
                    field="text_file",
                    value=record.text_file,
                    **where,
                )
            )
            continue
        data = node.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != record.text_sha256:
            problems.append(
                Problem(
                    "source-text-hash",
                    f"{record.text_file} has SHA-256 {digest}, the table says {record.text_sha256}",
                    field="text_sha256",
                    value=record.text_sha256,
                    hint="restore the text, or update text_sha256 if the change is right",
                    **where,
                )
            )
            continue
        texts[record.source_id] = data.decode("utf-8", errors="replace")
    return texts, problems


def _check_quotes(reads: Mapping[str, TableRead], texts: Mapping[str, str]) -> Iterator[Problem]:
    for table, read in reads.items():
        for line, cells in read.cells:
            quote, text = cells.get("quote"), texts.get(cells.get("source_id", ""))
            if not quote or text is None or quote in text:
                continue
            where: dict[str, Any] = {
                "file": read.file,
                "table": table,
                "row": line,
                "field": "quote",
                "value": quote,
            }
            if _loose(quote) in _loose(text):
                yield Problem(
                    "quote-normalised-match",
                    f"the quote matches source {cells['source_id']!r} only after normalising "
                    "whitespace and quote marks",
                    severity="warning",
                    hint="copy the words from the source text exactly, curly quotes included",
                    **where,
                )
            else:
                yield Problem(
                    "quote-not-found",
                    f"the quote is not in the text of source {cells['source_id']!r}",
                    **where,
                )


def _check_citations(reads: Mapping[str, TableRead]) -> Iterator[Problem]:
    citations = reads.get("citations")
    if citations is None:
        return
    citable = [t for t in TABLES if t not in ("sources", "citations")]
    keys = {
        table: {_text_key(cells, TABLES[table].primary_key) for _, cells in read.cells}
        for table, read in reads.items()
    }
    reported = _reported(citations)
    for line, cells in citations.cells:
        table, record = cells["table_name"], cells["record"]
        where: dict[str, Any] = {"file": citations.file, "table": "citations", "row": line}
        if table not in citable:
            if (line, "table_name") not in reported:
                yield Problem(
                    "citation-target",
                    f"{table!r} is not a table that citations can cite",
                    field="table_name",
                    value=table,
                    hint=suggest(table, citable),
                    **where,
                )
        elif table in keys and record not in keys[table]:
            yield Problem(
                "citation-target",
                f"table {table} has no row with key {record!r}",
                field="record",
                value=record,
                hint=suggest(record, sorted(keys[table])),
                **where,
            )


def _check_hosts(reads: Mapping[str, TableRead]) -> Iterator[Problem]:
    rounds, participants = reads.get("rounds"), reads.get("participants")
    if rounds is None or participants is None:
        return
    reported = _reported(participants)
    hosts = {  # a row whose role is already reported might be the host: no follow-on problem
        (cells["round_number"], cells["actor_id"])
        for line, cells in participants.cells
        if cells["role"] == "host" or (line, "role") in reported
    }
    for line, cells in rounds.cells:
        number, host = cells["round_number"], cells["host"]
        if host and (number, host) not in hosts:
            yield Problem(
                "host-not-participant",
                f"round {number}'s host {host!r} has no participant row with role 'host'",
                file=rounds.file,
                table="rounds",
                row=line,
                field="host",
                value=host,
            )


def _check_names(reads: Mapping[str, TableRead]) -> Iterator[Problem]:
    names = reads.get("actor_names")
    if names is None:
        return
    owners: dict[str, set[str]] = defaultdict(set)
    for _, cells in reads["actors"].cells if "actors" in reads else ():
        owners[normalize_name(cells["name"])].add(cells["actor_id"])
        owners[normalize_name(cells["actor_id"])].add(cells["actor_id"])
    lines: dict[str, int] = {}
    for line, cells in names.cells:
        normal = normalize_name(cells["name"])
        owners[normal].add(cells["actor_id"])
        lines.setdefault(normal, line)
    for normal, ids in owners.items():
        if len(ids) > 1 and normal in lines:
            yield Problem(
                "ambiguous-name",
                f"{normal!r} (normalised) names several actors: {', '.join(sorted(ids))}",
                file=names.file,
                table="actor_names",
                row=lines[normal],
                field="name",
                value=normal,
            )


def check_package(source: PackageSource) -> tuple[dict[str, TableRead], Report]:
    """Read every table of ``source`` and run every check; nothing is raised for bad data."""
    reads = {table: read_table(source, table) for table in TABLES}
    problems: list[Problem] = [p for read in reads.values() for p in read.problems]
    for read in reads.values():
        problems.extend(_check_keys(read))
    problems.extend(_check_references(reads))
    texts, text_problems = _source_texts(source, reads["sources"])
    problems.extend(text_problems)
    problems.extend(_check_quotes(reads, texts))
    problems.extend(_check_citations(reads))
    problems.extend(_check_hosts(reads))
    problems.extend(_check_names(reads))
    return reads, Report.of(problems)


def validate(path: str | Path | None = None) -> Report:
    """Validate a package (``None``: the canonical data) and return the report.

    An unreadable path gives a report with one ``unreadable-input`` (or
    ``invalid-descriptor``, ``unsafe-path``) problem rather than an exception.
    """
    try:
        source = open_package(path)
    except UnreadableInputError as error:
        return Report.of([error.problem])
    return check_package(source)[1]
