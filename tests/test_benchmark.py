"""The benchmark's generated contributions: our validator finds exactly the injected
defects, of every kind (no timing here; see benchmarks/validate_speed.py and
docs/performance.md)."""

from __future__ import annotations

import importlib
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from .helpers import ROOT


@pytest.fixture(scope="module")
def benchmark() -> ModuleType:
    """benchmarks/validate_speed.py, with benchmarks/contribution.py beside it."""
    folder = str(ROOT / "benchmarks")
    sys.path.insert(0, folder)
    try:
        return importlib.import_module("validate_speed")
    finally:
        sys.path.remove(folder)


def test_findings_equal_the_manifest(benchmark: ModuleType, tmp_path: Path) -> None:
    contribution = sys.modules["contribution"]
    package, manifest = contribution.make_contribution(tmp_path, 10_000)
    found = benchmark.our_findings(package)
    missing, extra = benchmark.compare(found, manifest)
    assert not missing, sorted(missing)
    assert not extra, sorted(extra)  # nothing on a clean row, no cascade, nothing twice
    # every kind of defect is injected, into each table it is listed for
    injected = contribution.injected_kinds(tmp_path)
    for table, kinds in (
        ("actor_names", contribution.ACTOR_NAMES_DEFECTS),
        ("participants", contribution.PARTICIPANTS_DEFECTS),
    ):
        for kind in kinds:
            assert injected[f"{table}:{kind.name}"] >= 1, (table, kind.name)
    codes = {code for *_, code in manifest}
    assert codes == {code for k in contribution.ACTOR_NAMES_DEFECTS for code in k.codes} | {
        code for k in contribution.PARTICIPANTS_DEFECTS for code in k.codes
    }
    assert {
        "not-in-vocabulary",
        "foreign-key",
        "required-value",
        "duplicate-key",
        "duplicate-row",
        "pattern-mismatch",
        "type-error",
        "out-of-range",
        "invisible-character",
        "not-nfc",
        "formula-like",
        "row-rule",
        "quote-too-long",
        "quote-not-found",
        "quote-normalised-match",
        "ambiguous-name",
        "cell-too-large",
        "ragged-row",
        "blank-row",
        "line-endings",
        "round-guarantors",
        "host-not-participant",
        "citation-target",
    } <= codes


def test_generation_is_deterministic(tmp_path: Path, benchmark: ModuleType) -> None:
    contribution = sys.modules["contribution"]
    first = contribution.make_contribution(tmp_path / "a", 10_000)[1]
    second = contribution.make_contribution(tmp_path / "b", 10_000)[1]
    assert first == second
    for name in ("actor_names.csv", "participants.csv"):
        a = (tmp_path / "a" / "package" / "data" / name).read_bytes()
        assert a == (tmp_path / "b" / "package" / "data" / name).read_bytes()


def test_a_bad_cell_on_every_row(benchmark: ModuleType, tmp_path: Path) -> None:
    """The million-bad-cells generator at 2,000 rows: 2,000 problems, of one code."""
    package = sys.modules["contribution"].make_bad_cells(tmp_path, 2_000)
    found = benchmark.our_findings(package)
    assert Counter(code for *_, code in found) == {"not-in-vocabulary": 2_000}
    assert {(file, field) for file, _, field, _ in found} == {("data/actor_names.csv", "usage")}
    assert sorted(row for _, row, _, _ in found) == list(range(2, 2_002))


def _suspected() -> list[tuple[str, str]]:
    """(table, kind) of each suspected defect, read before the fixture imports it."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        contribution = importlib.import_module("contribution")
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return [(t, k.name) for t, kinds in contribution.SUSPECTED_DEFECTS.items() for k in kinds]


@pytest.mark.parametrize(("table", "kind"), _suspected())
def test_no_cascade_from_a_broken_cell(
    benchmark: ModuleType, tmp_path: Path, table: str, kind: str
) -> None:
    """Defects on which the validator once reported a cascade (a broken round, role or
    actor also breaking the rounds' counting rules or the names rule): each broken cell
    is reported once, nothing else."""
    contribution = sys.modules["contribution"]
    every_key = len(contribution.participant_keys())  # the rules count whole rounds
    package, manifest = contribution.make_contribution(tmp_path, every_key, suspected=[kind])
    assert contribution.injected_kinds(tmp_path)[f"{table}:{kind}"] >= 1
    missing, extra = benchmark.compare(benchmark.our_findings(package), manifest)
    assert not missing, sorted(missing)
    assert not extra, sorted(extra)
