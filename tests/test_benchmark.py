"""The benchmark's generated contribution: our validator finds exactly the injected
defects (no timing here; see benchmarks/validate_speed.py and docs/performance.md)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from .helpers import ROOT


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "validate_speed", ROOT / "benchmarks" / "validate_speed.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_findings_equal_the_manifest(tmp_path: Path) -> None:
    benchmark = _benchmark()
    package, manifest = benchmark.make_contribution(tmp_path, 10_000)
    codes = {code for *_, code in manifest}
    assert {
        "not-in-vocabulary",
        "foreign-key",
        "required-value",
        "duplicate-key",
        "pattern-mismatch",
        "type-error",
    } <= codes
    found = benchmark.our_findings(package)
    assert set(manifest) <= found, sorted(set(manifest) - found)
    assert found - set(manifest) == set()  # no cascade: an empty name is reported once
    assert benchmark.known_cascades(package) == set()  # no actor repeats an empty name
