"""A release depends on the data, not on where astana-talks is installed: a wheel
installed in a fresh virtual environment builds the bytes the checkout builds."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import astana_talks
from astana_talks.build import build

from .helpers import ROOT

VERSION = astana_talks.__version__


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_a_wheel_installed_elsewhere_builds_the_same_bytes_as_the_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # the date comes from the data
    here = build(out=tmp_path / "from-checkout")

    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, ROOT, cwd=tmp_path)
    [wheel] = wheels.glob("astana_talks-*.whl")
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    _run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel, cwd=tmp_path)
    # the dependencies are this environment's (same pyarrow and DuckDB, whose versions
    # the Parquet and DuckDB files record), reached by a .pth line; its own .pth files,
    # such as an editable install's, are not processed from there
    site = Path(
        _run(
            python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp_path
        ).strip()
    )
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "_dependencies_for_the_test.pth").write_text("\n".join(sorted(ours)) + "\n")
    # what the old build read from "the repository root" two folders above the package
    (site.parent / "CHANGELOG.md").write_text("## 9.9.9\nleaked-from-above-the-package\n")

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SOURCE_DATE_EPOCH")}
    where = _run(
        python, "-c", "import astana_talks; print(astana_talks.__file__)", cwd=tmp_path, env=env
    )
    assert Path(where.strip()).is_relative_to(site)  # the wheel's copy, not the checkout
    script = venv / ("Scripts" if os.name == "nt" else "bin") / "astana-talks"
    _run(script, "build", "--out", tmp_path / "from-wheel", cwd=tmp_path, env=env)

    there = tmp_path / "from-wheel"
    zip_name = f"astana-talks-{VERSION}.zip"
    assert (there / zip_name).read_bytes() == here.zip.read_bytes()
    assert _files(there / f"astana-talks-{VERSION}") == _files(here.folder)
    assert b"leaked-from-above-the-package" not in (there / zip_name).read_bytes()
