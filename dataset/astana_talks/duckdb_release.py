"""The release's DuckDB database: each vocabulary an ENUM type, each table with its
primary and foreign keys, the rows of the release's typed Arrow tables.

Written so that the same data gives the same bytes: one thread; no compression
(DuckDB's string compression can write uninitialised memory into the file,
duckdb/duckdb#23382); storage version v1.2.0, whose header holds no random
database identifier (the 1.4+ format's does), so DuckDB 1.2 or later opens it;
16 KiB blocks (with the default 256 KiB blocks the file was 20 MB for 0.5 MB of
data).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .models import MODELS, TABLES
from .schemas import Column, columns

if TYPE_CHECKING:
    import pyarrow as pa

STORAGE_VERSION = "v1.2.0"
BLOCK_SIZE = 16_384


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def enum_type(column: Column) -> str:
    """The name of the ENUM type of a vocabulary column: the vocabulary's, in snake case
    (``RoundStatus`` -> ``round_status``)."""
    assert column.vocabulary is not None
    return re.sub(r"(?<!^)(?=[A-Z])", "_", column.vocabulary.__name__).lower()


def enum_types() -> dict[str, tuple[str, ...]]:
    """Every vocabulary's ENUM type and its values, in the order the tables use them."""
    found: dict[str, tuple[str, ...]] = {}
    for model in MODELS:
        for column in columns(model):
            if column.enum is not None:
                found.setdefault(enum_type(column), column.enum)
    return found


def sql_type(column: Column) -> str:
    if column.enum is not None:
        return _quoted(enum_type(column))
    return {"integer": "BIGINT", "boolean": "BOOLEAN"}.get(column.datatype, "VARCHAR")


def create_table(table: str) -> str:
    """The ``CREATE TABLE`` statement of ``table``, with its keys."""
    model = TABLES[table]
    definitions = [
        f"{_quoted(c.name)} {sql_type(c)}" + (" NOT NULL" if c.required else "")
        for c in columns(model)
    ]
    definitions.append(f"PRIMARY KEY ({', '.join(map(_quoted, model.primary_key))})")
    for name, target in model.foreign_keys.items():
        (key,) = TABLES[target].primary_key
        definitions.append(
            f"FOREIGN KEY ({_quoted(name)}) REFERENCES {_quoted(target)} ({_quoted(key)})"
        )
    return f"CREATE TABLE {_quoted(table)} (\n  " + ",\n  ".join(definitions) + "\n)"


def write_duckdb(tables: Mapping[str, pa.Table], target: Path) -> None:
    """Write ``tables`` (one typed Arrow table per dataset table) to a new DuckDB file.

    The database's name, as DuckDB records it, is the file's stem, as when a user
    opens it with ``duckdb.connect(path)``."""
    import duckdb

    alias = _quoted(target.stem)
    connection = duckdb.connect(config={"threads": 1, "autoinstall_known_extensions": False})
    try:
        connection.execute("SET force_compression = 'uncompressed'")
        connection.execute(
            f"ATTACH {_literal(str(target))} AS {alias} "
            f"(BLOCK_SIZE {BLOCK_SIZE}, STORAGE_VERSION {_literal(STORAGE_VERSION)})"
        )
        connection.execute(f"USE {alias}")
        for name, values in enum_types().items():
            listed = ", ".join(_literal(v) for v in values)
            connection.execute(f"CREATE TYPE {_quoted(name)} AS ENUM ({listed})")
        for model in MODELS:  # referenced tables come first
            connection.execute(create_table(model.table))
            connection.register("incoming", tables[model.table])
            connection.execute(f"INSERT INTO {_quoted(model.table)} SELECT * FROM incoming")
            connection.unregister("incoming")
        connection.execute(f"CHECKPOINT {alias}")
        connection.execute("USE memory")
        connection.execute(f"DETACH {alias}")
    finally:
        connection.close()
