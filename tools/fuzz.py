"""Fuzz the validator for a number of minutes and report any crash.

    python tools/fuzz.py --minutes 10

Mutates the canonical CSVs and descriptor (bit flips, deletions, insertions of
quotes, separators, NUL, BOM, line separators, huge numbers, path tricks), packs some
as zips, and validates each through ``astana_talks.validate`` and the CLI's entry
point. A crash is an exception escaping ``validate`` or a traceback from the CLI;
each is saved under ``--crashes`` with the input that caused it. Exit status 1 when
any crash was found.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

import astana_talks

ROOT = Path(__file__).resolve().parent.parent
TOKENS = [
    b'"',
    b",",
    b"\n",
    b"\r\n",
    b"\r",
    b"\x00",
    "\u2028".encode(),
    b"\xef\xbb\xbf",
    b"\xff",
    b"9" * 40,
    b"..",
    b"/",
    b"\\",
    b"$HOME",
    b"http://127.0.0.1/",
    b"NaN",
    b"[",
    b"{",
    b"}",
    b"]",
]


def mutate(data: bytes, rng: random.Random) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not buffer:
            buffer.extend(rng.choice(TOKENS))
            continue
        at = rng.randrange(len(buffer))
        choice = rng.random()
        if choice < 0.3:
            buffer[at] ^= 1 << rng.randrange(8)
        elif choice < 0.5:
            del buffer[at : at + rng.randint(1, 20)]
        elif choice < 0.8:
            buffer[at:at] = rng.choice(TOKENS)
        else:
            other = rng.randrange(len(buffer))
            buffer[at:at] = buffer[other : other + rng.randint(1, 50)]
    return bytes(buffer)


def one_case(rng: random.Random, folder: Path) -> list[Path]:
    package = folder / "package"
    shutil.copytree(ROOT / "data", package / "data")
    shutil.copy(ROOT / "datapackage.json", package)
    targets = [*(package / "data").glob("*.csv"), package / "datapackage.json"]
    for target in rng.sample(targets, rng.randint(1, 3)):
        target.write_bytes(mutate(target.read_bytes(), rng))
    kind = rng.random()
    if kind < 0.2:
        archive = folder / "package.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(package.rglob("*")):
                if path.is_file():
                    zf.write(path, path.relative_to(package).as_posix())
        if rng.random() < 0.3:
            archive.write_bytes(mutate(archive.read_bytes(), rng))
        return [archive]
    if kind < 0.5:
        return [rng.choice(list((package / "data").glob("*.csv")))]
    return [package]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--crashes", type=Path, default=Path("fuzz-crashes"))
    parser.add_argument("--cli-every", type=int, default=25, help="run the CLI on every Nth input")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    deadline = time.monotonic() + args.minutes * 60
    runs = crashes = 0
    while time.monotonic() < deadline:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            paths = one_case(rng, folder)
            runs += 1
            failure = None
            try:
                report = astana_talks.validate(*paths)
                json.loads(report.to_json())
            except Exception:
                failure = traceback.format_exc()
            if failure is None and runs % args.cli_every == 0:
                done = subprocess.run(
                    [sys.executable, "-m", "astana_talks", "validate", *map(str, paths)],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if "Traceback" in done.stderr or done.returncode not in (0, 1, 2):
                    failure = f"CLI exit {done.returncode}\n{done.stderr}"
            if failure is not None:
                crashes += 1
                target = args.crashes / f"crash-{runs}"
                shutil.copytree(folder, target)
                (target / "traceback.txt").write_text(failure, encoding="utf-8")
                print(f"crash {crashes}: saved in {target}", file=sys.stderr)
    print(f"{runs} inputs in {args.minutes} minute(s), {crashes} crash(es)")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
