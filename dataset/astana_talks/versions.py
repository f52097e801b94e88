"""The version policy: what the changes since the previous release require.

A previous release is read against its own Table Schemas (the ones inline in its
``datapackage.json``), never against the current models: a column added or removed
since then is a schema change to classify, not a defect of the old release.

* **major**: a table or column removed (a rename is a removal), a column's type
  changed, a value removed from a column's vocabulary, a vocabulary imposed on a
  free column, a primary key changed;
* **minor**: a table or column added, a value added to a vocabulary, a vocabulary
  lifted, rows added;
* **patch**: rows changed or removed, the schemas unchanged.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from .changes import Diff
from .package import DESCRIPTOR, SEMVER, PackageSource, open_package
from .problems import InvalidDataError, Problem, Report, UnreadableInputError
from .validation import Contribution, gather

Bump = Literal["major", "minor", "patch"]
_RANK: dict[Bump, int] = {"patch": 0, "minor": 1, "major": 2}


@dataclass(frozen=True)
class SchemaChange:
    """One difference between the table schemas of two releases."""

    table: str
    bump: Bump
    what: str

    def __str__(self) -> str:
        return f"`{self.table}`: {self.what} ({self.bump})"


def _schemas(descriptor: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Each resource's inline schema by name; the first of two resources with one name."""
    found: dict[str, Mapping[str, Any]] = {}
    for resource in descriptor.get("resources", []):
        if not isinstance(resource, Mapping) or not isinstance(resource.get("name"), str):
            continue
        schema = resource.get("schema")
        found.setdefault(resource["name"], schema if isinstance(schema, Mapping) else {})
    return found


def _fields(schema: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    fields = schema.get("fields", [])
    return {
        f["name"]: f
        for f in (fields if isinstance(fields, list) else [])
        if isinstance(f, Mapping) and isinstance(f.get("name"), str)
    }


def _enum(field: Mapping[str, Any]) -> list[Any] | None:
    constraints = field.get("constraints")
    enum = constraints.get("enum") if isinstance(constraints, Mapping) else None
    return list(enum) if isinstance(enum, list) else None


def _listed(values: Iterable[Any]) -> str:
    return ", ".join(f"`{v}`" for v in values)


def _column_changes(
    table: str, name: str, old: Mapping[str, Any], new: Mapping[str, Any]
) -> Iterable[SchemaChange]:
    before, after = old.get("type", "any"), new.get("type", "any")
    if before != after:
        yield SchemaChange(table, "major", f"column `{name}` retyped from {before} to {after}")
    old_enum, new_enum = _enum(old), _enum(new)
    if old_enum is None and new_enum is not None:
        yield SchemaChange(table, "major", f"column `{name}` restricted to a vocabulary")
    elif old_enum is not None and new_enum is None:
        yield SchemaChange(table, "minor", f"column `{name}` no longer restricted to a vocabulary")
    elif old_enum is not None and new_enum is not None:
        removed = [v for v in old_enum if v not in new_enum]
        added = [v for v in new_enum if v not in old_enum]
        if removed:
            yield SchemaChange(table, "major", f"column `{name}` lost values {_listed(removed)}")
        if added:
            yield SchemaChange(table, "minor", f"column `{name}` gained values {_listed(added)}")


def schema_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[SchemaChange, ...]:
    """How the tables of descriptor ``new`` differ from those of descriptor ``old``
    (both with their Table Schemas inline), in the order of the tables and fields."""
    before, after = _schemas(old), _schemas(new)
    found = [SchemaChange(t, "major", "table removed") for t in before if t not in after]
    for table, schema in after.items():
        if table not in before:
            found.append(SchemaChange(table, "minor", "table added"))
            continue
        old_fields, new_fields = _fields(before[table]), _fields(schema)
        found += [
            SchemaChange(table, "major", f"column `{name}` removed")
            for name in old_fields
            if name not in new_fields
        ]
        for name, field in new_fields.items():
            if name not in old_fields:
                found.append(SchemaChange(table, "minor", f"column `{name}` added"))
            else:
                found += _column_changes(table, name, old_fields[name], field)
        old_key, new_key = before[table].get("primaryKey"), schema.get("primaryKey")
        if old_key != new_key:
            found.append(
                SchemaChange(table, "major", f"primary key changed from {old_key} to {new_key}")
            )
    return tuple(found)


def rekeyed(changes: Iterable[SchemaChange]) -> set[str]:
    """The tables whose primary key changed: their rows cannot be matched."""
    return {c.table for c in changes if c.what.startswith("primary key changed")}


def required_bump(schema: Sequence[SchemaChange], rows: Diff) -> Bump | None:
    """The least bump the changes need: the largest of the schema changes' and the
    rows' (added rows: minor; changed or removed rows: patch); None when nothing changed."""
    bumps: list[Bump] = [c.bump for c in schema]
    bumps += ["minor" if c.kind == "added" else "patch" for c in rows.changes]
    if not bumps:
        return None
    return max(bumps, key=lambda bump: _RANK[bump])


def _semver(version: str) -> tuple[int, int, int]:
    match = SEMVER.fullmatch(version)
    if match is None:
        raise ValueError(f"version {version!r} is not MAJOR.MINOR.PATCH")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def check_version(old_version: str, new_version: str, bump: Bump | None) -> str | None:
    """Why ``new_version`` is not allowed after ``old_version`` for ``bump``, or None."""
    old, new = _semver(old_version), _semver(new_version)
    if bump is None:
        return None
    if new <= old:
        return (
            f"the data changed ({bump} change) but version {new_version} "
            f"does not move past {old_version}"
        )
    needed = {
        "major": (old[0] + 1, 0, 0),
        "minor": (old[0], old[1] + 1, 0),
        "patch": (old[0], old[1], old[2] + 1),
    }[bump]
    if new < needed:
        least = ".".join(map(str, needed))
        return f"a {bump} change needs version {least} or later, not {new_version}"
    return None


# -- the previous release ----------------------------------------------------------


@dataclass(frozen=True)
class Previous:
    """A previous release: its descriptor (schemas inline) and its rows as text, read
    by the current tables' columns (for matching rows; its own columns are in the
    descriptor)."""

    descriptor: Mapping[str, Any]
    contribution: Contribution


def frictionless_problems(report: Any, file: str) -> list[Problem]:
    """A Frictionless report's errors as problems, located where Frictionless says."""
    problems = []
    for task in report.tasks:
        for error in task.errors:
            problems.append(
                Problem.of(
                    "descriptor-error",
                    note=f"Frictionless: {error.type}: {error.note}",
                    file=file,
                    table=task.name if isinstance(task.name, str) else None,
                    row=getattr(error, "row_number", None),
                    field=getattr(error, "field_name", None),
                )
            )
    problems += [
        Problem.of("descriptor-error", note=f"Frictionless: {e.type}: {e.note}", file=file)
        for e in report.errors
    ]
    return problems


def _own_schema_problems(source: PackageSource, descriptor: Mapping[str, Any]) -> list[Problem]:
    """Frictionless's validation of a package against its own descriptor, on a copy of
    the files the descriptor names, read with the safety checks of every package read
    (Frictionless itself follows links and extracts zips without limits)."""
    from frictionless import Package

    with tempfile.TemporaryDirectory(prefix="astana-talks-previous-") as folder:
        root = Path(folder)
        (root / DESCRIPTOR).write_text(json.dumps(descriptor), encoding="utf-8")
        for resource in descriptor["resources"]:
            relative = resource.get("path")
            if isinstance(relative, str) and source.exists(relative):
                target = root / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(source.read(relative))
        report = Package(str(root / DESCRIPTOR)).validate(limit_errors=0)
    return frictionless_problems(report, source.label)


def read_previous(path: Path) -> Previous:
    """Read and validate a previous release against its own schemas.

    Raises :class:`UnreadableInputError` when it cannot be used (no descriptor, a
    schema not written inline, an unsafe path) and :class:`InvalidDataError` when
    its files break its own schemas."""
    source = open_package(path)
    descriptor = source.descriptor
    label = str(path)

    def unusable(message: str) -> UnreadableInputError:
        return UnreadableInputError(
            Problem.of("invalid-descriptor", note=message, file=f"{label}/{DESCRIPTOR}")
        )

    if descriptor is None:
        raise unusable(f"{label} has no {DESCRIPTOR}: give the previous release's zip")
    for resource in descriptor["resources"]:
        if not isinstance(resource.get("schema"), dict):
            raise unusable(
                f"resource {resource.get('name')!r} has no inline Table Schema: its "
                "columns cannot be compared"
            )
    version = descriptor.get("version")
    if not isinstance(version, str) or not SEMVER.fullmatch(version):
        raise unusable(f"the previous release's version {version!r} is not MAJOR.MINOR.PATCH")
    problems = _own_schema_problems(source, descriptor)
    if problems:
        raise InvalidDataError(Report.of(problems))
    return Previous(descriptor, gather([path]))
