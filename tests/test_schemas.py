"""One source of truth: the models generate the schemas, the descriptor and the codebook."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import astana_talks
from astana_talks.dates import PARTIAL_DATE_FORMAT
from astana_talks.generate import drifted, expected_files
from astana_talks.models import MODELS, Record
from astana_talks.schemas import (
    DATA_PACKAGE_PROFILE,
    Column,
    _unanchor,
    columns,
)
from astana_talks.vocabularies import Vocabulary

from .helpers import ROOT


def test_generated_files_have_not_drifted_from_the_models() -> None:
    assert [str(p.relative_to(ROOT)) for p in drifted(ROOT)] == []


def test_generate_notices_a_hand_edited_schema(tmp_path: Path) -> None:
    for name in ("data", "schemas", "docs"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "datapackage.json", tmp_path)
    shutil.copy(ROOT / "CITATION.cff", tmp_path)
    schema = tmp_path / "schemas" / "rounds.json"
    schema.write_text(schema.read_text(encoding="utf-8").replace('"held"', '"happened"'))
    assert drifted(tmp_path) == [schema]


def test_generated_schema_files_are_the_descriptor_resources() -> None:
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        on_disk = json.loads((ROOT / "schemas" / f"{resource['name']}.json").read_text())
        assert resource["schema"] == on_disk


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.table)
def test_csv_header_is_the_model_columns(model: type[Record]) -> None:
    with (ROOT / "data" / f"{model.table}.csv").open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert tuple(header) == model.columns()
    assert len(set(header)) == len(header)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.table)
def test_schema_fields_match_model_fields(model: type[Record]) -> None:
    schema = json.loads((ROOT / "schemas" / f"{model.table}.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in schema["fields"]] == list(model.columns())
    for field, column in zip(schema["fields"], columns(model), strict=True):
        assert field.get("constraints", {}).get("required", False) == column.required
        assert field.get("constraints", {}).get("enum") == (
            list(column.enum) if column.enum else None
        )
    assert schema["primaryKey"] == list(model.primary_key)


def test_csv_files_are_utf8_lf_without_bom() -> None:
    for path in sorted((ROOT / "data").glob("*.csv")):
        data = path.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf"), path
        assert b"\r" not in data, path
        assert data.endswith(b"\n"), path
        data.decode("utf-8")


def test_descriptor_is_data_package_v2_with_the_package_version() -> None:
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["$schema"] == DATA_PACKAGE_PROFILE
    assert descriptor["version"] == astana_talks.__version__
    for key in ("name", "title", "licenses", "sources", "contributors", "keywords"):
        assert descriptor[key], key
    assert {r["name"] for r in descriptor["resources"]} == {m.table for m in MODELS}
    assert all(
        "foreignKeys" in r["schema"]
        for r in descriptor["resources"]
        if r["name"] not in ("sources", "disputes")
    )


def test_frictionless_validates_the_package_with_zero_errors() -> None:
    from frictionless import Package

    report = Package(str(ROOT / "datapackage.json")).validate(limit_errors=0)
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type"])


def test_frictionless_cli_validates_the_descriptor_as_users_type_it() -> None:
    frictionless = Path(sys.executable).parent / "frictionless"
    result = subprocess.run(
        [str(frictionless), "validate", "datapackage.json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_frictionless_and_our_validator_agree_on_a_broken_cell(package_copy: Path) -> None:
    from frictionless import Package

    from .test_validate import _cell, _edit, _uncited

    path = package_copy / "data" / "participants.csv"
    line = next(n for n in _uncited(path, "participants") if _cell(path, n, "role") == "observer")
    _edit(path, line, "role", "observr")
    report = Package(str(package_copy / "datapackage.json")).validate(limit_errors=0)
    theirs = [(e[0], e[1]) for e in report.flatten(["rowNumber", "fieldName"])]
    ours = [(p.row, p.field) for p in astana_talks.validate(package_copy).problems]
    assert theirs == ours == [(line, "role")]


def test_expected_files_cover_every_schema_and_the_codebook() -> None:
    names = {str(p.relative_to(ROOT)) for p in expected_files(ROOT)}
    assert {f"schemas/{m.table}.json" for m in MODELS} <= names
    assert {"datapackage.json", "docs/codebook.md", "README.md"} <= names


def _columns_by_json_schema(model: type[Record]) -> tuple[Column, ...]:
    """The columns as the model's JSON Schema, Pydantic's own account of the fields,
    gives them (how ``schemas.columns`` read them until it read the fields)."""
    schema = model.model_json_schema()
    vocabularies: dict[str, type[Vocabulary]] = {}
    for info in model.model_fields.values():
        for candidate in getattr(info.annotation, "__args__", (info.annotation,)):
            if isinstance(candidate, type) and issubclass(candidate, Vocabulary):
                vocabularies[candidate.__name__] = candidate
    required = set(schema.get("required", ()))
    found = []
    for name in model.columns():
        prop = schema["properties"][name]
        nullable, body = False, prop
        if "anyOf" in prop:
            options = [option for option in prop["anyOf"] if option.get("type") != "null"]
            nullable = len(options) < len(prop["anyOf"])
            (body,) = options
        vocabulary = None
        if "$ref" in body:
            vocabulary = vocabularies[body["$ref"].rsplit("/", 1)[-1]]
            body = schema["$defs"][body["$ref"].rsplit("/", 1)[-1]]
        found.append(
            Column(
                name=name,
                datatype=body["type"],
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
    return tuple(found)


def test_columns_read_from_the_fields_are_those_of_the_json_schema() -> None:
    """``schemas.columns`` reads the models' fields (fast: no validators built, no
    JSON Schema generated); Pydantic's JSON Schema of each model must say the same."""
    for model in MODELS:
        assert columns(model) == _columns_by_json_schema(model), model.table
