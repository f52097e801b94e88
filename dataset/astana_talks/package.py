"""Finding a package's files and reading its CSVs into typed rows.

A package is read through an ``importlib.resources`` ``Traversable``: the data
shipped inside the wheel, a folder (``pathlib.Path``) and a zip
(``zipfile.Path``) all look the same to the code below.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

from .cells import parse_row
from .models import TABLES, Record
from .problems import Problem, UnreadableInputError

DESCRIPTOR = "datapackage.json"
R = TypeVar("R", bound=Record)


def canonical_root() -> Traversable:
    """The data package shipped inside the installed ``astana_talks`` package."""
    return resources.files("astana_talks") / "_package"


@dataclass(frozen=True)
class PackageSource:
    """Where a package's files are read from, and how to name them in problems."""

    root: Traversable
    label: str
    descriptor: dict[str, Any] | None

    def member(self, relative: str) -> Traversable:
        node = self.root
        for part in PurePosixPath(relative).parts:
            node = node / part
        return node

    def table_path(self, table: str) -> str:
        """The package-relative path of ``table``'s CSV."""
        for resource in (self.descriptor or {}).get("resources", []):
            if isinstance(resource, dict) and resource.get("name") == table:
                path = resource.get("path")
                if isinstance(path, str):
                    return path
        return f"data/{table}.csv"


def _refuse(path: str, label: str) -> None:
    pure = PurePosixPath(path)
    if (
        "://" in path
        or path.startswith(("/", "~", "file:"))
        or "\\" in path
        or ".." in pure.parts
        or (len(path) > 1 and path[1] == ":")
    ):
        raise UnreadableInputError(
            Problem(
                "unsafe-path",
                f"resource path {path!r} is not a relative path inside the package",
                file=f"{label}/{DESCRIPTOR}",
                value=path,
            )
        )


def _read_descriptor(node: Traversable, label: str) -> dict[str, Any]:
    where = f"{label}/{DESCRIPTOR}"
    try:
        descriptor = json.loads(node.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnreadableInputError(
            Problem("invalid-descriptor", f"cannot read {DESCRIPTOR}: {error}", file=where)
        ) from error
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources", []), list):
        raise UnreadableInputError(
            Problem(
                "invalid-descriptor",
                "the descriptor must be an object with a resources list",
                file=where,
            )
        )
    for resource in descriptor.get("resources", []):
        path = resource.get("path") if isinstance(resource, dict) else None
        if isinstance(path, str):
            _refuse(path, label)
    return descriptor


def open_package(path: str | Path | None = None) -> PackageSource:
    """Locate a package: ``None`` (the shipped data), a folder, a descriptor or a zip."""
    if path is None:
        root = canonical_root()
        return PackageSource(
            root, "astana_talks", _read_descriptor(root / DESCRIPTOR, "astana_talks")
        )
    target = Path(path)
    label = str(target)
    if target.is_dir():
        descriptor_node = target / DESCRIPTOR
        descriptor = _read_descriptor(descriptor_node, label) if descriptor_node.is_file() else None
        return PackageSource(target, label, descriptor)
    if target.is_file() and target.name.endswith(".json"):
        return PackageSource(
            target.parent, str(target.parent), _read_descriptor(target, str(target.parent))
        )
    if target.is_file() and zipfile.is_zipfile(target):
        archive = zipfile.ZipFile(target)
        names = [n for n in archive.namelist() if PurePosixPath(n).name == DESCRIPTOR]
        if len(names) != 1:
            raise UnreadableInputError(
                Problem(
                    "unreadable-input",
                    f"the zip must hold exactly one {DESCRIPTOR}, found {len(names)}",
                    file=label,
                )
            )
        inner = str(PurePosixPath(names[0]).parent)
        inside: Traversable = zipfile.Path(archive, at="" if inner == "." else inner + "/")
        return PackageSource(inside, label, _read_descriptor(inside / DESCRIPTOR, label))
    reason = "does not exist" if not target.exists() else "is not a folder, datapackage.json or zip"
    raise UnreadableInputError(Problem("unreadable-input", f"{label} {reason}", file=label))


@dataclass(frozen=True)
class TableRead:
    """The typed rows of one table, each with its physical line number, and the problems met."""

    table: str
    file: str
    rows: tuple[tuple[int, Record], ...]
    problems: tuple[Problem, ...]
    cells: tuple[tuple[int, dict[str, str]], ...] = ()
    """Every row with the header's shape, as text, valid or not: cross-row checks use
    these, so one bad cell is reported once and does not hide or multiply others."""

    def typed(self, model: type[R]) -> list[tuple[int, R]]:
        """The rows as instances of ``model`` (the table's own model), with their lines."""
        return [(line, record) for line, record in self.rows if isinstance(record, model)]


def _physical_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the physical line each starts on (header = 1)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    for record in reader:
        yield start, record
        start = reader.line_num + 1


def read_table(source: PackageSource, table: str) -> TableRead:
    """Read and type one table of ``source``; every problem is collected, none raised."""
    model = TABLES[table]
    relative = source.table_path(table)
    file = f"{source.label}/{relative}"
    node = source.member(relative)
    if not node.is_file():
        missing = Problem(
            "missing-table", f"no file {relative} for table {table}", file=file, table=table
        )
        return TableRead(table, file, (), (missing,))
    return parse_table(model, node.read_bytes(), file)


def parse_table(model: type[Record], data: bytes, file: str) -> TableRead:
    """Type the bytes of one CSV file as ``model``'s table."""
    table = model.table
    where: dict[str, Any] = {"file": file, "table": table}
    problems: list[Problem] = []
    if data.startswith(b"\xef\xbb\xbf"):
        problems.append(
            Problem(
                "byte-order-mark",
                "the file starts with a byte-order mark",
                severity="warning",
                **where,
            )
        )
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(
            Problem(
                "encoding-error",
                f"byte {error.start} is not UTF-8 ({data[error.start : error.start + 1]!r})",
                **where,
            )
        )
        return TableRead(table, file, (), tuple(problems))
    rows: list[tuple[int, Record]] = []
    shaped: list[tuple[int, dict[str, str]]] = []
    expected = list(model.columns())
    try:
        records = list(_physical_rows(text))
    except csv.Error as error:
        problems.append(Problem("malformed-csv", f"cannot parse as CSV: {error}", **where))
        return TableRead(table, file, (), tuple(problems))
    if not records:
        problems.append(
            Problem(
                "header-mismatch",
                f"the file is empty; expected header: {','.join(expected)}",
                row=1,
                **where,
            )
        )
        return TableRead(table, file, (), tuple(problems))
    _, header = records[0]
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        detail = []
        if missing:
            detail.append(f"missing {', '.join(missing)}")
        if extra:
            detail.append(f"unexpected {', '.join(repr(c) for c in extra)}")
        if not detail:
            detail.append("columns out of order")
        problems.append(
            Problem(
                "header-mismatch",
                f"header differs from the schema: {'; '.join(detail)}",
                row=1,
                hint=f"expected: {','.join(expected)}",
                **where,
            )
        )
        return TableRead(table, file, (), tuple(problems))
    for line, cells in records[1:]:
        located = {**where, "row": line}
        if not any(cell.strip() for cell in cells):
            problems.append(Problem("blank-row", "the row is blank", **located))
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(
                    "ragged-row",
                    f"the row has {len(cells)} cells, the header {len(header)}",
                    **located,
                )
            )
            continue
        named = dict(zip(header, cells, strict=True))
        shaped.append((line, named))
        record, row_problems = parse_row(model, named, located)
        problems.extend(row_problems)
        if record is not None:
            rows.append((line, record))
    return TableRead(table, file, tuple(rows), tuple(problems), tuple(shaped))
