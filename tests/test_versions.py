"""The version policy: a previous release is read by its own schemas; each kind of
schema or row change asks for its bump."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import astana_talks
from astana_talks.build import BuildError, build
from astana_talks.changes import Change, Diff
from astana_talks.cli import cli
from astana_talks.generate import package_descriptor
from astana_talks.versions import SchemaChange, check_version, required_bump, schema_changes

from .helpers import ROOT

VERSION = astana_talks.__version__

ID = {"name": "id", "type": "integer"}
NAME = {"name": "name", "type": "string"}
KIND = {"name": "kind", "type": "string", "constraints": {"enum": ["a", "b"]}}


def _descriptor(**tables: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resources": [
            {"name": table, "schema": {"fields": fields, "primaryKey": ["id"]}}
            for table, fields in tables.items()
        ]
    }


def _with(field: dict[str, Any], **changes: Any) -> dict[str, Any]:
    changed = copy.deepcopy(field)
    changed.update(changes)
    return changed


BEFORE = _descriptor(things=[ID, NAME, KIND], others=[ID])


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (BEFORE, []),
        (_descriptor(things=[ID, NAME, KIND]), [("others", "major", "table removed")]),
        (
            _descriptor(things=[ID, NAME, KIND], others=[ID], more=[ID]),
            [("more", "minor", "table added")],
        ),
        (
            _descriptor(things=[ID, KIND], others=[ID]),
            [("things", "major", "column `name` removed")],
        ),
        (
            _descriptor(things=[ID, NAME, KIND, {"name": "note", "type": "string"}], others=[ID]),
            [("things", "minor", "column `note` added")],
        ),
        (
            _descriptor(things=[ID, _with(NAME, type="integer"), KIND], others=[ID]),
            [("things", "major", "column `name` retyped from string to integer")],
        ),
        (
            _descriptor(things=[ID, NAME, _with(KIND, constraints={"enum": ["a", "b", "c"]})]),
            [
                ("others", "major", "table removed"),
                ("things", "minor", "column `kind` gained values `c`"),
            ],
        ),
        (
            _descriptor(things=[ID, NAME, _with(KIND, constraints={"enum": ["a"]})], others=[ID]),
            [("things", "major", "column `kind` lost values `b`")],
        ),
        (
            _descriptor(things=[ID, NAME, _with(KIND, constraints={})], others=[ID]),
            [("things", "minor", "column `kind` no longer restricted to a vocabulary")],
        ),
        (
            _descriptor(things=[ID, _with(NAME, constraints={"enum": ["x"]}), KIND], others=[ID]),
            [("things", "major", "column `name` restricted to a vocabulary")],
        ),
        (
            _descriptor(things=[ID, {"name": "title", "type": "string"}, KIND], others=[ID]),
            [
                ("things", "major", "column `name` removed"),
                ("things", "minor", "column `title` added"),
            ],
        ),
    ],
)
def test_each_schema_change_has_its_bump(
    after: dict[str, Any], expected: list[tuple[str, str, str]]
) -> None:
    assert [(c.table, c.bump, c.what) for c in schema_changes(BEFORE, after)] == expected


def test_a_changed_primary_key_is_major() -> None:
    after = copy.deepcopy(BEFORE)
    after["resources"][0]["schema"]["primaryKey"] = ["id", "name"]
    [change] = schema_changes(BEFORE, after)
    assert (change.table, change.bump) == ("things", "major")
    assert change.what == "primary key changed from ['id'] to ['id', 'name']"


def test_the_shipped_descriptor_has_the_schemas_of_the_models() -> None:
    shipped = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert schema_changes(shipped, package_descriptor([])) == ()


ADDED, CHANGED, REMOVED = (Change("rounds", "1", k) for k in ("added", "changed", "removed"))


@pytest.mark.parametrize(
    ("schema", "rows", "bump"),
    [
        ((), (), None),
        ((), (CHANGED,), "patch"),
        ((), (REMOVED,), "patch"),
        ((), (ADDED, CHANGED), "minor"),
        ((SchemaChange("t", "minor", "column `x` added"),), (), "minor"),
        ((SchemaChange("t", "minor", "column `x` added"),), (REMOVED,), "minor"),
        ((SchemaChange("t", "major", "column `x` removed"),), (ADDED,), "major"),
        (
            (
                SchemaChange("t", "minor", "table added"),
                SchemaChange("u", "major", "table removed"),
            ),
            (),
            "major",
        ),
    ],
)
def test_the_largest_change_sets_the_bump(
    schema: tuple[SchemaChange, ...], rows: tuple[Change, ...], bump: str | None
) -> None:
    assert required_bump(schema, Diff(rows)) == bump


def test_check_version() -> None:
    assert check_version("0.1.0", "0.1.0", None) is None
    assert check_version("0.1.0", "0.1.0", "patch") is not None
    assert check_version("0.1.0", "0.1.1", "patch") is None
    assert (
        check_version("0.1.0", "0.1.1", "minor")
        == "a minor change needs version 0.2.0 or later, not 0.1.1"
    )
    assert check_version("0.1.0", "0.2.0", "major") is not None
    assert check_version("0.1.0", "1.0.0", "major") is None


# -- end to end: a previous release whose schema differs ------------------------------


@pytest.fixture(scope="module")
def current(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(out=tmp_path_factory.mktemp("current")).zip


Edit = Callable[[dict[str, Any], dict[str, list[list[str]]]], None]


def _previous(current: Path, target: Path, version: str, edit: Edit) -> Path:
    """A copy of the release ``current`` as version ``version``, its descriptor and
    tables changed by ``edit``, with the sizes and hashes that match."""
    with zipfile.ZipFile(current) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    descriptor = json.loads(members["datapackage.json"])
    descriptor["version"] = version
    tables = {
        r["name"]: list(csv.reader(io.StringIO(members[r["path"]].decode(), newline="")))
        for r in descriptor["resources"]
    }
    edit(descriptor, tables)
    for resource in descriptor["resources"]:
        text = io.StringIO(newline="")
        csv.writer(text, lineterminator="\n").writerows(tables[resource["name"]])
        data = text.getvalue().encode()
        members[resource["path"]] = data
        resource["bytes"] = len(data)
        resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    members["datapackage.json"] = json.dumps(descriptor).encode()
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target


def _schema(descriptor: dict[str, Any], table: str) -> dict[str, Any]:
    [schema] = [r["schema"] for r in descriptor["resources"] if r["name"] == table]
    assert isinstance(schema, dict)
    return schema


def _drop_column(table: str, column: str) -> Edit:
    def edit(descriptor: dict[str, Any], tables: dict[str, list[list[str]]]) -> None:
        schema = _schema(descriptor, table)
        schema["fields"] = [f for f in schema["fields"] if f["name"] != column]
        index = tables[table][0].index(column)
        tables[table] = [row[:index] + row[index + 1 :] for row in tables[table]]

    return edit


def _add_column(table: str, column: str) -> Edit:
    def edit(descriptor: dict[str, Any], tables: dict[str, list[list[str]]]) -> None:
        _schema(descriptor, table)["fields"].append({"name": column, "type": "string"})
        header, *rows = tables[table]
        tables[table] = [[*header, column], *([*row, "x"] for row in rows)]

    return edit


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["build", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def test_a_column_added_since_the_previous_release_is_a_minor_change(
    current: Path, tmp_path: Path
) -> None:
    # the previous release lacked figures.said_by: by its own schema it is valid
    previous = _previous(current, tmp_path / "old.zip", "0.0.3", _drop_column("figures", "said_by"))
    code, _, err = _run("--out", str(tmp_path / "dist"), "--previous", str(previous))
    assert (code, err) == (0, "")
    log = (tmp_path / "dist" / f"astana-talks-{VERSION}" / "CHANGELOG.md").read_text()
    assert "Schema changes since 0.0.3:\n\n- `figures`: column `said_by` added (minor)\n" in log
    previous = _previous(
        current, tmp_path / "same.zip", VERSION, _drop_column("figures", "said_by")
    )
    with pytest.raises(BuildError, match=r"version policy: .* does not move past"):
        build(out=tmp_path / "refused", previous=previous)


def test_a_column_removed_since_the_previous_release_needs_a_major_version(
    current: Path, tmp_path: Path
) -> None:
    previous = _previous(current, tmp_path / "old.zip", "0.0.3", _add_column("figures", "legacy"))
    code, _, err = _run("--out", str(tmp_path / "dist"), "--previous", str(previous))
    assert code == 1
    assert err == (
        f"error: version policy: a major change needs version 1.0.0 or later, not {VERSION}: "
        "the release was not built\n"
    )
    assert not (tmp_path / "dist").exists()


def test_a_previous_release_is_checked_against_its_own_schemas(
    current: Path, tmp_path: Path
) -> None:
    def unknown_status(descriptor: dict[str, Any], tables: dict[str, list[list[str]]]) -> None:
        status = tables["rounds"][0].index("status")
        tables["rounds"][1][status] = "hled"

    previous = _previous(current, tmp_path / "old.zip", "0.0.3", unknown_status)
    code, _, err = _run("--out", str(tmp_path / "dist"), "--previous", str(previous))
    assert code == 1
    assert "constraint-error" in err
    assert err.endswith(
        f"error: the previous release {previous} is invalid: the release was not built\n"
    )


def test_a_previous_release_without_inline_schemas_cannot_be_compared(
    current: Path, tmp_path: Path
) -> None:
    def path_schema(descriptor: dict[str, Any], tables: dict[str, list[list[str]]]) -> None:
        descriptor["resources"][0]["schema"] = "schemas/sources.json"

    previous = _previous(current, tmp_path / "old.zip", "0.0.3", path_schema)
    code, _, err = _run("--out", str(tmp_path / "dist"), "--previous", str(previous))
    assert code == 2
    assert "resource 'sources' has no inline Table Schema" in err
