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


#: The follow-ons our validator reports today at 10,000 rows (see
#: ``known_cascades`` in the benchmark): every empty name (a required-value error)
#: after the first, of another actor, is also reported as ambiguous-name.
CASCADES_AT_10K = {
    ("data/actor_names.csv", row, "name", "ambiguous-name")
    for row in (1403, 2403, 3403, 4403, 5403, 6403, 7403, 8403, 9403)
}


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
    assert found - set(manifest) == CASCADES_AT_10K
    assert benchmark.known_cascades(package) == CASCADES_AT_10K
