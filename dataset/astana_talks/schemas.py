"""Frictionless Table Schemas and the package descriptor, derived from the models.

:func:`columns` reads each model's fields (their types and constraints) into
:class:`Column` objects; everything else that needs a column's type - CSV parsing,
Table Schemas, the codebook, pandas dtypes - uses them, so the models stay the one
source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic.fields import FieldInfo

from .dates import PARTIAL_DATE_PATTERN, PartialDate
from .models import TABLES, Record
from .vocabularies import Vocabulary

ColumnType = Literal["integer", "boolean", "string"]

DATA_PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"


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


@cache
def columns(model: type[Record]) -> tuple[Column, ...]:
    """The columns of ``model``'s table, in CSV order, read from the model's fields:
    their types (a union with None is optional), the constraints declared on them or
    on the annotated types they use (patterns, bounds, lengths), vocabularies and
    partial dates. ``tests/test_schemas.py`` holds them equal to what the model's JSON
    Schema (Pydantic's own account of the same fields) says; reading the fields does
    not build the models' validators nor generate their JSON Schemas (0.06 s at the
    start of every validation)."""
    result = []
    for name in model.columns():
        info = model.model_fields[name]
        options = _options(info.annotation)
        nullable = any(member is type(None) for member, _ in options)
        types = [member for member, _ in options if member is not type(None)]
        if len(types) != 1:
            raise TypeError(f"{model.table}.{name}: one type (or it and None) expected")
        (base,) = types
        constraints = [*info.metadata, *(m for _, metadata in options for m in metadata)]
        vocabulary = base if isinstance(base, type) and issubclass(base, Vocabulary) else None
        if base is bool:
            datatype: ColumnType = "boolean"
        elif base is int:
            datatype = "integer"
        elif base in (str, PartialDate) or vocabulary is not None:
            datatype = "string"
        else:
            raise TypeError(f"{model.table}.{name}: unsupported column type {base!r}")
        pattern = (
            PARTIAL_DATE_PATTERN if base is PartialDate else _constraint(constraints, "pattern")
        )
        result.append(
            Column(
                name=name,
                datatype=datatype,
                required=info.is_required() or not nullable,
                description=info.description or "",
                pattern=_unanchor(pattern) if pattern is not None else None,
                minimum=_constraint(constraints, "ge"),
                maximum=_constraint(constraints, "le"),
                max_length=_constraint(constraints, "max_length"),
                vocabulary=vocabulary,
                partial_date=base is PartialDate,
                references=model.foreign_keys.get(name),
            )
        )
    return tuple(result)


def _options(annotation: Any) -> list[tuple[Any, list[Any]]]:
    """The types a field's annotation allows (the members of a union), each with the
    constraints an ``Annotated`` type carries (a ``Field``'s, or its own)."""
    members = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else ()
    found: list[tuple[Any, list[Any]]] = []
    for member in members or (annotation,):
        metadata: list[Any] = []
        if get_origin(member) is Annotated:
            member, *extras = get_args(member)
            for extra in extras:
                metadata += extra.metadata if isinstance(extra, FieldInfo) else [extra]
        found.append((member, metadata))
    return found


def _constraint(constraints: list[Any], name: str) -> Any:
    """The value of constraint ``name`` (``pattern``, ``ge``, ``le``, ``max_length``)."""
    return next((getattr(c, name) for c in constraints if getattr(c, name, None) is not None), None)


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
