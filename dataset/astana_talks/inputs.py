"""Reading what was given to validate: CSV files, folders, descriptors and zips.

:func:`gather` turns paths into a :class:`Contribution` (the tables read as text
columns, where their source texts live, file-level problems), raising
:class:`UnreadableInputError` for input that cannot be used. :func:`canonical` is the
shipped data, read once. Nothing here judges the rows: that is
:mod:`astana_talks.table_checks` and :mod:`astana_talks.cross_checks`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .cells import suggest
from .conformance import descriptor_problems
from .models import TABLES
from .package import (
    DEFAULT_LIMITS,
    Limits,
    PackageSource,
    open_package,
    open_regular_file,
)
from .problems import Problem, UnreadableInputError
from .reading import CsvTable, pieces_from, read_csv


@dataclass(frozen=True)
class Contribution:
    """What was given to validate: its tables and where its source texts live.

    Immutable, so that the canonical data, read once and shared by every validation
    in the process, cannot be changed by one of them."""

    tables: Mapping[str, CsvTable] = field(default_factory=lambda: MappingProxyType({}))
    roots: tuple[PackageSource, ...] = ()
    """Where the contribution's other files (source texts) are read from, safely."""
    complete: bool = False
    """True for a package: it must hold together without the canonical data."""
    problems: tuple[Problem, ...] = ()
    limits: Limits = DEFAULT_LIMITS


@dataclass
class _Found:
    """A contribution as it is being gathered."""

    tables: dict[str, CsvTable] = field(default_factory=dict)
    roots: list[PackageSource] = field(default_factory=list)
    complete: bool = False
    problems: list[Problem] = field(default_factory=list)
    limits: Limits = DEFAULT_LIMITS

    def freeze(self) -> Contribution:
        return Contribution(
            MappingProxyType(dict(self.tables)),
            tuple(self.roots),
            self.complete,
            tuple(self.problems),
            self.limits,
        )


def _read_package(source: PackageSource, contributed: bool = True) -> Contribution:
    found = _Found(roots=[source], complete=True, limits=source.limits)
    if contributed and source.descriptor is not None:
        found.problems += descriptor_problems(source)
    for table, model in TABLES.items():
        relative = source.table_path(table)
        file = f"{source.label}/{relative}"
        if not source.exists(relative):
            found.problems.append(
                Problem.of(
                    "missing-table",
                    note=f"no file {relative} for table {table}",
                    file=file,
                    table=table,
                )
            )
            continue
        handle = source.open(relative)
        if handle is None:
            data = source.read(relative)
            found.problems += _integrity(source.resource(table), [data], file)
            found.tables[table] = read_csv(model, data, file)
            continue
        with handle:  # a folder's file: read piece by piece, never whole
            found.problems += _integrity(source.resource(table), pieces_from(handle), file)
            found.tables[table] = read_csv(model, handle, file)
    return found.freeze()


HASHES = ("md5", "sha1", "sha256", "sha512")


def _integrity(resource: Mapping[str, Any], pieces: Iterable[bytes], file: str) -> list[Problem]:
    """The descriptor's ``bytes`` and ``hash`` for a resource, checked: never skipped."""
    problems: list[Problem] = []
    size = resource.get("bytes")
    declared = resource.get("hash")
    if size is None and declared is None:
        return problems
    text = str(declared)
    algorithm, _, digest = text.rpartition(":") if ":" in text else ("md5", "", text)
    known = declared is not None and algorithm in HASHES and isinstance(declared, str)
    hasher = hashlib.new(algorithm) if known else None
    length = 0
    for piece in pieces:
        length += len(piece)
        if hasher is not None:
            hasher.update(piece)
    if size is not None and size != length:
        problems.append(
            Problem.of(
                "bytes-mismatch",
                declared=size,
                actual=length,
                file=file,
                value=str(size),
            )
        )
    if declared is None:
        return problems
    if hasher is None:
        problems.append(
            Problem.of(
                "hash-unverifiable",
                known=", ".join(HASHES),
                file=file,
                value=text,
            )
        )
    elif hasher.hexdigest() != digest.lower():
        problems.append(
            Problem.of(
                "hash-mismatch",
                algorithm=algorithm,
                actual=hasher.hexdigest(),
                declared=digest,
                file=file,
                value=text,
                hint="the file changed after the descriptor was written: in a checkout, "
                "python -m astana_talks.generate rewrites it",
            )
        )
    return problems


@cache
def canonical() -> Contribution:
    """The canonical data, read once."""
    return _read_package(open_package(None), contributed=False)


def _unusable(
    path: Path | str, message: str, code: str = "unreadable-input"
) -> UnreadableInputError:
    return UnreadableInputError(Problem.of(code, note=message, file=str(path)))


def _csv_table(path: Path, table: str | None) -> str:
    name = table or path.stem
    if name not in TABLES:
        what = (
            f"--table {table!r} is not a table"
            if table is not None
            else f"{path.name} is not named after a table"
        )
        advice = "" if table is not None else "; rename it or pass --table"
        raise UnreadableInputError(
            Problem.of(
                "unknown-table",
                note=what,
                tables=", ".join(TABLES),
                advice=advice,
                file=str(path),
                hint=suggest(name, list(TABLES)),
            )
        )
    return name


def _folder(path: Path) -> PackageSource:
    return PackageSource(path, str(path), None, folder=path.resolve())


def _csvs_in(folder: Path) -> list[Path]:
    """The CSV files of a folder (``.csv`` in any case), by name."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv")


def _is_package(path: Path) -> bool:
    return (path.is_dir() and (path / "datapackage.json").is_file()) or (
        path.is_file() and path.suffix.lower() in (".json", ".zip")
    )


#: A URL (``https://...``, ``file://...``): never fetched, and pathlib would mangle it.
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def gather(
    paths: Iterable[str | Path], table: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> Contribution:
    """Read what ``paths`` name; raises :class:`UnreadableInputError` for unusable input."""
    given = [str(p) for p in paths]
    if "" in given:
        raise _unusable("", "an empty path was given (to check the current folder, pass '.')")
    for text in given:
        if URL.match(text):
            raise _unusable(
                text, f"{text} is a URL: nothing is fetched; download it and pass the local file"
            )
    targets = [Path(p) for p in given]
    if not targets:
        return canonical()
    if any(_is_package(p) for p in targets):
        if table is not None:
            raise _unusable(
                targets[0],
                "--table is for a CSV file; a package's descriptor names its tables",
            )
        if len(targets) > 1:
            raise _unusable(
                targets[0],
                "a package (datapackage.json, zip or its folder) must be validated alone",
            )
        return _read_package(open_package(targets[0], limits))
    if table is not None and (len(targets) != 1 or targets[0].is_dir()):
        raise _unusable(targets[0], "--table names the table of a single CSV file")
    found = _Found(limits=limits)
    files: list[tuple[Path, str, Path | None]] = []  # file, table, folder it must stay in
    for target in targets:
        if target.is_dir():
            candidates = _csvs_in(target) + _csvs_in(target / "data")
            if not candidates:
                raise _unusable(target, f"{target} holds no CSV files and no datapackage.json")
            files += [(c, _csv_table(c, None), target.resolve()) for c in candidates]
            found.roots.append(_folder(target))
            if target.resolve().name == "data":  # a package's data/ folder: texts are
                found.roots.append(_folder(target / ".."))  # named from the package root
        elif target.suffix.lower() == ".csv" and target.exists():
            files.append((target, _csv_table(target, table), None))
            parent = target.parent
            found.roots.append(_folder(parent.parent if parent.name == "data" else parent))
        elif not target.exists():
            raise _unusable(target, f"{target} does not exist")
        else:
            raise _unusable(
                target, f"{target} is not a CSV file, a folder, a datapackage.json or a zip"
            )
    for path, name, folder in files:
        if name in found.tables:
            raise _unusable(
                path, f"two files for table {name}: {found.tables[name].file} and {path}"
            )
        with open_regular_file(path, str(path), inside=folder) as handle:
            found.tables[name] = read_csv(TABLES[name], handle, str(path))
    return found.freeze()
