"""Validation speed and accuracy: ``astana-talks validate`` against ``frictionless``.

    python benchmarks/validate_speed.py --sizes 10000 100000 1000000 --runs 3

For each size, builds a package folder (the shipped data/ plus a descriptor without
the files' ``bytes`` and ``hash``, as a contributor's edited copy) whose
``actor_names.csv`` has SIZE generated rows and whose ``participants.csv`` has
min(SIZE, key space) rows: every (round, actor, role) key is used at most once, with
exactly the three shipped guarantors per round, so the key space of valid shipped
values is 22 rounds x (3 + actors x 3 other roles). About one defect per 1,000 rows
of each kind is injected at known rows and listed in ``manifest.json`` as
``[file, row, field, code]``.

Then runs, as separate processes and alternating, RUNS times each: our validator,
``frictionless validate --limit-errors 0 --json`` and a pyarrow parse of the same two
CSVs, timing each child's wall time and peak memory with ``/usr/bin/time``. Prints
the medians, the ratios, and whether our findings equal the manifest.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from astana_talks.generate import without_integrity
from astana_talks.models import TABLES

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
#: Defects per row: one of each kind in every block of this many rows.
EVERY = 1000
#: One finding: file (relative to the package), row (line in the file), field, code.
Finding = tuple[str, int, str, str]

#: (kind, offset in each block of EVERY rows): the defects each table gets.
ACTOR_NAMES_DEFECTS = (
    ("not-in-vocabulary", 101),
    ("unknown-actor", 201),
    ("unknown-source", 301),
    ("required-value", 401),
    ("duplicate-key", 501),
    ("pattern-mismatch", 601),
)
PARTICIPANTS_DEFECTS = (
    ("not-in-vocabulary", 101),
    ("unknown-actor", 201),
    ("unknown-source", 301),
    ("required-value", 401),
    ("duplicate-key", 501),
    ("pattern-mismatch", 601),
    ("type-error", 701),
)


def _read(name: str) -> list[dict[str, str]]:
    with (ROOT / "data" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def quoted_source() -> str:
    """A shipped source not shipped in full (empty text_file): its quotes are only
    checked for length."""
    return next(r["source_id"] for r in _read("sources.csv") if not r["text_file"])


def copy_package(target: Path) -> Path:
    """The shipped package at ``target``, its descriptor without sizes and hashes."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "data", target / "data")
    descriptor = without_integrity(json.loads((ROOT / "datapackage.json").read_bytes()))
    (target / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return target


#: Defects both tables get the same way: kind -> (field, value for row INDEX, code).
_SHARED_DEFECTS = {
    "unknown-actor": ("actor_id", "no-such-actor-{}", "foreign-key"),
    "unknown-source": ("source_id", "no-such-source-{}", "foreign-key"),
    "pattern-mismatch": ("actor_id", "Bad Id {}", "pattern-mismatch"),
}


def _defect(index: int, kinds: Sequence[tuple[str, int]]) -> str | None:
    for kind, offset in kinds:
        if index % EVERY == offset:
            return kind
    return None


def _write(path: Path, table: str, rows: Iterator[dict[str, str]]) -> None:
    columns = TABLES[table].columns()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(rows)


def actor_names(rows: int, manifest: list[Finding]) -> Iterator[dict[str, str]]:
    """ROWS rows of actor_names: unique names of shipped actors, a short quote of a
    source not shipped in full, with defects at known rows."""
    file = "data/actor_names.csv"
    actors = [r["actor_id"] for r in _read("actors.csv")]
    source = quoted_source()
    previous: dict[str, str] = {}
    for index in range(rows):
        line = index + 2  # the header is line 1
        row = {
            "actor_id": actors[index % len(actors)],
            "name": f"generated name {index}",
            "usage": "name",
            "source_id": source,
            "quote": f"a short quote number {index}",
        }
        kind = _defect(index, ACTOR_NAMES_DEFECTS)
        if kind == "not-in-vocabulary":
            row["usage"] = "nickname"
            manifest.append((file, line, "usage", kind))
        elif kind in _SHARED_DEFECTS:
            field, value, code = _SHARED_DEFECTS[kind]
            row[field] = value.format(index)
            manifest.append((file, line, field, code))
        elif kind == "required-value":
            row["name"] = ""
            manifest.append((file, line, "name", kind))
        elif kind == "duplicate-key":
            row["actor_id"], row["name"] = previous["actor_id"], previous["name"]
            manifest.append((file, line, "", kind))  # a row's key, not one field
        previous = row
        yield row


def participant_keys() -> list[tuple[str, str, str]]:
    """Every valid (round, actor, role): the three shipped guarantors of each round,
    then each shipped actor as party, observer and host."""
    rounds = [r["round_number"] for r in _read("rounds.csv")]
    actors = [r["actor_id"] for r in _read("actors.csv")]
    shipped = _read("participants.csv")
    keys: list[tuple[str, str, str]] = []
    for number in rounds:
        keys += [
            (number, p["actor_id"], "guarantor")
            for p in shipped
            if p["round_number"] == number and p["role"] == "guarantor"
        ]
        keys += [
            (number, actor, role) for actor in actors for role in ("party", "observer", "host")
        ]
    return keys


def participants(rows: int, manifest: list[Finding]) -> Iterator[dict[str, str]]:
    """min(ROWS, key space) rows of participants, with defects at known rows (never on
    a guarantor or host row, nor right after one, so no round rule is broken)."""
    file = "data/participants.csv"
    source = quoted_source()
    previous: dict[str, str] = {}
    for index, (number, actor, role) in enumerate(participant_keys()[:rows]):
        line = index + 2
        row = {
            "round_number": number,
            "actor_id": actor,
            "role": role,
            "attendance": "attended",
            "source_id": source,
            "quote": f"delegation number {index} attended the round",
        }
        kind = _defect(index, PARTICIPANTS_DEFECTS)
        if kind is not None and (
            role not in ("party", "observer") or previous["role"] == "guarantor"
        ):
            kind = None  # keep the round rules intact: shift nothing, skip this one
        if kind == "not-in-vocabulary":
            row["attendance"] = "perhaps"
            manifest.append((file, line, "attendance", kind))
        elif kind in _SHARED_DEFECTS:
            field, value, code = _SHARED_DEFECTS[kind]
            row[field] = value.format(index)
            manifest.append((file, line, field, code))
        elif kind == "required-value":
            row["attendance"] = ""
            manifest.append((file, line, "attendance", kind))
        elif kind == "duplicate-key":
            row["actor_id"], row["role"] = previous["actor_id"], previous["role"]
            manifest.append((file, line, "", kind))
        elif kind == "type-error":
            row["round_number"] = "x"
            manifest.append((file, line, "round_number", kind))
        previous = row
        yield row


def make_contribution(folder: Path, rows: int) -> tuple[Path, list[Finding]]:
    """A package folder with generated actor_names and participants, and its manifest
    (also written to ``folder/manifest.json``)."""
    package = copy_package(folder / "package")
    manifest: list[Finding] = []
    _write(package / "data" / "actor_names.csv", "actor_names", actor_names(rows, manifest))
    _write(package / "data" / "participants.csv", "participants", participants(rows, manifest))
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return package, manifest


def known_cascades(package: Path) -> set[Finding]:
    """Follow-ons of the injected empty names that are right to report: a second empty
    name of the same actor repeats the (actor_id, name) key, a duplicate-key (the
    generator reuses actors; Frictionless reports the same duplicates). An empty name is
    not also reported as an ambiguous name: it is a missing value, reported once."""
    file = "data/actor_names.csv"
    found: set[Finding] = set()
    actors: set[str] = set()
    with (package / file).open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            if row["name"]:
                continue
            if row["actor_id"] in actors:
                found.add((file, line, "", "duplicate-key"))
            actors.add(row["actor_id"])
    return found


def our_findings(package: Path) -> set[Finding]:
    """What ``astana-talks validate --format json`` reports, as findings."""
    result = subprocess.run(
        [str(BIN / "astana-talks"), "validate", "--format", "json", str(package)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    if report["partial"] or report["omitted"]:
        raise RuntimeError("our report was truncated")
    return {
        (
            _relative(p.get("file") or "", package),
            p.get("row") or 0,
            p.get("field") or "",
            p["code"],
        )
        for p in report["problems"]
    }


def _relative(file: str, package: Path) -> str:
    path = Path(file)
    return path.relative_to(package).as_posix() if path.is_absolute() else file


def commands(package: Path) -> dict[str, list[str]]:
    files = [str(package / "data" / n) for n in ("actor_names.csv", "participants.csv")]
    parse = "import sys, pyarrow.csv as c\nfor f in sys.argv[1:]: c.read_csv(f)"
    return {
        "ours": [str(BIN / "astana-talks"), "validate", "--format", "json", str(package)],
        "frictionless": [
            str(BIN / "frictionless"),
            "validate",
            "--limit-errors",
            "0",
            "--json",
            str(package / "datapackage.json"),
        ],
        "pyarrow-parse": [sys.executable, "-c", parse, *files],
    }


def measure(command: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process."""
    if Path("/usr/bin/time").exists():
        with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
            subprocess.run(
                ["/usr/bin/time", "-f", "%e %M", "-o", out.name, *command],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
            seconds, kib = out.read().split()[-2:]
            return float(seconds), int(kib)
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss


def compare(found: set[Finding], manifest: list[Finding]) -> tuple[set[Finding], set[Finding]]:
    """(missing, extra): manifest entries not found, findings not in the manifest."""
    expected = set(manifest)
    return expected - found, found - expected


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as name:
            package, manifest = make_contribution(Path(name), size)
            found = our_findings(package)
            missing, extra = compare(found, manifest)
            cascades = known_cascades(package)
            unexpected = extra - cascades
            print(f"== {size:,} rows ({len(manifest)} injected defects)")
            print(f"findings == manifest: {not missing and not extra}")
            print(
                f"  missing: {len(missing)}; extra: {len(extra)}, of which known cascades: "
                f"{len(extra & cascades)} (of {len(cascades)} predicted)"
            )
            for label, items in (("missing", missing), ("unexpected extra", unexpected)):
                for item in sorted(items)[:20]:
                    print(f"  {label}: {item}")
                if len(items) > 20:
                    print(f"  ... {len(items) - 20} more {label}")
            times: dict[str, list[float]] = {}
            memory: dict[str, list[int]] = {}
            tools = commands(package)
            for _ in range(args.runs):
                for tool, command in tools.items():
                    seconds, kib = measure(command)
                    times.setdefault(tool, []).append(seconds)
                    memory.setdefault(tool, []).append(kib)
            median = {t: statistics.median(v) for t, v in times.items()}
            peak = {t: statistics.median(v) / 1024 for t, v in memory.items()}
            for tool in tools:
                runs = ", ".join(f"{s:.2f}" for s in times[tool])
                print(f"  {tool:14} median {median[tool]:7.2f} s ({runs})  {peak[tool]:7.0f} MiB")
            print(f"  frictionless / ours time: {median['frictionless'] / median['ours']:.1f}x")
            print(f"  ours / pyarrow-parse time: {median['ours'] / median['pyarrow-parse']:.1f}x")
            print(f"  ours / frictionless memory: {peak['ours'] / peak['frictionless']:.2f}")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
