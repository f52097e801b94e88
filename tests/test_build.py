"""Publishing: the release opens in Frictionless, pandas, DuckDB and SQLite with the
types of ``astana_talks.load()``, and depends only on the build's inputs."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import astana_talks
from astana_talks import Dataset
from astana_talks.build import BuildError, build
from astana_talks.cli import cli
from astana_talks.models import MODELS, TABLES, Source
from astana_talks.schemas import Column, columns

from .helpers import ROOT, replace_in

VERSION = astana_talks.__version__


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build(out=out)
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_the_release_has_every_part(release: Path) -> None:
    with zipfile.ZipFile(release / f"astana-talks-{VERSION}.zip") as archive:
        names = set(archive.namelist())
    assert {
        "datapackage.json",
        "codebook.md",
        "CHANGELOG.md",
        "CITATION.cff",
        "dataset.jsonld",
    } <= names
    assert {f"data/{m.table}.csv" for m in MODELS} | {
        f"schemas/{m.table}.json" for m in MODELS
    } <= names
    assert "data/sources/dailysabah-2024-01-astana-21.txt" in names
    folder = release / f"astana-talks-{VERSION}"
    assert {p.name for p in folder.iterdir()} == {
        "parquet",
        "json",
        "astana-talks.xlsx",
        "astana-talks.db",
        "astana-talks.duckdb",
        "metadata.json",
        "CHANGELOG.md",
        "CITATION.cff",
        "dataset.jsonld",
        "site",
    }
    assert (folder / "site" / "index.html").is_file()
    assert [p.name for p in release.iterdir() if p.name.startswith(".")] == []


def test_building_twice_gives_identical_bytes(release: Path, tmp_path: Path) -> None:
    build(out=tmp_path)
    assert _files(tmp_path) == _files(release)


def test_the_descriptor_records_bytes_hashes_and_created(release: Path) -> None:
    import hashlib

    with zipfile.ZipFile(release / f"astana-talks-{VERSION}.zip") as archive:
        descriptor = json.loads(archive.read("datapackage.json"))
        for resource in descriptor["resources"]:
            data = archive.read(resource["path"])
            assert resource["bytes"] == len(data)
            assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    assert descriptor["version"] == VERSION
    assert descriptor["created"].endswith("Z")


def test_load_of_the_zip_equals_the_canonical_data(release: Path, ds: Dataset) -> None:
    assert astana_talks.load(release / f"astana-talks-{VERSION}.zip") == ds


def test_frictionless_validates_the_zip(release: Path) -> None:
    from frictionless import Package

    report = Package(str(release / f"astana-talks-{VERSION}.zip")).validate(limit_errors=0)
    assert report.valid, report.flatten(["type", "note"])


def test_parquet_has_the_schema_types_and_duckdb_reads_it(release: Path, ds: Dataset) -> None:
    import duckdb

    folder = release / f"astana-talks-{VERSION}" / "parquet"
    for model in MODELS:
        table = pq.read_table(folder / f"{model.table}.parquet")
        assert table.num_rows == len(ds.table(model.table))
        for column in columns(model):
            kind = table.schema.field(column.name).type
            if column.datatype == "integer":
                assert kind == pa.int64(), column.name
            elif column.datatype == "boolean":
                assert kind == pa.bool_(), column.name
            elif column.vocabulary is not None:
                assert pa.types.is_dictionary(kind), column.name
            else:
                assert kind == pa.string(), column.name
    frame = pq.read_table(folder / "rounds.parquet").to_pandas()
    assert frame["start_date"].tolist()[:2] == ["2017-01-23", "2017-02-15"]
    outcomes = pq.read_table(folder / "outcomes.parquet").to_pandas()
    assert outcomes["date"].eq("2017-07").any()  # a month stays a month
    relation = duckdb.sql(
        f"select actor_id from '{folder / 'participants.parquet'}' "
        "where round_number = 21 and role = 'observer' order by actor_id"
    )
    assert relation is not None
    rows = relation.fetchall()
    assert rows == [
        ("icrc",),
        ("iraq",),
        ("jordan",),
        ("lebanon",),
        ("unhcr",),
        ("united-nations",),
    ]


def test_sqlite_has_keys_indexes_and_the_rows(release: Path, ds: Dataset) -> None:
    connection = sqlite3.connect(release / f"astana-talks-{VERSION}" / "astana-talks.db")
    try:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        for model in MODELS:
            (count,) = connection.execute(f"select count(*) from {model.table}").fetchone()
            assert count == len(ds.table(model.table))
            info = connection.execute(f"PRAGMA table_info({model.table})").fetchall()
            keys = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
            assert keys == list(model.primary_key)
        references = connection.execute("PRAGMA foreign_key_list(participants)").fetchall()
        assert {(r[2], r[3]) for r in references} == {
            ("rounds", "round_number"),
            ("actors", "actor_id"),
            ("sources", "source_id"),
        }
        indexes = {r[1] for r in connection.execute("PRAGMA index_list(participants)")}
        assert "idx_participants_actor_id" in indexes
    finally:
        connection.close()


def test_pandas_reads_every_parquet_table_with_the_dtypes_of_load(
    release: Path, ds: Dataset
) -> None:
    folder = release / f"astana-talks-{VERSION}" / "parquet"
    for model in MODELS:
        frame = pd.read_parquet(folder / f"{model.table}.parquet")
        pd.testing.assert_frame_equal(frame, ds.frame(model.table), check_exact=True)
    events = pd.read_parquet(folder / "events.parquet")
    assert events["round_number"].dtype == "Int64"  # not float64 with NaN
    assert events["round_number"].isna().any()
    assert events["occurred"].dtype == "boolean"
    kind = {c.name: c for c in columns(TABLES["events"])}["kind"]
    assert list(events["kind"].cat.categories) == list(kind.enum or ())  # the whole vocabulary


def _duckdb_type(column: Column) -> str:
    if column.enum is not None:
        return "ENUM(" + ", ".join(f"'{v}'" for v in column.enum) + ")"
    return {"integer": "BIGINT", "boolean": "BOOLEAN"}.get(column.datatype, "VARCHAR")


def test_duckdb_has_enum_types_keys_and_every_row_of_load(release: Path, ds: Dataset) -> None:
    import duckdb

    path = release / f"astana-talks-{VERSION}" / "astana-talks.duckdb"
    with duckdb.connect(str(path), read_only=True) as database:
        enums = dict(
            database.execute(
                "SELECT type_name, logical_type FROM duckdb_types() "
                "WHERE database_name = ? AND NOT internal",
                ["astana-talks"],
            ).fetchall()
        )
        assert enums["round_status"] == "ENUM"
        assert set(enums) == {
            re.sub(r"(?<!^)(?=[A-Z])", "_", c.vocabulary.__name__).lower()
            for m in MODELS
            for c in columns(m)
            if c.vocabulary is not None
        }
        for model in MODELS:
            described = database.execute(f'DESCRIBE "{model.table}"').fetchall()
            assert [(r[0], r[1], r[2]) for r in described] == [
                (c.name, _duckdb_type(c), "NO" if c.required else "YES") for c in columns(model)
            ], model.table
            keys = database.execute(
                "SELECT constraint_column_names FROM duckdb_constraints() "
                "WHERE table_name = ? AND constraint_type = 'PRIMARY KEY'",
                [model.table],
            ).fetchall()
            assert keys == [(list(model.primary_key),)]
            count = database.execute(f'SELECT count(*) FROM "{model.table}"').fetchall()
            assert count == [(len(ds.table(model.table)),)]
            frame = database.table(model.table).df()
            expected = ds.frame(model.table)
            for column in columns(model):
                if column.enum is not None:  # an ENUM reaches pandas as its whole vocabulary
                    assert list(frame[column.name].cat.categories) == list(column.enum)
            pd.testing.assert_frame_equal(frame.astype(expected.dtypes.to_dict()), expected)
        references = database.execute(
            "SELECT constraint_column_names FROM duckdb_constraints() "
            "WHERE table_name = 'participants' AND constraint_type = 'FOREIGN KEY'"
        ).fetchall()
        assert sorted(references) == [(["actor_id"],), (["round_number"],), (["source_id"],)]


def _publishing_snippet(heading: str) -> str:
    text = (ROOT / "docs" / "publishing.md").read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    found = re.search(r"```python\n(.*?)```", section, flags=re.S)
    assert found is not None
    return found.group(1).replace("0.1.0", VERSION)


@pytest.mark.parametrize("heading", ["### pandas and Parquet", "### DuckDB"])
def test_the_reading_examples_in_publishing_md_give_the_data_of_load(
    heading: str, release: Path, ds: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(release.parent)
    snippet = _publishing_snippet(heading).replace("dist/", f"{release.name}/")
    namespace: dict[str, object] = {}
    exec(compile(snippet, "docs/publishing.md", "exec"), namespace)
    events = namespace["events"]
    assert isinstance(events, pd.DataFrame)
    expected = ds.frame("events")
    pd.testing.assert_frame_equal(events.astype(expected.dtypes.to_dict()), expected)
    assert events["round_number"].dtype == "Int64"
    database = namespace.get("database")
    if database is not None:
        database.close()  # type: ignore[attr-defined]


def test_sqlite_reads_back_with_the_dtypes_of_load_as_publishing_md_shows(
    release: Path, ds: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(release.parent)
    snippet = _publishing_snippet("### SQLite").replace("dist/", f"{release.name}/")
    namespace: dict[str, object] = {}
    exec(compile(snippet, "docs/publishing.md", "exec"), namespace)
    events = namespace["events"]
    assert isinstance(events, pd.DataFrame)
    assert events["round_number"].dtype == "Int64"
    pd.testing.assert_frame_equal(events, ds.frame("events"))
    read_typed, descriptor = namespace["read_typed"], namespace["descriptor"]
    assert callable(read_typed)
    database = sqlite3.connect(release / f"astana-talks-{VERSION}" / "astana-talks.db")
    try:
        for model in MODELS:
            frame = read_typed(database, model.table, descriptor)
            pd.testing.assert_frame_equal(frame, ds.frame(model.table))
    finally:
        database.close()
    # without the schema, SQLite gives what it stores: nullable integers, never floats
    database = sqlite3.connect(release / f"astana-talks-{VERSION}" / "astana-talks.db")
    try:
        plain = pd.read_sql("SELECT * FROM events", database, dtype_backend="numpy_nullable")
    finally:
        database.close()
    assert plain["round_number"].dtype == "Int64"


def test_datasette_metadata_documents_every_table(release: Path) -> None:
    metadata = json.loads((release / f"astana-talks-{VERSION}" / "metadata.json").read_text())
    assert metadata["license"] == "CC-BY-4.0"
    tables = metadata["databases"]["astana-talks"]["tables"]
    assert set(tables) == {m.table for m in MODELS}
    assert all(tables[m.table]["columns"].keys() == set(m.columns()) for m in MODELS)


def test_json_ld_is_a_schema_org_dataset(release: Path) -> None:
    ld = json.loads((release / f"astana-talks-{VERSION}" / "dataset.jsonld").read_text())
    assert (ld["@context"], ld["@type"], ld["version"]) == (
        "https://schema.org/",
        "Dataset",
        VERSION,
    )
    assert ld["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_an_invalid_package_builds_nothing_and_exits_1(package_copy: Path, tmp_path: Path) -> None:
    replace_in(package_copy / "data" / "rounds.csv", ",held,", ",hled,")
    out = tmp_path / "dist"
    result = CliRunner().invoke(cli, ["build", str(package_copy), "--out", str(out)])
    assert result.exit_code == 1
    assert "not-in-vocabulary" in result.stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_new_rows_need_a_new_minor_version(
    release: Path, package_copy: Path, tmp_path: Path
) -> None:
    previous = release / f"astana-talks-{VERSION}.zip"
    rounds = package_copy / "data" / "rounds.csv"
    rounds.write_text(
        rounds.read_text(encoding="utf-8")
        + "23,2025-05,2025-05,Astana,astana,KAZ,,held,dailysabah-2024-01-astana-21,"
        "will attend the 21st round of talks,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(BuildError, match="version policy"):
        build(package_copy, tmp_path / "same", previous)
    assert not (tmp_path / "same").exists() or list((tmp_path / "same").iterdir()) == []
    replace_in(package_copy / "datapackage.json", f'"version": "{VERSION}"', '"version": "0.2.0"')
    made = build(package_copy, tmp_path / "next", previous)
    log = (made.folder / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"Data changes since {VERSION}:" in log
    assert "- `rounds`: 1 added" in log
    assert "+ rounds 23" in log


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_workbook_stores_formula_like_text_as_text_and_the_zip_keeps_the_evidence(
    package_copy: Path, tmp_path: Path
) -> None:
    described = ",true,Kazakhstan's foreign ministry announced"
    replace_in(package_copy / "data" / "events.csv", described, ",true,=HYPERLINK(1)")
    release = build(package_copy, out=tmp_path)
    with zipfile.ZipFile(release.zip) as archive:
        canonical = _csv_rows(archive.read("data/events.csv"))
    assert canonical[1][8].startswith("=HYPERLINK(1)")  # the evidence is published as it is
    book = openpyxl.load_workbook(release.folder / "astana-talks.xlsx")
    cell = book["events"].cell(row=2, column=9)
    assert (cell.data_type, cell.value) == ("s", canonical[1][8])  # text, no apostrophe


def test_the_release_workbook_has_every_table_and_reads_back_as_the_canonical_rows(
    release: Path, ds: Dataset
) -> None:
    book = openpyxl.load_workbook(release / f"astana-talks-{VERSION}" / "astana-talks.xlsx")
    assert book.sheetnames == [m.table for m in MODELS] + ["codebook"]
    for model in MODELS:
        rows = list(book[model.table].iter_rows(values_only=True))
        assert len(rows) - 1 == len(ds.table(model.table))


def _build(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["build", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stderr


def test_no_program_runs_for_a_build(
    package_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a repository's config can make git run programs; and the release must not
    # depend on the checkout's history: git is never run, for any input
    import subprocess

    (package_copy / ".git").mkdir()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"ran {args}")

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setattr(subprocess, "run", refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    assert _build(str(package_copy), "--out", str(tmp_path / "dist"))[0] == 0
    assert _build("--out", str(tmp_path / "shipped"))[0] == 0


def _created(release_zip: Path) -> str:
    with zipfile.ZipFile(release_zip) as archive:
        created = json.loads(archive.read("datapackage.json"))["created"]
    assert isinstance(created, str)
    return created


def test_created_is_the_latest_day_a_source_was_read_or_source_date_epoch(
    ds: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    latest = max(s.accessed.earliest() for s in ds.table("sources") if isinstance(s, Source))
    made = build(out=tmp_path / "data")
    assert _created(made.zip) == f"{latest.isoformat()}T00:00:00Z"
    assert f"## {VERSION} ({latest.isoformat()})" in (made.folder / "CHANGELOG.md").read_text()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert _created(build(out=tmp_path / "epoch").zip) == "2023-11-14T22:13:20Z"


@pytest.mark.parametrize("epoch", ["yesterday", "-5", "1e9", "99999999999999999999"])
def test_a_malformed_source_date_epoch_is_a_usage_error(
    epoch: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    code, err = _build("--out", str(tmp_path / "dist"))
    assert code == 2
    assert err == (
        f"error: SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970-01-01\n"
    )
    assert not (tmp_path / "dist").exists()


def test_a_version_that_is_a_path_is_refused_and_nothing_is_written(
    package_copy: Path, tmp_path: Path
) -> None:
    descriptor = package_copy / "datapackage.json"
    replace_in(descriptor, f'"version": "{VERSION}"', '"version": "0.1.0/../../victim"')
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "thesis.txt").write_text("important", encoding="utf-8")
    report = astana_talks.validate(package_copy)
    assert [p.message for p in report.problems] == [
        "version '0.1.0/../../victim' is not MAJOR.MINOR.PATCH (e.g. 0.2.0)"
    ]
    out = tmp_path / "deep" / "dist"
    code, err = _build(str(package_copy), "--out", str(out))
    assert code == 1
    assert "is not MAJOR.MINOR.PATCH" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["package", "victim"]
    assert (victim / "thesis.txt").read_text(encoding="utf-8") == "important"


def _release_text(release: Path) -> str:
    texts = [p.read_bytes() for p in release.rglob("*") if p.is_file() and p.suffix != ".zip"]
    for archive_path in release.glob("*.zip"):
        with zipfile.ZipFile(archive_path) as archive:
            texts += [archive.read(name) for name in archive.namelist()]
    return b"\n".join(texts).decode("utf-8", "replace")


def test_no_changelog_is_read_unless_named(package_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("## secret\nAWS_SECRET=hunter2\n", encoding="utf-8")
    (package_copy / "CHANGELOG.md").symlink_to(secret)
    above = "## 9.9.9\nnotes-from-the-folder-above-the-package\n"
    (package_copy.parent / "CHANGELOG.md").write_text(above, encoding="utf-8")
    out = tmp_path / "dist"
    assert _build(str(package_copy), "--out", str(out)) == (0, "")
    published = _release_text(out)
    assert "hunter2" not in published
    assert "notes-from-the-folder-above-the-package" not in published
    log = (out / f"astana-talks-{VERSION}" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## secret" not in log


def test_the_named_changelog_follows_the_generated_section(tmp_path: Path) -> None:
    history = tmp_path / "CHANGELOG.md"
    history.write_text(
        f"# Changelog\n\n## {VERSION}\n\nNotes for this version.\n\n## 0.0.1\n\nOlder.\n",
        encoding="utf-8",
    )
    out = tmp_path / "dist"
    assert _build("--out", str(out), "--changelog", str(history)) == (0, "")
    log = (out / f"astana-talks-{VERSION}" / "CHANGELOG.md").read_text(encoding="utf-8")
    assert log.index("First release built") < log.index("Notes for this version.")
    assert log.index("Notes for this version.") < log.index("## 0.0.1\n\nOlder.")
    with zipfile.ZipFile(out / f"astana-talks-{VERSION}.zip") as archive:
        assert archive.read("CHANGELOG.md").decode("utf-8") == log


def test_an_unreadable_changelog_is_a_usage_error(tmp_path: Path) -> None:
    import os

    latin = tmp_path / "latin.md"
    latin.write_bytes(b"## 0.1.0\ncaf\xe9\n")
    code, err = _build("--out", str(tmp_path / "dist"), "--changelog", str(latin))
    assert (code, err) == (2, f"error: {latin}: error [encoding-error] byte 12 is not UTF-8\n")
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)
    code, err = _build("--out", str(tmp_path / "dist"), "--changelog", str(pipe))
    assert code == 2
    assert "is not a regular file" in err
    code, _ = _build("--out", str(tmp_path / "dist"), "--changelog", str(tmp_path / "none.md"))
    assert code == 2
    assert not (tmp_path / "dist").exists()


def test_the_release_publishes_the_bytes_that_were_validated(tmp_path: Path) -> None:
    # the descriptor moves rounds to tables/rounds.csv; a stale data/rounds.csv beside
    # it was never validated and must not reach the release
    archive = tmp_path / "moved.zip"
    descriptor = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    [rounds] = [r for r in descriptor["resources"] if r["name"] == "rounds"]
    rounds["path"] = "tables/rounds.csv"
    canonical = (ROOT / "data" / "rounds.csv").read_bytes()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("datapackage.json", json.dumps(descriptor))
        for path in sorted((ROOT / "data").rglob("*")):
            if path.is_file() and path.name != "rounds.csv":
                zf.write(path, path.relative_to(ROOT).as_posix())
        zf.writestr("tables/rounds.csv", canonical)
        zf.writestr("data/rounds.csv", canonical.replace(b"Astana", b"UNVALIDATED"))
    release = build(archive, out=tmp_path / "dist")
    with zipfile.ZipFile(release.zip) as zf:
        assert zf.read("data/rounds.csv") == canonical


def test_build_needs_a_package_and_an_out_outside_its_data(
    package_copy: Path, tmp_path: Path
) -> None:
    loose = tmp_path / "loose"
    loose.mkdir()
    for path in (package_copy / "data").glob("*.csv"):
        (loose / path.name).write_bytes(path.read_bytes())
    code, err = _build(str(loose), "--out", str(tmp_path / "dist"))
    assert code == 1
    assert "is not a data package" in err
    code, err = _build(str(package_copy), "--out", str(package_copy / "data" / "dist"))
    assert code == 2
    assert "is inside the data of the package" in err
    assert not (package_copy / "data" / "dist").exists()
