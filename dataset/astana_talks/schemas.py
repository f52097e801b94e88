"""Frictionless Table Schemas and the package descriptor, derived from the models.

:func:`columns` reads each model's JSON Schema (Pydantic's own account of the
types and constraints) into :class:`Column` objects; everything else that needs
a column's type - CSV parsing, Table Schemas, the codebook, pandas dtypes - uses
them, so the models stay the one source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from .models import TABLES, Record
from .vocabularies import Vocabulary

ColumnType = Literal["integer", "boolean", "string"]

DATA_PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
PARTIAL_DATE_FORMAT = "partial-date"


@dataclass(frozen=True)
class Column:
    """One column of a table, as the model declares it."""

    name: str
    datatype: ColumnType
    required: bool
    description: str
    pattern: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None
    vocabulary: type[Vocabulary] | None = None
    partial_date: bool = False
    references: str | None = None

    @property
    def enum(self) -> tuple[str, ...] | None:
        if self.vocabulary is None:
            return None
        return tuple(member.value for member in self.vocabulary)


def _unanchor(pattern: str) -> str:
    """Table Schema patterns match the whole cell; drop the anchors Pydantic needs."""
    if pattern.startswith("^(?:") and pattern.endswith(")$"):
        return pattern[4:-2]
    if pattern.startswith("^") and pattern.endswith("$"):
        return pattern[1:-1]
    return pattern


def _vocabularies(model: type[Record]) -> dict[str, type[Vocabulary]]:
    found: dict[str, type[Vocabulary]] = {}
    for info in model.model_fields.values():
        annotation = info.annotation
        for candidate in getattr(annotation, "__args__", (annotation,)):
            if isinstance(candidate, type) and issubclass(candidate, Vocabulary):
                found[candidate.__name__] = candidate
    return found


@cache
def columns(model: type[Record]) -> tuple[Column, ...]:
    """The columns of ``model``'s table, in CSV order."""
    schema = model.model_json_schema()
    vocabularies = _vocabularies(model)
    required = set(schema.get("required", ()))
    result = []
    for name in model.columns():
        prop = schema["properties"][name]
        nullable = False
        body = prop
        if "anyOf" in prop:
            options = [option for option in prop["anyOf"] if option.get("type") != "null"]
            nullable = len(options) < len(prop["anyOf"])
            (body,) = options
        vocabulary = None
        if "$ref" in body:
            vocabulary = vocabularies[body["$ref"].rsplit("/", 1)[-1]]
            body = schema["$defs"][body["$ref"].rsplit("/", 1)[-1]]
        kind = body["type"]
        if kind not in ("integer", "boolean", "string"):
            raise TypeError(f"{model.table}.{name}: unsupported column type {kind!r}")
        result.append(
            Column(
                name=name,
                datatype=kind,
                required=name in required or not nullable,
                description=prop.get("description", ""),
                pattern=_unanchor(body["pattern"]) if "pattern" in body else None,
                minimum=body.get("minimum"),
                maximum=body.get("maximum"),
                max_length=body.get("maxLength"),
                vocabulary=vocabulary,
                partial_date=body.get("format") == PARTIAL_DATE_FORMAT,
                references=model.foreign_keys.get(name),
            )
        )
    return tuple(result)


def _field_descriptor(column: Column) -> dict[str, Any]:
    descriptor: dict[str, Any] = {"name": column.name, "type": column.datatype}
    description = column.description
    if column.partial_date:
        description += " Partial ISO 8601 date: YYYY, YYYY-MM or YYYY-MM-DD, never padded."
    if column.vocabulary is not None:
        description += " Allowed values: " + "; ".join(
            f"{m.value} ({m.description})" for m in column.vocabulary
        )
    descriptor["description"] = description
    if column.datatype == "boolean":
        descriptor["trueValues"] = ["true"]
        descriptor["falseValues"] = ["false"]
    constraints: dict[str, Any] = {}
    if column.required:
        constraints["required"] = True
    if column.enum is not None:
        constraints["enum"] = list(column.enum)
    if column.pattern is not None:
        constraints["pattern"] = column.pattern
    if column.minimum is not None:
        constraints["minimum"] = column.minimum
    if column.maximum is not None:
        constraints["maximum"] = column.maximum
    if column.max_length is not None:
        constraints["maxLength"] = column.max_length
    if constraints:
        descriptor["constraints"] = constraints
    return descriptor


def table_schema(model: type[Record]) -> dict[str, Any]:
    """The Frictionless Table Schema (v2) of ``model``'s table."""
    schema: dict[str, Any] = {
        "$schema": TABLE_SCHEMA_PROFILE,
        "description": model.table_description(),
        "fields": [_field_descriptor(column) for column in columns(model)],
        "missingValues": [""],
        "primaryKey": list(model.primary_key),
    }
    foreign_keys = []
    for name, target in model.foreign_keys.items():
        (target_key,) = TABLES[target].primary_key
        foreign_keys.append(
            {"fields": [name], "reference": {"resource": target, "fields": [target_key]}}
        )
    if foreign_keys:
        schema["foreignKeys"] = foreign_keys
    return schema


def resource_descriptor(model: type[Record]) -> dict[str, Any]:
    """The ``datapackage.json`` resource of ``model``'s table, with its schema inline."""
    return {
        "name": model.table,
        "type": "table",
        "title": model.table_title,
        "description": model.table_description(),
        "path": f"data/{model.table}.csv",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\n", "quoteChar": '"', "header": True},
        "schema": table_schema(model),
    }
