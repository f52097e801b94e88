"""The validator: keys, references, cells and rows, each reported where it is."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import astana_talks
from astana_talks.models import MODELS, TABLES, Record

from .helpers import ROOT, replace_in


def _edit(path: Path, row: int, column: str, value: str) -> None:
    """Set one cell; ``row`` is the physical line (header = 1)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[row - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _found(package: Path) -> list[tuple[str, str | None, int | None, str | None]]:
    return [(p.code, p.table, p.row, p.field) for p in astana_talks.validate(package).problems]


def test_canonical_data_is_valid() -> None:
    report = astana_talks.validate()
    assert report.problems == ()
    assert report.valid


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.table)
def test_primary_keys_are_unique_in_the_csv(model: type[Record]) -> None:
    frame = pd.read_csv(ROOT / "data" / f"{model.table}.csv", dtype=str, keep_default_na=False)
    assert not frame.duplicated(list(model.primary_key)).any()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.table)
def test_foreign_keys_resolve_in_the_csv(model: type[Record]) -> None:
    frame = pd.read_csv(ROOT / "data" / f"{model.table}.csv", dtype=str, keep_default_na=False)
    for column, target in model.foreign_keys.items():
        (key,) = TABLES[target].primary_key
        known = set(pd.read_csv(ROOT / "data" / f"{target}.csv", dtype=str)[key])
        values = {v for v in frame[column] if v != ""}
        assert values <= known, (model.table, column, values - known)


def _cell(path: Path, line: int, column: str) -> str:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))[line - 2][column]


def _uncited(path: Path, table: str) -> list[int]:
    """Lines of ``table`` whose rows no citation or dispute names: their keys may change."""
    cited = {
        row["record"]
        for name in ("citations", "disputes")
        for row in csv.DictReader((path.parent / f"{name}.csv").open(encoding="utf-8"))
        if row["table_name"] == table
    }
    key = TABLES[table].primary_key
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    return [i + 2 for i, row in enumerate(rows) if "/".join(row[k] for k in key) not in cited]


def test_four_defects_in_participants_are_reported_in_one_run(package_copy: Path) -> None:
    path = package_copy / "data" / "participants.csv"
    hosts = [line for line in _uncited(path, "participants") if _cell(path, line, "role") == "host"]
    a = hosts[0]
    b, c, d = [line for line in _uncited(path, "participants") if line > a][:3]
    _edit(path, a, "role", "hots")  # a wrong role (on a host's row: no follow-on problem)
    for column in ("round_number", "actor_id", "role"):  # a duplicated key (the row above's)
        _edit(path, b, column, _cell(path, b - 1, column))
    _edit(path, b, "attendance", "absent")  # (and not an exact copy of it)
    _edit(path, c, "quote", " ".join(["word"] * 30))  # a quote far longer than a fact needs
    _edit(path, d, "round_number", "23")  # a dangling round number
    problems = astana_talks.validate(package_copy).problems
    assert [(p.code, p.row, p.field) for p in problems] == [
        ("not-in-vocabulary", a, "role"),
        ("duplicate-key", b, None),
        ("quote-too-long", c, "quote"),
        ("foreign-key", d, "round_number"),
    ]
    assert problems[0].hint == "did you mean 'host'?"


def test_a_dangling_actor_is_a_foreign_key_problem(package_copy: Path) -> None:
    _edit(package_copy / "data" / "relations.csv", 2, "object_id", "astana-guarantor")
    assert _found(package_copy) == [("foreign-key", "relations", 2, "object_id")]


@pytest.mark.parametrize(
    ("table", "column", "value", "code"),
    [
        ("rounds", "round_number", "+21", "type-error"),
        ("rounds", "round_number", "021", "type-error"),
        ("rounds", "round_number", "0", "out-of-range"),
        ("rounds", "start_date", "2024-1-24", "invalid-date"),
        ("rounds", "start_date", "2024-02-30", "invalid-date"),
        ("rounds", "status", "Held", "not-in-vocabulary"),
        ("rounds", "country", "Kazakhstan", "pattern-mismatch"),
        ("rounds", "status", "", "required-value"),
        ("agenda_items", "most_prominent", "yes", "type-error"),
        ("actors", "wikidata", "43", "pattern-mismatch"),
        ("actors", "actor_id", "Turkiye", "pattern-mismatch"),
        ("actors", "quote", " Türkiye", "pattern-mismatch"),
        ("events", "inferred_fields", "year", "row-rule"),
        ("events", "date", "2023-02-29", "invalid-date"),
        ("figures", "value", "99999999999999999999", "out-of-range"),
    ],
)
def test_a_bad_cell_is_reported_at_its_row_and_column(
    package_copy: Path, table: str, column: str, value: str, code: str
) -> None:
    _edit(package_copy / "data" / f"{table}.csv", 2, column, value)
    found = [f for f in _found(package_copy) if f[0] not in ("foreign-key", "host-not-participant")]
    assert found[0] == (code, table, 2, column)


def test_end_before_start_is_a_row_rule(package_copy: Path) -> None:
    _edit(package_copy / "data" / "rounds.csv", 4, "end_date", "2017-03-13")  # round 3
    [problem] = astana_talks.validate(package_copy).problems
    assert (problem.code, problem.row, problem.message) == (
        "row-rule",
        4,
        "end_date 2017-03-13 is before start_date 2017-03-14",
    )


def test_a_renamed_column_is_a_header_problem(package_copy: Path) -> None:
    replace_in(package_copy / "data" / "figures.csv", "measure,value", "measure,amount")
    problems = astana_talks.validate(package_copy).problems
    header = [p for p in problems if p.table == "figures"]
    assert [(p.code, p.row, p.field, p.column) for p in header] == [
        ("missing-column", 1, "value", None),
        ("extra-column", 1, "amount", 3),
    ]


def test_blank_and_ragged_rows_are_reported(package_copy: Path) -> None:
    path = package_copy / "data" / "figures.csv"
    path.write_text(path.read_text(encoding="utf-8") + ",,,,,,,,,,\nx,y\n", encoding="utf-8")
    assert _found(package_copy) == [
        ("blank-row", "figures", 5, None),
        ("ragged-row", "figures", 6, None),
    ]


@pytest.mark.parametrize("table", list(TABLES))
def test_a_blank_row_is_reported_alone_in_any_table(package_copy: Path, table: str) -> None:
    """Dropping a blank row leaves every column, plain or encoded, usable by the checks
    that follow (a blank row in delegations once broke the key lookups)."""
    path = package_copy / "data" / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    path.write_text(text + "," * (len(TABLES[table].columns()) - 1) + "\n", encoding="utf-8")
    assert _found(package_copy) == [("blank-row", table, lines + 1, None)]


def test_a_bom_is_tolerated_and_reported(package_copy: Path) -> None:
    path = package_copy / "data" / "figures.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    report = astana_talks.validate(package_copy)
    assert [(p.code, p.severity) for p in report.problems] == [("byte-order-mark", "warning")]
    assert report.valid


def test_bytes_that_are_not_utf8_are_reported(package_copy: Path) -> None:
    path = package_copy / "data" / "figures.csv"
    path.write_bytes(path.read_bytes().replace("Türkiye".encode(), "Türkiye".encode("latin-1")))
    assert ("encoding-error", "figures", 4, None) in _found(package_copy)


def test_a_duplicate_name_for_two_actors_is_ambiguous(package_copy: Path) -> None:
    _edit(package_copy / "data" / "actor_names.csv", 3, "name", "Ankara")
    _edit(package_copy / "data" / "actor_names.csv", 3, "actor_id", "iran")
    codes = [f[0] for f in _found(package_copy)]
    assert "ambiguous-name" in codes


def test_validation_never_changes_its_input(package_copy: Path) -> None:
    _edit(package_copy / "data" / "participants.csv", 2, "role", "hots")
    before = {
        p: (p.read_bytes(), p.stat().st_mtime_ns) for p in package_copy.rglob("*") if p.is_file()
    }
    astana_talks.validate(package_copy)
    after = {
        p: (p.read_bytes(), p.stat().st_mtime_ns) for p in package_copy.rglob("*") if p.is_file()
    }
    assert before == after


@pytest.mark.parametrize("name", ["missing", "file.txt"])
def test_an_unreadable_path_is_one_problem(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    if name == "file.txt":
        target.write_text("not a package", encoding="utf-8")
    [problem] = astana_talks.validate(target).problems
    assert problem.code == "unreadable-input"


def test_a_resource_path_outside_the_package_is_refused(package_copy: Path) -> None:
    replace_in(package_copy / "datapackage.json", '"data/figures.csv"', '"../figures.csv"')
    [problem] = astana_talks.validate(package_copy).problems
    assert (problem.code, problem.value) == ("unsafe-path", "../figures.csv")


def test_a_table_missing_columns_does_not_break_the_cross_table_rules(package_copy: Path) -> None:
    # found by tools/fuzz.py: rules reading rows crashed on a header without 'name'
    replace_in(package_copy / "data" / "actors.csv", "actor_id,name,kind", "actor_id,nme,kind")
    found = [(code, table, row, field) for code, table, row, field in _found(package_copy)]
    assert ("missing-column", "actors", 1, "name") in found
    assert ("extra-column", "actors", 1, "nme") in found


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12) | st.from_regex(r"[ -~]{0,12}", fullmatch=True), max_size=20))
def test_column_wise_name_folding_equals_resolve_actors(names: list[str]) -> None:
    import pyarrow as pa

    from astana_talks.cross_checks import _normalized
    from astana_talks.names import normalize_name

    cells = [n for n in names if not any("\ud800" <= c <= "\udfff" for c in n)]
    folded = _normalized(pa.array(cells, pa.string())).to_pylist()
    assert folded == [normalize_name(n) for n in cells]


def test_hints_are_bounded_by_the_comparisons_they_cost() -> None:
    from astana_talks.cells import Suggester

    small = Suggester(["host", "guarantor", "party", "observer"])
    assert small("gurantor") == "did you mean 'guarantor'?"
    assert small.limit == Suggester.BUDGET
    keys = Suggester(f"actor-{n}" for n in range(2_000))
    hints = [keys(f"actr-{n}") for n in range(50)]
    assert hints[0] == "did you mean 'actor-0'?"
    assert sum(h is not None for h in hints) == Suggester.COMPARISONS // 2_000


# A few letters, so that texts come out close to each other, and a lone surrogate, an
# accent and an emoji, which both libraries must count as one character each.
_FEW = st.text(alphabet="ab-1é\ud800😀", max_size=9)


@settings(max_examples=500, deadline=None)
@given(_FEW, st.lists(_FEW, max_size=12))
@example("101", ["10", "11"])  # a tie: the greater text
@example("abba1", ["ab1b1", "bb1bb"])  # a tie with a text whose bound is lower: still compared
def test_hints_are_the_matches_difflib_would_give(word: str, allowed: list[str]) -> None:
    from difflib import get_close_matches

    from astana_talks.cells import closest

    expected = get_close_matches(word, allowed, n=1, cutoff=0.6)
    assert closest(word, allowed) == (expected[0] if expected else None)


def test_a_misspelt_source_id_gets_the_hint_difflib_gives() -> None:
    from difflib import get_close_matches

    from astana_talks.cells import Suggester, suggest

    ids = [source.source_id for source in astana_talks.load().sources]
    assert len(ids) > 300
    some = ids[::6]  # difflib itself takes 1-5 ms a search
    named = 0
    for wanted in some:
        middle = len(wanted) // 2
        typo = wanted[:middle] + wanted[middle + 1 :]  # a letter dropped
        close = get_close_matches(typo, ids, n=1, cutoff=0.6)
        assert close, typo
        assert suggest(typo.upper(), ids) == f"did you mean {close[0]!r}?"
        named += close[0] == wanted
    assert named >= 0.95 * len(some)
    hints = Suggester(ids)
    assert hints("TASS-2017-01-23-talks-opn") == "did you mean 'tass-2017-01-23-talks-open'?"
    assert hints("no-such-source-155") is None


def test_a_million_distinct_bad_values_get_hints_in_bounded_time() -> None:
    import time

    from astana_talks.cells import Suggester

    ids = [source.source_id for source in astana_talks.load().sources]
    hints = Suggester(ids)
    start = time.perf_counter()
    given = [hints(f"{n}-{ids[n % len(ids)]}") for n in range(1_000_000)]
    elapsed = time.perf_counter() - start
    assert len(hints.cache) == hints.limit == Suggester.COMPARISONS // len(ids)
    assert sum(hint is not None for hint in given) == hints.limit
    assert elapsed < 3, elapsed  # some 0.3 s; a hint for each value would take minutes


def test_a_source_text_shared_by_many_sources_is_read_once(
    package_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from astana_talks.package import PackageSource

    sources = package_copy / "data" / "sources.csv"
    with sources.open(encoding="utf-8", newline="") as handle:
        header, row, *_ = list(csv.reader(handle))
    copies = [[f"{row[0]}-{n}", *row[1:]] for n in range(50)]
    with sources.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, row, *copies])
    reads: list[str] = []
    original = PackageSource.read

    def counting(self: PackageSource, relative: str) -> bytes:
        reads.append(relative)
        return original(self, relative)

    monkeypatch.setattr(PackageSource, "read", counting)
    report = astana_talks.validate(package_copy)
    assert report.usable
    assert [r for r in reads if r.endswith(".txt")] == [row[header.index("text_file")]]


def test_two_resources_with_one_name_are_a_descriptor_error(package_copy: Path) -> None:
    import json

    descriptor = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))
    [rounds] = [r for r in descriptor["resources"] if r["name"] == "rounds"]
    descriptor["resources"].append({**rounds, "path": "data/figures.csv"})
    (package_copy / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    messages = [p.message for p in astana_talks.validate(package_copy).problems]
    assert "two resources are named 'rounds': which one is read is unclear" in messages


def test_a_partial_sources_table_keeps_the_quote_rules_of_the_shipped_sources(
    tmp_path: Path,
) -> None:
    """A contribution's sources.csv adds to the shipped sources for the quote rules, as it
    does for references: a long quote of a shipped, cited source is still too long."""
    case = ROOT / "tests" / "corpus" / "114-quote-too-long"
    folder = tmp_path / "contribution"
    folder.mkdir()
    (folder / "actor_names.csv").write_bytes((case / "actor_names.csv").read_bytes())
    header = (ROOT / "data" / "sources.csv").read_text(encoding="utf-8").splitlines()[0]
    (folder / "sources.csv").write_text(
        header + "\nexample-2024-01-report,A report,Example News,news,"
        "https://example.com/report,2024-01,en,2026-11-29,,,,\n",
        encoding="utf-8",
    )
    assert [p.code for p in astana_talks.validate(folder).problems] == ["quote-too-long"]
