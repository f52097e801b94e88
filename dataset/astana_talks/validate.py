"""Validation: every problem of a package, collected in one :class:`Report`.

Row-level checks happen while reading (:mod:`astana_talks.package`); this module
adds the checks across rows and tables: keys, references, evidence quotes and
the dataset's own consistency rules.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .cells import suggest
from .models import (
    TABLES,
    Actor,
    ActorName,
    Citation,
    Evidenced,
    Participant,
    Record,
    Round,
    Source,
)
from .names import normalize_name
from .package import PackageSource, R, TableRead, open_package, read_table
from .problems import Problem, Report, UnreadableInputError

KEY_SEPARATOR = "/"


def record_key(record: Record) -> str:
    """A row's primary key as citations write it: values joined by '/'."""
    return KEY_SEPARATOR.join(str(getattr(v, "value", v)) for v in record.key())


_STRAIGHT_QUOTES = str.maketrans("\u2018\u2019\u201c\u201d", "''\"\"")


def _loose(text: str) -> str:
    """Text with curly quotes straightened and runs of whitespace made one space."""
    return re.sub(r"\s+", " ", text.translate(_STRAIGHT_QUOTES))


def _check_keys(read: TableRead) -> Iterator[Problem]:
    model = TABLES[read.table]
    seen: dict[tuple[object, ...], int] = {}
    for line, record in read.rows:
        key = record.key()
        if key in seen:
            yield Problem(
                "duplicate-key",
                f"primary key ({', '.join(model.primary_key)}) = {record_key(record)!r} "
                f"already used on row {seen[key]}",
                file=read.file,
                table=read.table,
                row=line,
                field=model.primary_key[0] if len(model.primary_key) == 1 else None,
                value=record_key(record),
            )
        else:
            seen[key] = line


def _check_references(reads: Mapping[str, TableRead]) -> Iterator[Problem]:
    keys = {
        table: {record.key()[0] for _, record in read.rows}
        for table, read in reads.items()
        if len(TABLES[table].primary_key) == 1
    }
    for table, read in reads.items():
        model = TABLES[table]
        for column, target in model.foreign_keys.items():
            for line, record in read.rows:
                value = getattr(record, column)
                if value is not None and value not in keys.get(target, set()):
                    yield Problem(
                        "foreign-key",
                        f"{value!r} is not a {TABLES[target].primary_key[0]} of table {target}",
                        file=read.file,
                        table=table,
                        row=line,
                        field=column,
                        value=str(value),
                    )


def _source_texts(source: PackageSource, read: TableRead) -> tuple[dict[str, str], list[Problem]]:
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for line, record in read.typed(Source):
        where: dict[str, Any] = {
            "file": read.file,
            "table": "sources",
            "row": line,
            "field": "text_file",
        }
        node = source.member(record.text_file)
        if not node.is_file():
            problems.append(
                Problem(
                    "source-text-missing",
                    f"{record.text_file} is not in the package",
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
                    value=record.text_sha256,
                    hint="restore the text, or update text_sha256 if the change is right",
                    **{**where, "field": "text_sha256"},
                )
            )
            continue
        texts[record.source_id] = data.decode("utf-8", errors="replace")
    return texts, problems


def _check_quotes(reads: Mapping[str, TableRead], texts: Mapping[str, str]) -> Iterator[Problem]:
    for table, read in reads.items():
        for line, record in read.rows:
            if not isinstance(record, Evidenced) or record.source_id not in texts:
                continue
            text = texts[record.source_id]
            if record.quote in text:
                continue
            where: dict[str, Any] = {
                "file": read.file,
                "table": table,
                "row": line,
                "field": "quote",
            }
            if _loose(record.quote) in _loose(text):
                yield Problem(
                    "quote-normalised-match",
                    f"the quote matches source {record.source_id!r} only after normalising "
                    "whitespace and quote marks",
                    severity="warning",
                    value=record.quote,
                    hint="copy the words from the source text exactly, curly quotes included",
                    **where,
                )
            else:
                yield Problem(
                    "quote-not-found",
                    f"the quote is not in the text of source {record.source_id!r}",
                    value=record.quote,
                    **where,
                )


def _typed(reads: Mapping[str, TableRead], model: type[R]) -> list[tuple[int, R]]:
    read = reads.get(model.table)
    return read.typed(model) if read is not None else []


def _file(reads: Mapping[str, TableRead], table: str) -> str | None:
    read = reads.get(table)
    return read.file if read is not None else None


def _check_citations(reads: Mapping[str, TableRead]) -> Iterator[Problem]:
    keys = {table: {record_key(r) for _, r in read.rows} for table, read in reads.items()}
    where: dict[str, Any] = {"file": _file(reads, "citations"), "table": "citations"}
    for line, citation in _typed(reads, Citation):
        table = citation.table_name
        if table not in TABLES or table in ("sources", "citations"):
            yield Problem(
                "citation-target",
                f"{table!r} is not a table that citations can cite",
                row=line,
                field="table_name",
                value=table,
                hint=suggest(table, [t for t in TABLES if t not in ("sources", "citations")]),
                **where,
            )
        elif table in keys and citation.record not in keys[table]:
            yield Problem(
                "citation-target",
                f"table {table} has no row with key {citation.record!r}",
                row=line,
                field="record",
                value=citation.record,
                **where,
            )


def _check_hosts(reads: Mapping[str, TableRead]) -> Iterator[Problem]:
    if "participants" not in reads:
        return
    hosts = {
        (p.round_number, p.actor_id) for _, p in _typed(reads, Participant) if p.role == "host"
    }
    for line, r in _typed(reads, Round):
        if r.host is not None and (r.round_number, r.host) not in hosts:
            yield Problem(
                "host-not-participant",
                f"round {r.round_number}'s host {r.host!r} has no participant row with role 'host'",
                file=_file(reads, "rounds"),
                table="rounds",
                row=line,
                field="host",
                value=r.host,
            )


def _check_names(reads: Mapping[str, TableRead]) -> Iterator[Problem]:
    owners: dict[str, set[str]] = defaultdict(set)
    for _, actor in _typed(reads, Actor):
        owners[normalize_name(actor.name)].add(actor.actor_id)
        owners[normalize_name(actor.actor_id)].add(actor.actor_id)
    lines: dict[str, int] = {}
    for line, name in _typed(reads, ActorName):
        normal = normalize_name(name.name)
        owners[normal].add(name.actor_id)
        lines.setdefault(normal, line)
    for normal, ids in owners.items():
        if len(ids) > 1 and normal in lines:
            yield Problem(
                "ambiguous-name",
                f"{normal!r} (normalised) names several actors: {', '.join(sorted(ids))}",
                file=_file(reads, "actor_names"),
                table="actor_names",
                row=lines[normal],
                field="name",
                value=normal,
            )


def check_package(
    source: PackageSource, tables: Iterable[str] | None = None
) -> tuple[dict[str, TableRead], Report]:
    """Read every table of ``source`` and run every check; nothing is raised for bad data."""
    reads = {table: read_table(source, table) for table in (tables or TABLES)}
    problems: list[Problem] = [p for read in reads.values() for p in read.problems]
    for read in reads.values():
        problems.extend(_check_keys(read))
    problems.extend(_check_references(reads))
    texts: dict[str, str] = {}
    if "sources" in reads:
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
