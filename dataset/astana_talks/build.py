"""Publishing: a reproducible release of the data package, self-checked before it lands.

``build()`` writes, into ``out``:

* ``astana-talks-<version>.zip``: the Data Package (descriptor with ``bytes`` and
  ``hash`` per resource, CSVs, Table Schemas, source texts, codebook, changelog,
  citation, schema.org JSON-LD);
* ``astana-talks-<version>/``: the same tables as typed Parquet (with the pandas
  dtypes of :meth:`Dataset.frame`), a SQLite database with keys and indexes plus a
  Datasette ``metadata.json``, a DuckDB database with ENUM types (see
  :mod:`astana_talks.duckdb_release`), JSON, a spreadsheet workbook (XLSX, see
  :mod:`astana_talks.workbook`), a static site (``site/``, see
  :mod:`astana_talks.site`), and the same changelog, citation and JSON-LD.

A release depends only on the build's inputs: the data, ``SOURCE_DATE_EPOCH`` (else
the latest day a source was read, from the data), the ``--previous`` release and the
``--changelog`` file. Never on the clock, git or where the code is installed: the
same data gives the same bytes from a checkout or a wheel. Everything is written to
a temporary folder beside ``out``, validated (by our validator and by Frictionless),
then moved into place by renames; a failed build leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cells import parse_cell
from .changes import Diff, compare
from .duckdb_release import write_duckdb
from .frames import to_frame
from .generate import citation_cff, codebook, package_descriptor
from .load import records_of
from .models import MODELS, Record, Source
from .package import SEMVER, read_regular_file
from .problems import InvalidDataError, Problem, Report, UnreadableInputError
from .reading import CsvTable, texts
from .schemas import columns, table_schema
from .validation import Contribution, canonical, check, gather
from .versions import (
    SchemaChange,
    check_version,
    frictionless_problems,
    read_previous,
    rekeyed,
    required_bump,
    schema_changes,
)
from .workbook import workbook

if TYPE_CHECKING:
    import pyarrow as pa

NAME = "astana-talks"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class BuildError(Exception):
    """The build refused to publish; the message, and ``report`` if any, say why."""

    def __init__(self, message: str, report: Report | None = None) -> None:
        self.report = report if report is not None else Report()
        super().__init__(message)


class BuildSetupError(Exception):
    """The build cannot run as set up: a malformed ``SOURCE_DATE_EPOCH``."""


@dataclass(frozen=True)
class Release:
    """What a build wrote."""

    version: str
    zip: Path
    folder: Path
    changes: Diff
    schema_changes: tuple[SchemaChange, ...] = ()


# -- inputs ----------------------------------------------------------------------


def _version(given: Contribution) -> str:
    """The version a package's descriptor gives, else the Python package's; it names
    the release files, so it must be MAJOR.MINOR.PATCH (no path can hide in it)."""
    from . import __version__

    for reader in given.roots:
        descriptor = reader.descriptor or {}
        if "version" in descriptor:
            version = descriptor["version"]
            if not isinstance(version, str) or not SEMVER.fullmatch(version):
                raise BuildError(
                    f"{reader.label}: the descriptor's version {version!r} is not MAJOR.MINOR.PATCH"
                )
            return version
    return __version__


def created(sources: list[Source]) -> dt.datetime:
    """When the data was last checked, from the build's inputs only: ``SOURCE_DATE_EPOCH``
    when set, else the latest day a source was read (``sources.accessed``; a month or
    a year counts as its first day), at midnight UTC. Never the clock, never git."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            if not (epoch.isascii() and epoch.isdigit()):
                raise ValueError(epoch)
            return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        except (ValueError, OverflowError, OSError) as error:
            raise BuildSetupError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970-01-01"
            ) from error
    latest = max((s.accessed.earliest() for s in sources), default=dt.date(1980, 1, 1))
    return dt.datetime(latest.year, latest.month, latest.day, tzinfo=dt.timezone.utc)


def _records(given: Contribution) -> dict[str, list[Record]]:
    """Every validated table as records (no row left out: a row the models reject
    stops the build)."""
    return {model.table: list(records_of(given.tables[model.table])) for model in MODELS}


# -- writers ---------------------------------------------------------------------


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def json_ld(descriptor: dict[str, Any], files: list[str]) -> dict[str, Any]:
    """A schema.org ``Dataset`` for dataset search engines."""
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": descriptor["title"],
        "description": descriptor["description"],
        "version": descriptor["version"],
        "dateModified": descriptor["created"],
        "license": descriptor["licenses"][0]["path"],
        "keywords": descriptor["keywords"],
        "creator": {"@type": "Organization", "name": "astana-talks maintainers"},
        "isBasedOn": [s["path"] for s in descriptor["sources"]],
        "temporalCoverage": "2011/..",
        "spatialCoverage": {"@type": "Place", "name": "Syria"},
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": kind, "contentUrl": name}
            for name, kind in (
                (f, "application/zip" if f.endswith(".zip") else "text/csv") for f in files
            )
        ],
        "variableMeasured": [
            {"@type": "PropertyValue", "name": f"{m.table}.{c.name}", "description": c.description}
            for m in MODELS
            for c in columns(m)
        ],
    }


def _zip(members: dict[str, bytes], target: Path) -> None:
    with zipfile.ZipFile(target, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, members[name], compresslevel=9)


def typed_table(model: type[Record], t: CsvTable) -> pa.Table:
    """``model``'s table typed from the validated CSV text: integers ``int64``,
    booleans ``bool``, vocabularies dictionary-encoded with the whole vocabulary as
    the dictionary (in its order), text ``string``; descriptions, formats and allowed
    values in the field metadata; and the pandas metadata that makes
    ``pd.read_parquet`` give the dtypes of :meth:`Dataset.frame` (``Int64``,
    ``boolean``, ``category``, ``string``)."""
    import pyarrow as pa

    arrays, fields = [], []
    for column in columns(model):
        # the one conversion from text (cells.parse_cell), then the Arrow type
        typed = [parse_cell(column, text)[0] for text in texts(t.column(column.name))]
        values: pa.Array[Any]
        if column.datatype == "integer":
            values = pa.array(typed, pa.int64())
        elif column.datatype == "boolean":
            values = pa.array(typed, pa.bool_())
        elif column.enum is not None:
            vocabulary = pa.array(column.enum, pa.string())
            position = {value: index for index, value in enumerate(column.enum)}
            codes = pa.array([None if v is None else position[v] for v in typed], pa.int32())
            values = pa.DictionaryArray.from_arrays(codes, vocabulary)
        else:
            values = pa.array(typed, pa.string())
        metadata = {"description": column.description}
        if column.partial_date:
            metadata["format"] = (
                "partial-date: YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source"
            )
        if column.enum is not None:
            metadata["enum"] = json.dumps(list(column.enum))
        fields.append(
            pa.field(column.name, values.type, nullable=not column.required, metadata=metadata)
        )
        arrays.append(values)
    schema = pa.schema(
        fields, metadata={"table": model.table, "primary_key": json.dumps(model.primary_key)}
    )
    # the pandas metadata depends on the dtypes only: take it from an empty frame
    pandas = pa.Table.from_pandas(to_frame(model, []), schema=schema, preserve_index=False)
    return pa.Table.from_arrays(arrays, schema=pandas.schema)


def _parquet(table: pa.Table, target: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(table, target, compression="zstd")


def _sqlite(given: Contribution, target: Path) -> None:
    connection = sqlite3.connect(target)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        for model in MODELS:
            definitions = []
            for column in columns(model):
                kind = {"integer": "INTEGER", "boolean": "INTEGER"}.get(column.datatype, "TEXT")
                rule = " NOT NULL" if column.required else ""
                if column.enum:
                    allowed = ", ".join(f"'{v}'" for v in column.enum)
                    rule += f" CHECK ({column.name} IN ({allowed}))"
                if column.datatype == "boolean":
                    rule += f" CHECK ({column.name} IN (0, 1))"
                definitions.append(f'"{column.name}" {kind}{rule}')
            definitions.append(f"PRIMARY KEY ({', '.join(model.primary_key)})")
            for name, target_table in model.foreign_keys.items():
                (key,) = next(m for m in MODELS if m.table == target_table).primary_key
                definitions.append(f'FOREIGN KEY ("{name}") REFERENCES {target_table} ("{key}")')
            connection.execute(
                f"CREATE TABLE {model.table} (\n  " + ",\n  ".join(definitions) + "\n)"
            )
            for name in model.foreign_keys:
                connection.execute(
                    f'CREATE INDEX idx_{model.table}_{name} ON {model.table} ("{name}")'
                )
            rows = []
            for cells in given.tables[model.table].rows():
                row: list[Any] = []
                for column in columns(model):
                    text = cells[column.name]
                    if text == "":
                        row.append(None)
                    elif column.datatype == "integer":
                        row.append(int(text))
                    elif column.datatype == "boolean":
                        row.append(1 if text == "true" else 0)
                    else:
                        row.append(text)
                rows.append(row)
            marks = ", ".join("?" for _ in columns(model))
            connection.executemany(f"INSERT INTO {model.table} VALUES ({marks})", rows)
        connection.commit()
        connection.execute("VACUUM")
    finally:
        connection.close()


def datasette_metadata(descriptor: dict[str, Any]) -> dict[str, Any]:
    """Datasette ``metadata.json``: titles, descriptions, license and source."""
    license_ = descriptor["licenses"][0]
    source = descriptor["sources"][0] if descriptor["sources"] else {"title": "", "path": ""}
    return {
        "title": descriptor["title"],
        "description": descriptor["description"],
        "license": license_["name"],
        "license_url": license_["path"],
        "source": source["title"],
        "source_url": source["path"],
        "databases": {
            NAME: {
                "tables": {
                    model.table: {
                        "title": model.table_title,
                        "description": (model.__doc__ or "").strip(),
                        "columns": {c.name: c.description for c in columns(model)},
                    }
                    for model in MODELS
                }
            }
        },
    }


def _table_json(model: type[Record], t: CsvTable) -> bytes:
    found = columns(model)
    rows = [{c.name: parse_cell(c, cells[c.name])[0] for c in found} for cells in t.rows()]
    return _json(rows)


def changelog_text(
    version: str,
    day: dt.date,
    changes: Diff,
    previous: str | None,
    history: str,
    schema: tuple[SchemaChange, ...] = (),
) -> str:
    """The release's CHANGELOG.md: this version's section (schema changes and the data
    diff), then the maintainers' ``history``."""
    lines = [f"## {version} ({day.isoformat()})", ""]
    if previous is None:
        lines += ["First release built by `astana-talks build`; no previous release was given.", ""]
    if schema:
        lines += [f"Schema changes since {previous}:", ""]
        lines += [f"- {change}" for change in schema]
        lines += [
            f"- `{table}`: rows not compared, their key changed"
            for table in sorted(rekeyed(schema))
        ]
        lines.append("")
    if previous is not None and not changes.changes:
        lines += [f"No data changes since {previous}.", ""]
    elif changes.changes:
        lines += [f"Data changes since {previous}:", ""]
        for table, kinds in changes.counts().items():
            lines.append(
                f"- `{table}`: " + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
            )
        lines += ["", "```diff", str(changes).rstrip(), "```", ""]
    sections = re.split(r"(?m)^(?=## )", history)
    header = re.compile(rf"## {re.escape(version)}(\s|$)")
    mine = [s for s in sections if header.match(s)]
    if mine:  # the maintainers' notes for this version follow the generated diff
        lines += [mine[0].split("\n", 1)[1].strip() if "\n" in mine[0] else "", ""]
    older = [s for s in sections if s.startswith("## ") and s not in mine]
    return "# Changelog\n\n" + "\n".join(lines) + "".join(f"\n{s.rstrip()}\n" for s in older)


# -- build -----------------------------------------------------------------------


def _history(path: Path | None) -> str:
    """The maintainers' changelog named by ``--changelog`` (none by default): a regular
    file (not a pipe or a folder) of UTF-8 text, or :class:`UnreadableInputError`."""
    if path is None:
        return ""
    data = read_regular_file(path, str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problem = Problem.of("encoding-error", offset=error.start, byte="", file=str(path))
        raise UnreadableInputError(problem) from error


def _compare(
    given: Contribution, previous: Path, descriptor: dict[str, Any]
) -> tuple[str, tuple[SchemaChange, ...], Diff]:
    """The previous release's version, the schema changes and the row changes since."""
    try:
        prior = read_previous(previous)
    except InvalidDataError as error:
        raise BuildError(f"the previous release {previous} is invalid", error.report) from error
    schema = schema_changes(prior.descriptor, descriptor)
    skipped = rekeyed(schema)
    comparable = Contribution(tables={t: c for t, c in given.tables.items() if t not in skipped})
    return str(prior.descriptor["version"]), schema, compare(prior.contribution, comparable)


def build(
    path: str | Path | None = None,
    out: str | Path = "dist",
    previous: str | Path | None = None,
    changelog: str | Path | None = None,
) -> Release:
    """Build a release of the canonical data (or of ``path``) into ``out``.

    ``previous`` is the last release, compared with this one for the version policy
    and the changelog; ``changelog`` the maintainers' CHANGELOG.md, whose history
    follows this version's generated section.

    Raises :class:`BuildError` (with a report) when the data is invalid, when the
    version does not move as far past ``previous`` as the changes need, or when the
    self-check of what was written fails; :class:`BuildSetupError` when
    ``SOURCE_DATE_EPOCH`` is malformed; nothing is left in ``out`` then.
    """
    source_path = Path(path) if path is not None else None
    given = canonical() if source_path is None else gather([source_path])
    if not given.complete:
        raise BuildError(
            f"{source_path} is not a data package: build a folder with a datapackage.json, "
            "a datapackage.json or a zip"
        )
    report = check(given)
    if not report.valid:
        raise BuildError("the data is invalid", report)
    missing = [m.table for m in MODELS if m.table not in given.tables]
    if missing:
        problems = [Problem.of("missing-table", note=f"no table {t}", table=t) for t in missing]
        raise BuildError("the package lacks tables", Report.of(problems))
    version = _version(given)
    records = _records(given)
    sources = [r for r in records["sources"] if isinstance(r, Source)]
    when = created(sources)
    history = _history(Path(changelog) if changelog is not None else None)

    descriptor = package_descriptor(sources)
    old_version, schema, changes = None, tuple[SchemaChange, ...](), Diff(())
    if previous is not None:
        old_version, schema, changes = _compare(given, Path(previous), descriptor)
        reason = check_version(old_version, version, required_bump(schema, changes))
        if reason is not None:
            raise BuildError(f"version policy: {reason}")

    descriptor["version"] = version
    descriptor["created"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    csvs: dict[str, bytes] = {}
    [package] = given.roots  # a package: its descriptor says where each table was read
    for model, resource in zip(MODELS, descriptor["resources"], strict=True):
        data = package.read(package.table_path(model.table))  # the bytes validated
        csvs[resource["path"]] = data
        resource["bytes"] = len(data)
        resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    texts = {s.text_file: _member_bytes(given, s.text_file) for s in sources if s.text_file}
    log = changelog_text(version, when.date(), changes, old_version, history, schema)
    cff = citation_cff(version, when.date()).encode("utf-8")
    zip_name = f"{NAME}-{version}.zip"
    ld = _json(json_ld(descriptor, [zip_name, *[r["path"] for r in descriptor["resources"]]]))
    members = {
        "datapackage.json": _json(descriptor),
        **csvs,
        **texts,
        "codebook.md": codebook(records).encode("utf-8"),
        "CHANGELOG.md": log.encode("utf-8"),
        "CITATION.cff": cff,
        "dataset.jsonld": ld,
    }
    members.update({f"schemas/{m.table}.json": _json(table_schema(m)) for m in MODELS})

    target = Path(out)
    made = [f for f in (target, *target.parents) if not f.exists()]  # to undo on failure
    target.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".astana-talks-build-", dir=target))
    built = False
    try:
        folder = work / f"{NAME}-{version}"
        (folder / "parquet").mkdir(parents=True)
        (folder / "json").mkdir()
        archive = work / zip_name
        _zip(members, archive)
        typed = {m.table: typed_table(m, given.tables[m.table]) for m in MODELS}
        for model in MODELS:
            _parquet(typed[model.table], folder / "parquet" / f"{model.table}.parquet")
            (folder / "json" / f"{model.table}.json").write_bytes(
                _table_json(model, given.tables[model.table])
            )
        (folder / f"{NAME}.xlsx").write_bytes(workbook(records, when.replace(tzinfo=None)))
        _sqlite(given, folder / f"{NAME}.db")
        _duckdb(typed, folder / f"{NAME}.duckdb")
        (folder / "metadata.json").write_bytes(_json(datasette_metadata(descriptor)))
        (folder / "CHANGELOG.md").write_bytes(log.encode("utf-8"))
        (folder / "CITATION.cff").write_bytes(cff)
        (folder / "dataset.jsonld").write_bytes(ld)
        _site(records, folder / "site")
        self_check(archive, folder, {t: len(c) for t, c in given.tables.items()})
        final_zip, final_folder = target / zip_name, target / folder.name
        if final_folder.exists():
            shutil.rmtree(final_folder)
        os.replace(folder, final_folder)
        os.replace(archive, final_zip)
        built = True
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not built:
            for folder_made in made:  # the folders this build created, innermost first
                if folder_made.is_dir() and not any(folder_made.iterdir()):
                    folder_made.rmdir()
    return Release(version, final_zip, final_folder, changes, schema)


def _site(records: dict[str, list[Record]], target: Path) -> None:
    """The static site of the release's data (see :mod:`astana_talks.site`), written only
    when every link inside it leads to a page and an anchor that exist."""
    from .dataset import Dataset
    from .site import broken_links, render, write

    tables: dict[str, Any] = {name: tuple(records[name]) for name in Dataset.tables()}
    files = render(Dataset(**tables))
    broken = broken_links(files)
    if broken:  # a bug of the site's code, not of the data: never publish it
        raise BuildError(f"the site has {len(broken)} broken link(s): {', '.join(broken[:5])}")
    write(files, target)


def _duckdb(typed: dict[str, pa.Table], target: Path) -> None:
    import duckdb

    try:
        write_duckdb(typed, target)
    except duckdb.Error as error:  # a key the validator let through: never publish it
        raise BuildError(f"DuckDB refused the rows: {error}") from error


def _member_bytes(given: Contribution, relative: str) -> bytes:
    for reader in given.roots:
        if reader.exists(relative):
            return reader.read(relative)
    raise FileNotFoundError(relative)


def _dangling(connection: sqlite3.Connection, file: str) -> list[Problem]:
    """The rows of a SQLite database whose foreign key names no row, as problems."""
    problems = []
    for table, rowid, parent, link in connection.execute("PRAGMA foreign_key_check").fetchall():
        pairs = [
            (f[3], f[4])  # (column, column of the parent it refers to)
            for f in connection.execute(f'PRAGMA foreign_key_list("{table}")').fetchall()
            if f[0] == link
        ]
        names = ", ".join(f'"{name}"' for name, _ in pairs)
        cited = connection.execute(
            f'SELECT {names} FROM "{table}" WHERE rowid = ?', (rowid,)
        ).fetchone()
        problems.append(
            Problem.of(
                "foreign-key",
                target=parent,
                where=file,
                key="/".join(str(key) for _, key in pairs),
                file=file,
                table=table,
                field=pairs[0][0] if len(pairs) == 1 else None,
                value="/".join(str(v) for v in cited or ()),
            )
        )
    return problems


def self_check(archive: Path, folder: Path, rows: dict[str, int]) -> None:
    """Validate what was written: our validator and Frictionless on the zip, the SQLite
    database's foreign keys, and the rows of each table in the DuckDB database (whose
    keys DuckDB enforced as the rows went in). Raises :class:`BuildError` on any problem."""
    import duckdb
    from frictionless import Package

    from .validation import validate

    ours = validate(archive)
    problems = list(ours.errors)
    theirs = Package(str(archive)).validate(limit_errors=0)
    problems += frictionless_problems(theirs, str(archive))
    connection = sqlite3.connect(folder / f"{NAME}.db")
    try:
        problems += _dangling(connection, f"{NAME}.db")
    finally:
        connection.close()
    with duckdb.connect(str(folder / f"{NAME}.duckdb"), read_only=True) as database:
        for table, expected in rows.items():
            [(found,)] = database.execute(f'SELECT count(*) FROM "{table}"').fetchall()
            if found != expected:
                problems.append(
                    Problem.of(
                        "descriptor-error",
                        note=f"DuckDB table {table} has {found} rows, the CSV {expected}",
                        file=f"{NAME}.duckdb",
                        table=table,
                    )
                )
    if problems:
        raise BuildError("the release failed its self-check", Report.of(problems))
