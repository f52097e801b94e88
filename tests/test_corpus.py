"""The corpus of broken contributions: each one's problems, through the library and the CLI.

Every folder under ``tests/corpus`` is one contribution; its ``expected.json`` says,
written by hand, the command-line arguments, the exit status and the problems as
(file, row, column, code).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

import astana_talks
from astana_talks.cli import cli

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p for p in CORPUS.iterdir() if p.is_dir())
SCHEMA = json.loads(
    (Path(astana_talks.__file__).parent / "report.schema.json").read_text(encoding="utf-8")
)


def expected(case: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    return found


def found(problems: list[dict[str, Any]]) -> list[list[Any]]:
    return sorted(([p["file"], p["row"], p["field"], p["code"]] for p in problems), key=str)


def _paths_and_table(args: list[str]) -> tuple[list[str], str | None]:
    if args[:1] == ["--table"]:
        return args[2:], args[1]
    return args, None


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert sum(len(expected(c)["problems"]) > 1 for c in CASES) >= 3


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_library_reports_exactly_the_expected_problems(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(case)
    want = expected(case)
    paths, table = _paths_and_table(want["args"])
    report = astana_talks.validate(*paths, table=table)
    assert found(report.to_dict()["problems"]) == sorted(want["problems"], key=str)
    assert report.valid == (want["exit"] == 0)
    assert report.usable == (want["exit"] != 2)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_cli_json_reports_the_expected_problems_and_exit_status(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(case)
    want = expected(case)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in case.rglob("*") if p.is_file()}
    result = CliRunner().invoke(cli, ["validate", "--format", "json", *want["args"]])
    assert result.exit_code == want["exit"], result.output
    report = json.loads(result.stdout)
    jsonschema.validate(report, SCHEMA)
    assert found(report["problems"]) == sorted(want["problems"], key=str)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in case.rglob("*") if p.is_file()}
    assert after == before  # content, modification time, and no file added
    assert "Traceback" not in result.stderr


def test_every_problem_code_has_an_example_in_the_corpus() -> None:
    shown = {problem[3] for case in CASES for problem in expected(case)["problems"]}
    assert set(astana_talks.problems.CODES) - shown == set()


def test_the_contributing_page_shows_real_output(monkeypatch: pytest.MonkeyPatch) -> None:
    page = (CORPUS.parent.parent / "docs" / "contributing.md").read_text(encoding="utf-8")
    shown = page.split("$ astana-talks validate participants.csv\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(CORPUS / "63-participants-four-defects")
    result = CliRunner().invoke(cli, ["validate", "participants.csv"])
    assert result.exit_code == 1
    assert result.stdout == shown  # the report is the result: stdout, valid or not
