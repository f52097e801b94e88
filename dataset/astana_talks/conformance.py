"""Descriptor conformance: a contributed ``datapackage.json`` against the Data Package
standard (checked by Frictionless) and against the dataset's own descriptor, so that
every tool reads the files the way they were validated."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from .models import TABLES
from .package import (
    SEMVER,
    PackageSource,
    open_package,
    without_integrity,
)
from .problems import Problem

#: Resource properties that change how a CSV is read, with the values the dataset allows.
_READING = {
    "format": ("csv",),
    "mediatype": ("text/csv",),
    "encoding": ("utf-8", "UTF-8", "utf8"),
}
#: Field properties that change what a cell means; titles and descriptions may differ.
_FIELD_MEANING = (
    "name",
    "type",
    "format",
    "constraints",
    "missingValues",
    "trueValues",
    "falseValues",
    "bareNumber",
    "groupChar",
    "decimalChar",
)
_SCHEMA_MEANING = ("primaryKey", "foreignKeys", "missingValues", "uniqueKeys", "fieldsMatch")


def _schema_differences(given: Any, dataset: Mapping[str, Any]) -> list[str]:
    if not isinstance(given, dict):
        return ["the schema must be written inline, as in the dataset's datapackage.json"]
    found = [
        f"schema.{key} is {given.get(key)!r}, the dataset's is {dataset.get(key)!r}"
        for key in _SCHEMA_MEANING
        if given.get(key) != dataset.get(key)
    ]
    fields = given.get("fields")
    if not isinstance(fields, list) or not all(isinstance(f, dict) for f in fields):
        return [*found, "schema.fields must be a list of field objects"]
    names = [f.get("name") for f in fields]
    expected = [f["name"] for f in dataset["fields"]]
    if names != expected:
        return [*found, f"schema fields are {names}, the dataset's are {expected}"]
    for mine, theirs in zip(fields, dataset["fields"], strict=True):
        found += [
            f"field {theirs['name']}: {key} is {mine.get(key)!r}, the dataset's is "
            f"{theirs.get(key)!r}"
            for key in _FIELD_MEANING
            if mine.get(key) != theirs.get(key)
        ]
    return found


@cache
def _dataset_descriptor() -> dict[str, Any]:
    """The shipped ``datapackage.json``: what a contributed descriptor must agree with."""
    return open_package(None).descriptor or {}


def known(resource: Mapping[str, Any]) -> bool:
    """True when a resource is named after a table of the dataset."""
    name = resource.get("name")
    return isinstance(name, str) and name in TABLES


def _against_the_dataset(source: PackageSource) -> list[Problem]:
    """Where the contributed descriptor would make Frictionless (or anyone) read the
    files differently from how they were validated: tables missing or unknown,
    another format, encoding, dialect or schema, inline data."""
    file = f"{source.label}/datapackage.json"
    dataset = {r["name"]: r for r in _dataset_descriptor()["resources"]}
    given = (source.descriptor or {}).get("resources", [])
    named: dict[str, dict[str, Any]] = {}
    problems = []
    for resource in given:
        name = resource.get("name")
        if isinstance(name, str) and name in named:
            problems.append(
                Problem.of(
                    "descriptor-error",
                    note=f"two resources are named {name!r}: which one is read is unclear",
                    file=file,
                    table=name if name in TABLES else None,
                )
            )
        elif isinstance(name, str):
            named[name] = resource  # the first, as PackageSource.resource() reads it
    version = (source.descriptor or {}).get("version")
    if version is not None and not (isinstance(version, str) and SEMVER.fullmatch(version)):
        problems.append(
            Problem.of(
                "descriptor-error",
                note=f"version {version!r} is not MAJOR.MINOR.PATCH (e.g. 0.2.0)",
                file=file,
                hint="releases are named after the version; see docs/publishing.md",
            )
        )
    unknown = [str(r.get("name")) for r in given if not known(r)]
    if unknown:
        shown = ", ".join(repr(n) for n in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        problems.append(
            Problem.of(
                "descriptor-error",
                note=f"resource(s) {shown}{more} are not tables of the dataset "
                f"({', '.join(TABLES)})",
                file=file,
            )
        )
    for table, expected in dataset.items():
        resource = named.get(table)
        if resource is None:
            problems.append(
                Problem.of(
                    "descriptor-error",
                    note=f"no resource for table {table}: Frictionless would not see its file",
                    file=file,
                    table=table,
                )
            )
            continue
        differences = [
            f"{key} is {resource[key]!r}, the dataset's CSVs are {'/'.join(allowed)}"
            for key, allowed in _READING.items()
            if key in resource and resource[key] not in allowed
        ]
        differences += [
            f"{key} is set; the dataset's resources have none"
            for key in ("compression", "data")
            if key in resource
        ]
        dialect = resource.get("dialect", {})
        if not isinstance(dialect, dict):
            differences.append("the dialect must be written inline")
        else:
            differences += [
                f"dialect.{key} is {value!r}, the dataset's is {expected['dialect'].get(key)!r}"
                for key, value in dialect.items()
                if key != "lineTerminator" and value != expected["dialect"].get(key)
            ]
        differences += _schema_differences(resource.get("schema"), expected["schema"])
        problems += [
            Problem.of(
                "descriptor-error",
                note=f"resource {table}: {difference}",
                file=file,
                table=table,
                hint="keep the dataset's resource as it is (the dataset's descriptor has it)",
            )
            for difference in differences
        ]
    return problems


def _is_the_datasets(descriptor: Mapping[str, Any]) -> bool:
    """True when ``descriptor`` is the dataset's own but for its files' sizes and hashes
    (integers and text, checked against the files as they are read)."""
    for resource in descriptor.get("resources") or []:
        if not isinstance(resource, dict):
            return False
        size, digest = resource.get("bytes", 0), resource.get("hash", "")
        if type(size) is not int or size < 0 or not isinstance(digest, str):
            return False
    return without_integrity(descriptor) == without_integrity(_dataset_descriptor())


def descriptor_problems(source: PackageSource) -> list[Problem]:
    """The Data Package standard's rules for the descriptor, checked by Frictionless,
    and the descriptor's agreement with the dataset's."""
    file = f"{source.label}/datapackage.json"
    ours = _against_the_dataset(source)
    if _is_the_datasets(source.descriptor or {}):
        return ours  # the dataset's descriptor meets the standard (CI has Frictionless check it)
    from frictionless import Package

    descriptor = dict(source.descriptor or {})
    resources = descriptor.get("resources", [])
    # Frictionless checks the dataset's tables only: thousands of unknown resources
    # (reported above, once) would take it minutes
    descriptor["resources"] = [r for r in resources if known(r)]
    try:
        report = Package.validate_descriptor(descriptor)
    except Exception as error:  # Frictionless itself fails on some malformed descriptors
        message = f"the descriptor is too malformed to check: {type(error).__name__}: {error}"
        return [*ours, Problem.of("descriptor-error", note=message, file=file)]
    return ours + [
        Problem.of("descriptor-error", note=f"{error.type}: {error.note}", file=file)
        for error in report.errors
    ]
