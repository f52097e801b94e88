"""Validation speed and accuracy: ``astana-talks validate`` against ``frictionless``.

    python benchmarks/validate_speed.py --sizes 10000 100000 1000000 --runs 3

1. For each size, builds a package (benchmarks/contribution.py) whose ``actor_names.csv``
   has SIZE rows and ``participants.csv`` min(SIZE, its valid keys), with defects of every kind
   the validator checks in their rows at known rows, listed in ``manifest.json`` as
   ``[file, row, field, code]``. Checks that our findings equal the manifest exactly
   (as a multiset: a problem reported twice is an extra), then runs, as separate
   processes and alternating, RUNS times each: our validator, ``frictionless validate
   --limit-errors 0 --json`` and a pyarrow parse of the same two CSVs, timing each
   child's wall time and peak memory with ``/usr/bin/time``.
2. A million bad cells (``--bad-cells N``): a package whose actor_names has N rows,
   each with a usage not in the vocabulary; checks that ours reports exactly N
   ``not-in-vocabulary`` problems and nothing else, and times ours and frictionless
   (``--bad-cells-runs``, 1 by default: frictionless takes minutes on it).
3. Start-up on a small input (``--small-runs``): ``astana-talks validate
   participants.csv`` against ``frictionless validate participants.csv`` on a copy of
   the shipped file in a temporary folder, as a contributor would pass it.
4. Prints a summary of every target of the issue, measured, met or not.

``--only ours`` skips the other tools (for quick iterations on the engine: the
findings are still checked); ``--keep DIR`` keeps the generated packages in DIR;
``--suspected`` also injects the defects on which the validator reports a cascade
today (see ``SUSPECTED_DEFECTS`` in benchmarks/contribution.py).
The exit status is 1 when our findings differ from the manifest, whatever the times.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from contribution import (
    ROOT,
    SUSPECTED_DEFECTS,
    Finding,
    injected_kinds,
    make_bad_cells,
    make_contribution,
)

BIN = Path(sys.executable).parent
TOOLS = ("ours", "frictionless", "pyarrow-parse")
#: The issue's targets.
FASTER_THAN_FRICTIONLESS = 20.0
TIMES_THE_PARSE = 3.0
SMALL_INPUT_RATIO = 0.5
#: "reports them in seconds, not the ~20 s it takes today": read as at most 5 s.
BAD_CELLS_SECONDS = 5.0
#: Linear time: the cost of each further 1,000 rows between the two largest sizes is at
#: most this much the cost between the two smallest (start-up cancels out).
LINEAR_SLOPE_RATIO = 1.5
#: The size the issue's speed and memory targets are stated at.
TARGET_SIZE = 1_000_000
#: Processes that only import the libraries ``astana-talks validate`` imports: the
#: columnar engine's (numpy comes with pyarrow), then with the command line's and the
#: models' (click, pydantic). Timed beside the small input, they show its floor.
FLOORS = {
    "imports-arrow": "numpy, pyarrow, pyarrow.compute, pyarrow.csv",
    "imports-all": "numpy, pyarrow, pyarrow.compute, pyarrow.csv, click, pydantic.main",
}


# -- our findings ----------------------------------------------------------------------


def our_report(paths: Iterable[Path]) -> dict[str, object]:
    """What ``astana-talks validate --format json`` reports on ``paths``."""
    result = subprocess.run(
        [str(BIN / "astana-talks"), "validate", "--format", "json", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    report: dict[str, object] = json.loads(result.stdout)
    if report["partial"] or report["omitted"]:
        raise RuntimeError("our report was truncated")
    return report


def our_findings(package: Path) -> list[Finding]:
    """What ``astana-talks validate --format json`` reports, as findings, in order."""
    problems = our_report([package])["problems"]
    assert isinstance(problems, list)
    return [
        (
            _relative(p.get("file") or "", package),
            p.get("row") or 0,
            p.get("field") or "",
            p["code"],
        )
        for p in problems
    ]


def _relative(file: str, package: Path) -> str:
    path = Path(file)
    return path.relative_to(package).as_posix() if path.is_absolute() else file


def compare(
    found: Iterable[Finding], manifest: Iterable[Finding]
) -> tuple[Counter[Finding], Counter[Finding]]:
    """(missing, extra): manifest entries not found, findings not in the manifest (a
    finding reported twice is once extra)."""
    expected, got = Counter(manifest), Counter(found)
    return expected - got, got - expected


# -- timing ---------------------------------------------------------------------------


def commands(package: Path) -> dict[str, list[str]]:
    files = [str(package / "data" / n) for n in ("actor_names.csv", "participants.csv")]
    # ragged rows are skipped (the validator reports them); a parse error would end it
    parse = (
        "import sys, pyarrow.csv as c\n"
        "o = c.ParseOptions(invalid_row_handler=lambda row: 'skip')\n"
        "for f in sys.argv[1:]: c.read_csv(f, parse_options=o)"
    )
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
    """Wall seconds and peak RSS (KiB) of one child process, which must exit with 0
    (valid) or 1 (problems found): anything else is a failure, not a time."""
    if Path("/usr/bin/time").exists():
        with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
            status = subprocess.run(
                ["/usr/bin/time", "-f", "%e %M", "-o", out.name, *command],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            ).returncode
            seconds, kib = out.read().split()[-2:]
            result = float(seconds), int(kib)
    else:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, wait_status, usage = os.wait4(child.pid, 0)
        status = os.waitstatus_to_exitcode(wait_status)
        result = time.perf_counter() - start, usage.ru_maxrss
    if status not in (0, 1):
        raise RuntimeError(f"exit status {status}: {' '.join(command)[:200]}")
    return result


@dataclass
class Timing:
    """Each tool's runs: wall seconds and peak MiB."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    mib: dict[str, list[float]] = field(default_factory=dict)

    def time(self, tool: str) -> float | None:
        runs = self.seconds.get(tool)
        return statistics.median(runs) if runs else None

    def memory(self, tool: str) -> float | None:
        runs = self.mib.get(tool)
        return statistics.median(runs) if runs else None

    def print(self) -> None:
        for tool, runs in self.seconds.items():
            listed = ", ".join(f"{s:.2f}" for s in runs)
            print(
                f"  {tool:14} median {self.time(tool):7.2f} s ({listed})  "
                f"{self.memory(tool):7.0f} MiB"
            )


def alternate(tools: dict[str, list[str]], runs: int) -> Timing:
    """Run the tools in turn, RUNS rounds."""
    timing = Timing()
    for _ in range(runs):
        for tool, command in tools.items():
            seconds, kib = measure(command)
            timing.seconds.setdefault(tool, []).append(seconds)
            timing.mib.setdefault(tool, []).append(kib / 1024)
    return timing


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def shown(value: float | None, unit: str = "x", digits: int = 1) -> str:
    return "not measured" if value is None else f"{value:.{digits}f}{unit}"


def load() -> str:
    """The 1, 5 and 15-minute load averages (other processes make times unreliable)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


# -- the three measurements -----------------------------------------------------------


@contextmanager
def workspace(keep: Path | None, name: str) -> Iterator[Path]:
    """A fresh folder: ``keep/name`` (kept), or a temporary one."""
    if keep is None:
        with tempfile.TemporaryDirectory() as temporary:
            yield Path(temporary)
        return
    folder = keep / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    yield folder


def settle(package: Path) -> None:
    """Write the generated files to disk and read them once, so that the first tool
    timed does not pay for the write-back of a file just written (it made the first
    runs 0.2 s slower at a million rows) and every tool reads from the page cache."""
    if hasattr(os, "sync"):
        os.sync()
    for path in sorted(package.rglob("*")):
        if path.is_file():
            with path.open("rb") as handle:
                while handle.read(1 << 24):
                    pass


def compiled() -> None:
    """Byte-compile our package where it is installed, as pip does when it installs a
    wheel and as Python does the first time it imports a module. Frictionless is
    timed as pip installed it, compiled; an editable install run where
    ``PYTHONDONTWRITEBYTECODE`` is set (this machine sets it) would otherwise compile
    our modules from source on every run, 0.05 s that no user pays."""
    spec = importlib.util.find_spec("astana_talks")
    if spec is None or spec.origin is None:
        raise SystemExit("astana_talks is not installed in this Python")
    compileall.compile_dir(Path(spec.origin).parent, quiet=1)


@dataclass
class SizeResult:
    rows: int
    injected: int
    matches: bool
    timing: Timing


def run_size(
    size: int, runs: int, only: set[str], keep: Path | None, suspected: Sequence[str] = ()
) -> SizeResult:
    with workspace(keep, f"rows-{size}") as folder:
        package, manifest = make_contribution(folder, size, suspected)
        settle(package)
        found = our_findings(package)
        missing, extra = compare(found, manifest)
        matches = not missing and not extra
        kinds = injected_kinds(folder)
        print(
            f"== {size:,} rows: {kinds.total()} defects of {len(kinds)} kinds "
            f"({len(manifest)} findings expected in the manifest)"
        )
        print(f"findings == manifest: {matches}", end="  ")
        print(f"(missing {missing.total()}, extra {extra.total()})")
        for label, items in (("missing", missing), ("extra", extra)):
            for item in sorted(items)[:20]:
                print(f"  {label}: {item}" + (f" x{items[item]}" if items[item] > 1 else ""))
            if len(items) > 20:
                print(f"  ... {len(items) - 20} more {label}")
        tools = {t: c for t, c in commands(package).items() if t in only}
        timing = alternate(tools, runs)
        timing.print()
        t, m = timing.time, timing.memory
        print(f"  frictionless / ours time: {shown(ratio(t('frictionless'), t('ours')))}")
        print(f"  ours / pyarrow-parse time: {shown(ratio(t('ours'), t('pyarrow-parse')))}")
        print(f"  ours / frictionless memory: {shown(ratio(m('ours'), m('frictionless')), '', 2)}")
        sys.stdout.flush()
        return SizeResult(size, len(manifest), matches, timing)


@dataclass
class BadCellsResult:
    rows: int
    reported: int
    others: int
    timing: Timing


def run_bad_cells(rows: int, runs: int, only: set[str], keep: Path | None) -> BadCellsResult:
    with workspace(keep, f"bad-cells-{rows}") as folder:
        package = make_bad_cells(folder, rows)
        settle(package)
        codes = Counter(code for *_, code in our_findings(package))
        reported = codes.pop("not-in-vocabulary", 0)
        others = codes.total()
        print(f"== bad cells: {rows:,} rows of actor_names, each with a usage not allowed")
        print(
            f"  ours reports {reported:,} not-in-vocabulary (expected {rows:,}) and "
            f"{others} other problem(s) {dict(codes) if codes else ''}"
        )
        tools = {t: c for t, c in commands(package).items() if t in only - {"pyarrow-parse"}}
        timing = alternate(tools, runs)
        timing.print()
        t = timing.time
        print(f"  frictionless / ours time: {shown(ratio(t('frictionless'), t('ours')))}")
        sys.stdout.flush()
        return BadCellsResult(rows, reported, others, timing)


def run_small(runs: int, only: set[str], keep: Path | None) -> Timing:
    with workspace(keep, "small") as folder:
        csv = folder / "participants.csv"
        shutil.copyfile(ROOT / "data" / "participants.csv", csv)
        tools = {
            "ours": [str(BIN / "astana-talks"), "validate", str(csv)],
            "frictionless": [str(BIN / "frictionless"), "validate", str(csv)],
        }
        if "frictionless" in only:
            # what a validator built on these libraries pays before reading a byte
            tools |= {name: [sys.executable, "-c", f"import {m}"] for name, m in FLOORS.items()}
        timing = alternate({t: c for t, c in tools.items() if t in only or t in FLOORS}, runs)
        print("== start-up on a small input: participants.csv as shipped, alone")
        timing.print()
        t = timing.time
        print(f"  ours / frictionless time: {shown(ratio(t('ours'), t('frictionless')), '', 2)}")
        for name, modules in FLOORS.items():
            if name not in timing.seconds:
                continue
            print(
                f"  {name} (python -c 'import {modules}') / frictionless time: "
                f"{shown(ratio(t(name), t('frictionless')), '', 2)}"
            )
        sys.stdout.flush()
        return timing


# -- the summary ----------------------------------------------------------------------


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("met" if ok else "NOT MET")


def linear(sizes: list[SizeResult]) -> tuple[str, bool | None]:
    """Seconds per 1,000 rows at each size, and whether the cost of further rows stays
    flat (see :data:`LINEAR_SLOPE_RATIO`)."""
    timed = [(s.rows, s.timing.time("ours")) for s in sizes if s.timing.time("ours")]
    points = sorted((r, t) for r, t in timed if t is not None)
    per_thousand = ", ".join(f"{r:,}: {1000 * t / r:.4f}" for r, t in points)
    if len(points) < 2:
        return per_thousand, None
    slopes = [(t2 - t1) / (r2 - r1) * 1000 for (r1, t1), (r2, t2) in pairwise(points)]
    line = f"{per_thousand}; marginal s/1,000 rows: " + ", ".join(f"{s:.4f}" for s in slopes)
    if len(slopes) < 2:
        return line, None  # two sizes give one slope: nothing to compare it with
    return line, slopes[-1] <= LINEAR_SLOPE_RATIO * max(slopes[0], 1e-9)


def summary(
    sizes: list[SizeResult], bad: BadCellsResult | None, small: Timing | None
) -> list[tuple[str, str, str]]:
    """(target, measured, met) for every target of the issue."""
    rows: list[tuple[str, str, str]] = []
    for s in sizes:
        rows.append(
            (
                f"findings == manifest at {s.rows:,} rows",
                f"{s.injected} expected, {'equal' if s.matches else 'different'}",
                verdict(s.matches),
            )
        )
    largest = max(sizes, key=lambda s: s.rows, default=None)
    if largest is not None:
        t, m = largest.timing.time, largest.timing.memory
        at = f"at {largest.rows:,} rows" + (
            "" if largest.rows == TARGET_SIZE else f" (target is at {TARGET_SIZE:,})"
        )
        faster = ratio(t("frictionless"), t("ours"))
        parse = ratio(t("ours"), t("pyarrow-parse"))
        memory = ratio(m("ours"), m("frictionless"))
        rows += [
            (
                f">= {FASTER_THAN_FRICTIONLESS:.0f}x faster than frictionless {at}",
                shown(faster),
                verdict(None if faster is None else faster >= FASTER_THAN_FRICTIONLESS),
            ),
            (
                f"<= {TIMES_THE_PARSE:.0f}x the pyarrow parse {at}",
                shown(parse),
                verdict(None if parse is None else parse <= TIMES_THE_PARSE),
            ),
            (
                f"peak memory <= frictionless's {at}",
                "not measured"
                if memory is None
                else f"{m('ours'):.0f} / {m('frictionless'):.0f} MiB ({memory:.2f}x)",
                verdict(None if memory is None else memory <= 1.0),
            ),
        ]
    line, flat = linear(sizes)
    rows.append(
        (
            f"time linear (marginal cost, largest <= {LINEAR_SLOPE_RATIO}x smallest)",
            line or "not measured",
            verdict(flat),
        )
    )
    if bad is not None:
        ours, theirs = bad.timing.time("ours"), bad.timing.time("frictionless")
        rows += [
            (
                f"{bad.rows:,} bad cells reported, nothing else",
                f"{bad.reported:,} reported, {bad.others} other(s)",
                verdict(bad.reported == bad.rows and not bad.others),
            ),
            (
                f"{bad.rows:,} bad cells in <= {BAD_CELLS_SECONDS:.0f} s",
                f"ours {shown(ours, ' s', 2)} {shown(bad.timing.memory('ours'), ' MiB', 0)}, "
                f"frictionless {shown(theirs, ' s', 2)} "
                f"{shown(bad.timing.memory('frictionless'), ' MiB', 0)}",
                verdict(None if ours is None else ours <= BAD_CELLS_SECONDS),
            ),
        ]
    if small is not None:
        small_ratio = ratio(small.time("ours"), small.time("frictionless"))
        rows.append(
            (
                f"small input: ours <= {SMALL_INPUT_RATIO}x frictionless's wall time",
                "not measured"
                if small_ratio is None
                else f"{small.time('ours'):.2f} / {small.time('frictionless'):.2f} s "
                f"({small_ratio:.2f}x)",
                verdict(None if small_ratio is None else small_ratio <= SMALL_INPUT_RATIO),
            )
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3, help="runs of each tool per size")
    parser.add_argument(
        "--only", nargs="+", choices=TOOLS, default=list(TOOLS), help="the tools to time"
    )
    parser.add_argument("--bad-cells", type=int, default=1_000_000, metavar="N", help="0 to skip")
    parser.add_argument("--bad-cells-runs", type=int, default=1)
    parser.add_argument("--small-runs", type=int, default=5, help="0 to skip")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the generated packages")
    suspected = [k.name for kinds in SUSPECTED_DEFECTS.values() for k in kinds]
    parser.add_argument(
        "--suspected",
        nargs="*",
        choices=suspected,
        metavar="KIND",
        help="also inject these defects, on which the validator reports a cascade today "
        f"(no KIND: all of {', '.join(suspected)})",
    )
    args = parser.parse_args()
    only = set(args.only) | {"ours"}
    compiled()
    print(f"== load average {load()} on {os.cpu_count()} CPU(s) before")
    added = suspected if args.suspected == [] else (args.suspected or [])
    sizes = [run_size(size, args.runs, only, args.keep, added) for size in args.sizes]
    bad = (
        run_bad_cells(args.bad_cells, args.bad_cells_runs, only, args.keep)
        if args.bad_cells
        else None
    )
    small = run_small(args.small_runs, only, args.keep) if args.small_runs else None
    table = summary(sizes, bad, small)
    print(f"== load average {load()} after: above 1, other processes shared the CPUs and")
    print("   the times are not to be trusted (the findings are)")
    width = max(len(target) for target, _, _ in table)
    print("== summary")
    for target, measured, met in table:
        print(f"  {target:{width}}  {met:12}  {measured}")
    correct = all(s.matches for s in sizes) and (
        bad is None or (bad.reported == bad.rows and not bad.others)
    )
    return 0 if correct else 1


if __name__ == "__main__":
    sys.exit(main())
