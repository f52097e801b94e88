"""Helpers shared by the tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from astana_talks.package import without_integrity

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ROOT / "data" / "sources" / "dailysabah-2024-01-astana-21.txt"
#: Problem codes about one cell's value, the checks Frictionless makes too.
CELL_CODES = frozenset(
    {
        "type-error",
        "pattern-mismatch",
        "not-in-vocabulary",
        "out-of-range",
        "invalid-date",
        "required-value",
    }
)


def replace_in(path: Path, old: str, new: str) -> None:
    """Replace the first occurrence of ``old`` in a file; fail if there is none."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def copy_package(target: Path) -> Path:
    """A writable copy of the canonical package at ``target``, to break on purpose. Its
    descriptor leaves out the files' sizes and hashes, as a contributor's edited copy
    would (else every edit would also be a hash mismatch)."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "data", target / "data")
    descriptor = without_integrity(json.loads((ROOT / "datapackage.json").read_bytes()))
    (target / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return target
