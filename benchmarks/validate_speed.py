"""Validation speed: ``astana_talks.validate`` against ``frictionless validate``.

    python benchmarks/validate_speed.py --rows 1000000 --runs 3

Builds a package whose ``actor_names`` table has ROWS rows (unique names, references
to the canonical actors and source, a verified quote), then validates it with both
tools in this process, RUNS times each, and prints the medians and the ratio. Both
check types, vocabularies, the primary key and the foreign keys; ours also checks
quotes, name ambiguity and the other dataset rules.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUOTE = "neither Ankara nor Tehran floated such an idea"


def make_package(folder: Path, rows: int) -> Path:
    package = folder / "package"
    shutil.copytree(ROOT / "data", package / "data")
    shutil.copy(ROOT / "datapackage.json", package)
    with (ROOT / "data" / "actors.csv").open(encoding="utf-8", newline="") as handle:
        actors = [row[0] for row in list(csv.reader(handle))[1:]]
    with (package / "data" / "actor_names.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ["actor_id", "name", "usage", "source_id", "quote", "inferred_fields", "inference_note"]
        )
        for number in range(rows):
            writer.writerow(
                [
                    actors[number % len(actors)],
                    f"name {number}",
                    "name",
                    "dailysabah-2024-01-astana-21",
                    QUOTE,
                    "",
                    "",
                ]
            )
    return package


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from frictionless import Package

    import astana_talks

    with tempfile.TemporaryDirectory() as name:
        package = make_package(Path(name), args.rows)
        ours_report = astana_talks.validate(package)
        theirs_report = Package(str(package / "datapackage.json")).validate(limit_errors=0)
        found = len(theirs_report.flatten())
        print(f"ours: {len(ours_report.errors)} errors; frictionless: {found} errors")
        ours = [timed(lambda: astana_talks.validate(package)) for _ in range(args.runs)]
        theirs = [
            timed(lambda: Package(str(package / "datapackage.json")).validate(limit_errors=0))
            for _ in range(args.runs)
        ]
    mine, peer = statistics.median(ours), statistics.median(theirs)
    print(f"rows: {args.rows:,}  runs: {args.runs}")
    print(f"astana_talks.validate  median {mine:.2f} s  ({', '.join(f'{t:.2f}' for t in ours)})")
    print(f"frictionless validate  median {peer:.2f} s  ({', '.join(f'{t:.2f}' for t in theirs)})")
    print(f"ratio (frictionless / ours): {peer / mine:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
