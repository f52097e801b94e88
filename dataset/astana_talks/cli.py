"""The ``astana-talks`` command: it renders what the library returns, nothing more.

Exit codes: 0 valid, 1 invalid data, 2 usage or unreadable input.
"""

from __future__ import annotations

import csv
import importlib.abc
import io
import json
import os
import sys
import traceback
from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn

import click

from .cells import render_cell, to_csv
from .changes import diff
from .dataset import Dataset, UnknownKeyError
from .load import load
from .models import TABLES, Evidenced, Inferable, Record, Spanning
from .names import closest
from .package import Limits
from .problems import InvalidDataError, Report, UnreadableInputError, printable
from .render import github, human
from .validation import URL
from .validation import validate as validate_package


class _Path(click.Path):
    """``click.Path`` that refuses an empty path (which pathlib reads as '.')."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and value == "":
            self.fail("an empty path was given (for the current folder, pass '.')", param, ctx)
        if isinstance(value, str) and URL.match(value):
            self.fail(
                f"{value} is a URL: nothing is fetched; download it and pass the file", param, ctx
            )
        return super().convert(value, param, ctx)


def _echo(text: str, nl: bool = True) -> None:
    """``click.echo`` for text that holds data: control characters (terminal
    escapes, bells) are shown as escapes, never sent to the terminal."""
    click.echo(printable(text), nl=nl)


def _fail(message: str, status: int) -> NoReturn:
    click.echo(f"error: {printable(message)}", err=True)
    sys.exit(status)


def _load(path: Path | None) -> Dataset:
    try:
        return load(path)
    except UnreadableInputError as error:
        _fail(str(error.problem), 2)
    except InvalidDataError as error:
        _fail(f"{error}\nrun 'astana-talks validate' for the full report", 1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="astana-talks", prog_name="astana-talks")
@click.option("--debug", is_flag=True, help="Show tracebacks of unexpected errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """A validated, typed, evidenced dataset of the Astana talks on Syria.

    \b
    Example:
        astana-talks info
    """
    ctx.obj = {"debug": debug}


FORMATS = ("table", "csv", "json")
_FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="table for people; csv or json for programs.",
)


def _cells(row: Record) -> dict[str, Any]:
    """A row for JSON, in column order: integers and booleans as themselves, every other
    value as its CSV text (partial dates as written), empty cells as null."""
    found: dict[str, Any] = {}
    for name in row.columns():
        value = getattr(row, name)
        typed = isinstance(value, (bool, int)) and not isinstance(value, Enum)
        found[name] = value if typed or value is None else render_cell(value)
    return found


def _emit(model: type[Record], rows: Iterable[Record], fmt: str) -> None:
    """Rows as JSON (a list of objects) or as the canonical CSV (header first)."""
    if fmt == "json":
        click.echo(json.dumps([_cells(r) for r in rows], ensure_ascii=False, indent=2))
    else:
        click.echo(to_csv(model, rows), nl=False)


@cli.command()
@click.argument("path", required=False, type=_Path(path_type=Path))
@_FORMAT_OPTION
def info(path: Path | None, fmt: str) -> None:
    """Show the number of rows per table, the rounds and the other meetings.

    PATH is a package folder, datapackage.json or zip; the shipped data by default.

    \b
    Example:
        astana-talks info
        astana-talks info --format json
    """
    ds = _load(path)
    if fmt == "json":
        overview = {
            "tables": {t: len(ds.table(t)) for t in ds.tables()},
            "rounds": [_cells(r) for r in ds.rounds],
            "meetings": [_cells(m) for m in ds.meetings],
        }
        click.echo(json.dumps(overview, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerows([("table", "rows"), *((t, len(ds.table(t))) for t in ds.tables())])
        click.echo(buffer.getvalue(), nl=False)
        return
    _echo("Tables:")
    width = max(len(t) for t in ds.tables())
    for table in ds.tables():
        _echo(f"  {table:<{width}}  {len(ds.table(table)):>4} rows")
    _echo("Rounds:")
    for r in ds.rounds:
        _echo(f"  {r.round_number:>3}  {_when_and_where(r)}  {r.status}  [{_sources(ds, r)}]")
    if ds.meetings:
        _echo("Other meetings:")
        width = max(len(m.meeting_id) for m in ds.meetings)
        for m in ds.meetings:
            _echo(f"  {m.meeting_id:<{width}}  {_when_and_where(m)}  {m.kind}  [{_sources(ds, m)}]")


def _dates(r: Spanning) -> str:
    if r.start_date is None:
        return "date not stated"
    text = (
        str(r.start_date)
        if r.end_date in (None, r.start_date)
        else f"{r.start_date} to {r.end_date}"
    )
    dated = {"start_date", "end_date"}
    inferred = r.inferred() & dated if isinstance(r, Inferable) else frozenset[str]()
    return text + (" (inferred)" if inferred else "")


def _when_and_where(r: Spanning) -> str:
    return f"{_dates(r):<35}  {r.city or '(city not stated)':<17}"


def _sources(ds: Dataset, r: Evidenced) -> str:
    """The row's source, and how many further sources cite it."""
    more = len({c.source_id for c in ds.citations_of(r)} - {r.source_id})
    return r.source_id + (f" +{more}" if more else "")


def _quoted(row: Evidenced) -> str:
    who = f"{row.said_by}, in " if row.said_by else ""
    return f"{who}{row.source_id}: \u201c{row.quote}\u201d"


def _meeting_details(ds: Dataset, meeting: int | str) -> None:
    delegations = ds.delegations_of(meeting)
    if delegations:
        _echo("Delegation heads:")
        for d in delegations:
            title = f", {d.title}" if d.title else ""
            _echo(f"  {ds.actor(d.actor_id).name}: {ds.actor(d.person_id).name}{title}")
    outcomes = ds.outcomes_of(meeting)
    if outcomes:
        _echo("Outcomes:")
        for o in outcomes:
            when = f" ({o.date})" if o.date else ""
            _echo(f"  {o.kind}{when}: {o.description}")
            signed = ds.signatories_of(o.outcome_id)
            if signed:
                names = ", ".join(
                    ds.actor(s.actor_id).name
                    + (f" ({ds.actor(s.person_id).name})" if s.person_id else "")
                    for s in signed
                )
                _echo(f"    signed by: {names}")
            _echo(f"    source: {_quoted(o)}")


def _disputes_of(ds: Dataset, rows: Iterable[Record]) -> None:
    found = [d for row in rows for d in ds.disputes_of(row)]
    if found:
        _echo("Disputed:")
        for d in found:
            _echo(f"  {d.table_name} {d.record} {d.field}: uses {d.value_used} ({d.reason})")
            for c in ds.claims_of(d.dispute_id):
                _echo(f"    {c.value}: {_quoted(c)}")


@cli.group()
def show() -> None:
    """Show one record in detail.

    \b
    Example:
        astana-talks show round 21
    """


_PATH_OPTION = click.option(
    "--path", type=_Path(path_type=Path), help="A package to read instead of the shipped data."
)


def _related(ds: Dataset, meeting: int | str) -> dict[str, list[dict[str, str | None]]]:
    """The rows of one meeting in the tables that belong to a meeting."""
    found = {
        "delegations": [_cells(d) for d in ds.delegations_of(meeting)],
        "outcomes": [_cells(o) for o in ds.outcomes_of(meeting)],
    }
    if isinstance(meeting, int):
        found["participants"] = [_cells(p) for p in ds.participants_of(meeting)]
        found["agenda_items"] = [_cells(a) for a in ds.agenda_of(meeting)]
    return found


def _structured(record: Record, related: dict[str, Any], fmt: str) -> None:
    """``show ... --format json|csv``: the record with its related rows (JSON), or the
    record alone (CSV)."""
    if fmt == "json":
        click.echo(json.dumps({**_cells(record), **related}, ensure_ascii=False, indent=2))
    else:
        _emit(type(record), [record], "csv")


@show.command("round")
@click.argument("number", type=int)
@_PATH_OPTION
@_FORMAT_OPTION
def show_round(number: int, path: Path | None, fmt: str) -> None:
    """Show a round: dates, place, participants by role, delegation heads, agenda,
    outcomes and disputed values, each with its source.

    \b
    Example:
        astana-talks show round 4
    """
    ds = _load(path)
    try:
        r = ds.round(number)
    except UnknownKeyError as error:
        numbers = [r.round_number for r in ds.rounds]
        known = f" (rounds: {min(numbers)}-{max(numbers)})" if numbers else " (no rounds)"
        _fail(f"{error.args[0]}{known}", 2)
    if fmt != "table":
        _structured(r, _related(ds, number), fmt)
        return
    host = ds.actor(r.host).name if r.host else "not stated"
    _echo(f"Round {r.round_number} ({r.status})")
    _echo(f"  dates: {_dates(r)}")
    _echo(f"  place: {r.city or '(city not stated)'}, {r.country or '?'}; host: {host}")
    _echo(f"  source: {_quoted(r)}")
    _echo("Participants:")
    participants = ds.participants_of(number)
    for role in ("host", "guarantor", "party", "observer"):
        people = [p for p in participants if p.role.value == role]
        if people:
            names = ", ".join(f"{ds.actor(p.actor_id).name} ({p.attendance})" for p in people)
            _echo(f"  {role}: {names}")
    _meeting_details(ds, number)
    agenda = ds.agenda_of(number)
    if agenda:
        _echo("Agenda:")
        for item in agenda:
            star = " [most prominent]" if item.most_prominent else ""
            _echo(f"  {item.item_number}. {item.description} ({item.topic}){star}")
    _disputes_of(ds, [r, *participants, *ds.delegations_of(number), *ds.outcomes_of(number)])


@show.command("meeting")
@click.argument("meeting_id")
@_PATH_OPTION
@_FORMAT_OPTION
def show_meeting(meeting_id: str, path: Path | None, fmt: str) -> None:
    """Show a meeting in the Astana format that has no round number (a summit, the
    foreign ministers in Doha): dates, place, delegation heads, outcomes.

    \b
    Example:
        astana-talks show meeting doha-2024-12-07
    """
    ds = _load(path)
    try:
        m = ds.meeting(meeting_id)
    except UnknownKeyError as error:
        known = ", ".join(x.meeting_id for x in ds.meetings)
        _fail(f"{error.args[0]} (meetings: {known})", 2)
    if fmt != "table":
        _structured(m, _related(ds, meeting_id), fmt)
        return
    _echo(f"{m.description} ({m.kind}, {m.status})")
    _echo(f"  dates: {_dates(m)}")
    _echo(f"  place: {m.city or '(city not stated)'}, {m.country or '?'}")
    _echo(f"  source: {_quoted(m)}")
    _meeting_details(ds, meeting_id)
    _disputes_of(ds, [m, *ds.delegations_of(meeting_id), *ds.outcomes_of(meeting_id)])


def _lookup(ds: Dataset, table: str, key: str) -> Record:
    """The row of a one-column-key table with key ``key``; exits 2 naming the nearest."""
    rows = {str(r.key()[0]): r for r in ds.table(table)}
    if key in rows:
        return rows[key]
    near = closest(key, rows)
    hint = f"; did you mean {near!r}?" if near else ""
    _fail(f"no {table[:-1]} {key!r}{hint} (list them: astana-talks list {table})", 2)


def _fields(row: Record) -> None:
    width = max(len(name) for name in row.columns())
    for name, value in _cells(row).items():
        if value is not None:
            _echo(f"  {name:<{width}}  {value}")


@show.command("actor")
@click.argument("actor_id")
@_PATH_OPTION
@_FORMAT_OPTION
def show_actor(actor_id: str, path: Path | None, fmt: str) -> None:
    """Show an actor: its row, every name the sources use for it, the rounds it took
    part in and the delegations its people headed. ACTOR_ID may also be a name
    ("Ankara", "Lavrentiev").

    \b
    Example:
        astana-talks show actor turkiye
        astana-talks show actor Lavrentiev --format json
    """
    ds = _load(path)
    actor = ds.get_actor(actor_id)
    if actor is None:
        try:
            actor = ds.resolve_actor(actor_id)
        except UnknownKeyError:
            _lookup(ds, "actors", actor_id)  # exits, naming the nearest id
            raise
    names = [n for n in ds.actor_names if n.actor_id == actor.actor_id]
    taking_part = [p for p in ds.participants if p.actor_id == actor.actor_id]
    heading = [d for d in ds.delegations if actor.actor_id in (d.actor_id, d.person_id)]
    if fmt != "table":
        related = {
            "names": [_cells(n) for n in names],
            "participants": [_cells(p) for p in taking_part],
            "delegations": [_cells(d) for d in heading],
        }
        _structured(actor, related, fmt)
        return
    _echo(f"{actor.name} ({actor.actor_id})")
    _fields(actor)
    if names:
        _echo("Names in the sources: " + ", ".join(sorted({n.name for n in names})))
    by_role: dict[str, list[str]] = {}
    for p in taking_part:
        by_role.setdefault(f"{p.role} ({p.attendance})", []).append(str(p.round_number))
    for role, numbers in by_role.items():
        _echo(f"Rounds as {role}: {', '.join(numbers)}")
    for d in heading:
        where = f"round {d.round_number}" if d.round_number else d.meeting_id
        _echo(f"Delegation: {where}: {ds.actor(d.person_id).name} for {ds.actor(d.actor_id).name}")


@show.command("source")
@click.argument("source_id")
@_PATH_OPTION
@_FORMAT_OPTION
def show_source(source_id: str, path: Path | None, fmt: str) -> None:
    """Show a source: where it was published and read, and how many rows cite it.

    \b
    Example:
        astana-talks show source dailysabah-2024-01-astana-21
    """
    ds = _load(path)
    source = _lookup(ds, "sources", source_id)
    citing = {
        t: sum(getattr(r, "source_id", None) == source_id for r in ds.table(t))
        for t in ds.tables()
        if t != "sources"
    }
    if fmt != "table":
        _structured(source, {"rows_citing": {t: n for t, n in citing.items() if n}}, fmt)
        return
    _echo(source_id)
    _fields(source)
    _echo("Rows citing it: " + ", ".join(f"{t} {n}" for t, n in citing.items() if n))


@show.command("event")
@click.argument("event_id")
@_PATH_OPTION
@_FORMAT_OPTION
def show_event(event_id: str, path: Path | None, fmt: str) -> None:
    """Show an event with its further citations.

    \b
    Example:
        astana-talks show event tumysh-calls-for-end
    """
    ds = _load(path)
    event = _lookup(ds, "events", event_id)
    cited = ds.citations_of(event)
    if fmt != "table":
        _structured(event, {"citations": [_cells(c) for c in cited]}, fmt)
        return
    _echo(event_id)
    _fields(event)
    for c in cited:
        _echo(f"Also: {c.note or ''} ({_quoted(c)})")


@cli.command("list")
@click.argument("table")
@_PATH_OPTION
@_FORMAT_OPTION
def list_command(table: str, path: Path | None, fmt: str) -> None:
    """List the rows of TABLE (rounds, actors, sources, ...): key and main columns as a
    table, or every column as CSV or JSON.

    \b
    Example:
        astana-talks list meetings
        astana-talks list participants --format csv > participants.csv
    """
    ds = _load(path)
    if table not in ds.tables():
        near = closest(table, ds.tables())
        hint = f"; did you mean {near!r}?" if near else ""
        _fail(f"no table {table!r}{hint} (tables: {', '.join(ds.tables())})", 2)
    rows = ds.table(table)
    if fmt != "table":
        _emit(TABLES[table], rows, fmt)
        return
    model = TABLES[table]
    shown = (
        list(model.primary_key)
        + [
            c
            for c in ("name", "kind", "start_date", "city", "status", "description", "publisher")
            if c in model.columns() and c not in model.primary_key
        ][:3]
    )
    texts = [{n: render_cell(getattr(r, n)) for n in shown} for r in rows]
    cells = [[row[c][:48] for c in shown] for row in texts]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(shown)]
    _echo("  ".join(c.ljust(w) for c, w in zip(shown, widths, strict=True)).rstrip())
    for row in cells:
        _echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


@cli.command()
@_PATH_OPTION
@_FORMAT_OPTION
def disputes(path: Path | None, fmt: str) -> None:
    """List the values the sources disagree on: the value used, why, and each claim
    with its source (as JSON: each dispute with its claims; as CSV: the claims).

    \b
    Example:
        astana-talks disputes
        astana-talks disputes --format json
    """
    ds = _load(path)
    if fmt == "json":
        found = [
            {**_cells(d), "claims": [_cells(c) for c in ds.claims_of(d.dispute_id)]}
            for d in ds.disputes
        ]
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        _emit(TABLES["claims"], ds.claims, "csv")
        return
    for d in ds.disputes:
        _echo(f"{d.dispute_id}: {d.table_name} {d.record} {d.field}")
        _echo(f"  uses {d.value_used}: {d.reason}")
        for c in ds.claims_of(d.dispute_id):
            _echo(f"    {c.value}  {_quoted(c)}")


@cli.command()
@click.argument("paths", nargs=-1, type=_Path(path_type=Path))
@click.option("--table", help="The table of a single CSV file whose name does not say it.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for programs (report.schema.json), github for Actions.",
)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many problems.")
@click.option(
    "--output",
    type=_Path(dir_okay=False, path_type=Path),
    help="Also write the JSON report to this file (atomically).",
)
@click.option("--max-zip-bytes", type=click.IntRange(min=1), help="Zip: most uncompressed bytes.")
@click.option("--max-zip-ratio", type=click.IntRange(min=1), help="Zip: highest compression ratio.")
@click.option("--max-zip-members", type=click.IntRange(min=1), help="Zip: most members.")
@click.option("--max-cell-chars", type=click.IntRange(min=1), help="Longest cell in characters.")
def validate(
    paths: tuple[Path, ...],
    table: str | None,
    fmt: str,
    strict: bool,
    limit: int | None,
    output: Path | None,
    max_zip_bytes: int | None,
    max_zip_ratio: int | None,
    max_zip_members: int | None,
    max_cell_chars: int | None,
) -> None:
    """Validate a contribution and report every problem with file, row and column.

    PATHS are CSV files (each named after its table, e.g. participants.csv), a
    folder of them, a datapackage.json, a package folder or a zip; with none, the
    shipped data. Lone tables are checked against the dataset's schemas, and their
    references resolve against the contribution plus the shipped data.
    Exit 0 when valid, 1 when the data is invalid, 2 when input cannot be used.

    \b
    Example:
        astana-talks validate participants.csv rounds.csv
        astana-talks validate --format json contribution/ > report.json
    """
    given = {
        "zip_bytes": max_zip_bytes,
        "zip_ratio": max_zip_ratio,
        "zip_members": max_zip_members,
        "cell_chars": max_cell_chars,
    }
    limits = Limits(**{k: v for k, v in given.items() if v is not None})
    _lean_process()
    if output is not None:
        clash = _overwrites_input(output, paths)
        if clash is not None:
            _fail(f"--output {output} {clash}; write the report elsewhere", 2)
    report = validate_package(*paths, table=table, limits=limits)
    if fmt == "json":
        for piece in report.json_pieces(limit):  # never the whole text at once
            sys.stdout.write(piece)
        sys.stdout.write("\n")
    elif fmt == "github":
        click.echo(github(report, limit), nl=False)
    else:
        click.echo(human(report, limit, _style), nl=False)  # the result: stdout, valid or not
    if output is not None:
        from .generate import write_atomically

        try:
            write_atomically(output, report.to_json() + "\n")
        except OSError as error:
            _fail(f"cannot write the report to {output}: {error.strerror or error}", 2)
    _ending.quickly = True
    sys.exit(_status(report, strict))


def _lean_process() -> None:
    """Set up this process for validating: tell pyarrow that pandas is absent (it
    imports pandas, 0.3-0.5 s and 50 MB, the first time it converts a Python value,
    only to ask whether the value is a pandas object; pyarrow supports running without
    it), and have Arrow allocate with jemalloc told to give memory back as soon as it
    is freed (its default keeps it for a while: 100-200 MB more at a million rows; the
    system allocator gives it back, but fragmented among numpy's: 40 MB more), or with
    the system allocator where pyarrow has no jemalloc. The command ends when the
    report is written."""
    if "pandas" not in sys.modules:
        sys.meta_path.insert(0, _NoPandas())
    import pyarrow as pa

    try:
        pa.jemalloc_set_decay_ms(0)
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except NotImplementedError:  # a pyarrow built without jemalloc (Windows)
        pa.set_memory_pool(pa.system_memory_pool())


class _NoPandas(importlib.abc.MetaPathFinder):
    """An import finder that finds no pandas (pyarrow then works without it)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


def _overwrites_input(output: Path, paths: tuple[Path, ...]) -> str | None:
    """Why writing the report to ``output`` would change an input, or None."""
    target = output.resolve()
    for given in paths:
        path = given.resolve()
        if target == path:
            return "is one of the inputs"
        folder = path.parent if path.name == "datapackage.json" else path
        if folder.is_dir() and target.is_relative_to(folder):
            inside = target.relative_to(folder)
            if (
                inside.parts[:1] == ("data",)
                or inside.name == "datapackage.json"
                or (len(inside.parts) == 1 and target.suffix.lower() == ".csv")
            ):
                return f"would write into the data of the package {given}"
    return None


def _style(text: str, kind: str) -> str:
    colours = {"error": "red", "warning": "yellow"}
    return click.style(text, fg=colours.get(kind), bold=kind == "file")


def _status(report: Report, strict: bool) -> int:
    if not report.usable:
        return 2
    if not report.valid or (strict and report.warnings):
        return 1
    return 0


@cli.command("diff")
@click.argument("paths", nargs=-1, required=True, type=_Path(path_type=Path))
@click.option("--table", help="The table of a single CSV file whose name does not say it.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def diff_command(paths: tuple[Path, ...], table: str | None, fmt: str) -> None:
    """Show the rows a contribution adds, changes (field by field) and removes.

    With one PATH, against the shipped data; with two, from the first to the
    second. Rows are matched by primary key; a given table is compared whole.

    \b
    Example:
        astana-talks diff participants.csv
        astana-talks diff old-release.zip new-release.zip
    """
    if len(paths) > 2:
        raise click.UsageError("give one path (compared with the shipped data) or two (old, new)")
    try:
        changes = diff(*paths, table=table)
    except UnreadableInputError as error:
        _fail(str(error.problem), 2)
    except InvalidDataError as error:
        click.echo(human(error.report, style=_style), nl=False, err=True)
        _fail("these problems make a diff unreliable: fix them first", 1)
    if fmt == "json":
        click.echo(changes.to_json())
    else:
        _echo(str(changes), nl=False)


def _refuse_out_in_data(out: Path, package: Path | None, verb: str) -> None:
    """Exit 2 when ``out`` lies in the data of ``package``: never write into an input."""
    if package is not None:
        folder = (package if package.is_dir() else package.parent).resolve()
        if out.resolve().is_relative_to(folder / "data"):
            _fail(f"--out {out} is inside the data of the package {package}; {verb} elsewhere", 2)


@cli.command("build")
@click.argument("path", required=False, type=_Path(path_type=Path))
@click.option(
    "--out",
    type=_Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="Where to write the release.",
)
@click.option(
    "--previous",
    type=_Path(exists=True, path_type=Path),
    help="The previous release (zip or package): compared with its own schemas, its "
    "diff goes into the changelog, and the version must move as far as the changes need.",
)
@click.option(
    "--changelog",
    type=_Path(exists=True, dir_okay=False, path_type=Path),
    help="The maintainers' CHANGELOG.md, whose history follows this version's "
    "generated section (none by default).",
)
def build_command(
    path: Path | None, out: Path, previous: Path | None, changelog: Path | None
) -> None:
    """Build a release: zip data package, Parquet, SQLite (+ Datasette metadata),
    DuckDB, JSON, an XLSX workbook, a static site (as astana-talks site writes).

    PATH is a package to publish; the shipped data by default. The build validates
    what it wrote and refuses to publish invalid data (exit 1), leaving nothing behind.
    The same data gives the same bytes, wherever astana-talks is installed: the
    release's date is SOURCE_DATE_EPOCH, else the latest day a source was read.

    \b
    Example:
        astana-talks build --out dist
        astana-talks build --out dist --previous astana-talks-0.1.0.zip --changelog CHANGELOG.md
    """
    from .build import BuildError, BuildSetupError, build

    _refuse_out_in_data(out, path, "build")
    try:
        release = build(path, out, previous, changelog)
    except UnreadableInputError as error:
        _fail(str(error.problem), 2)
    except BuildSetupError as error:
        _fail(str(error), 2)
    except BuildError as error:
        if error.report.problems:
            click.echo(human(error.report, style=_style), nl=False, err=True)
        _fail(f"{error}: the release was not built", 1)
    except OSError as error:
        where = error.filename or out
        _fail(f"cannot write the release to {where}: {error.strerror or error}", 2)
    click.echo(f"wrote {release.zip}")
    click.echo(
        f"wrote {release.folder}/ "
        "(parquet/, json/, astana-talks.xlsx, astana-talks.db, astana-talks.duckdb, metadata.json, "
        "site/)"
    )


@cli.command("site")
@click.option(
    "--out",
    type=_Path(file_okay=False, path_type=Path),
    default=Path("site"),
    show_default=True,
    help="The folder to write the site into: new, empty, or a site written before.",
)
@click.option(
    "--package",
    type=_Path(path_type=Path),
    help="A package to show instead of the shipped data (validated first).",
)
def site_command(out: Path, package: Path | None) -> None:
    """Write a static site: a timeline of the rounds, who attended when, agenda topics,
    a page per round, meeting and actor with every value's quote and source, the
    disputes, the codebook. Open its index.html from disk or host the folder anywhere:
    no server, no network, no JavaScript needed.

    An invalid PACKAGE is reported on stdout (exit 1); an unreadable one, or an --out
    that exists and is not a site written by astana-talks, is an error (exit 2).

    \b
    Example:
        astana-talks site --out site && chromium site/index.html
        astana-talks site --out contribution-site --package contribution/
    """
    _refuse_out_in_data(out, package, "write the site")
    if package is None:
        ds = load()
    else:
        try:
            ds = load(package)
        except UnreadableInputError as error:
            _fail(str(error.problem), 2)
        except InvalidDataError as error:
            click.echo(human(error.report, style=_style), nl=False)
            sys.exit(1)
    from .site import SiteTargetError, render, write

    try:
        written = write(render(ds), out)
    except SiteTargetError as error:
        _fail(str(error), 2)
    except OSError as error:
        _fail(f"cannot write the site to {error.filename or out}: {error.strerror or error}", 2)
    click.echo(f"wrote {written}/; open {written / 'index.html'}")


class _Ending:
    """Whether the process may end without tearing the interpreter down."""

    quickly = False


_ending = _Ending()


def main() -> None:
    """Entry point: run the CLI, turning unexpected errors into exit 2 without a traceback.

    ``validate`` ends the process as soon as its report is out: freeing a million rows'
    columns and problems one object at a time, only to exit, took 0.05-0.1 s."""
    debug = "--debug" in sys.argv[1:]
    _ending.quickly = False  # set by this run's validate only, never by an earlier one
    try:
        cli.main(prog_name="astana-talks", standalone_mode=True)
    except SystemExit as done:
        if _ending.quickly:
            sys.stdout.flush()
            sys.stderr.flush()
            code = done.code
            os._exit(code if isinstance(code, int) else 0 if code is None else 1)
        raise
    except Exception as error:  # the last line of defence: never a traceback by default
        if debug:
            traceback.print_exc()
        _fail(f"unexpected error: {error!r} (rerun as astana-talks --debug ... for a traceback)", 2)
