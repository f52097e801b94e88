"""Packaging: a wheel built the way pip builds one from PyPI (checkout -> sdist -> wheel)
carries every data file of the repository, byte for byte."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from .helpers import ROOT

PACKAGE = "astana_talks/_package/"


def _data_files() -> dict[str, bytes]:
    """The repository's data package: path relative to the root -> bytes."""
    paths = [ROOT / "datapackage.json"]
    for folder in ("data", "schemas"):
        paths += (p for p in (ROOT / folder).rglob("*") if p.is_file())
    return {p.relative_to(ROOT).as_posix(): p.read_bytes() for p in paths}


def test_a_wheel_built_from_the_sdist_holds_every_data_file(tmp_path: Path) -> None:
    # Without --sdist or --wheel, build makes the sdist, then the wheel from the sdist.
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (sdist,) = tmp_path.glob("astana_talks-*.tar.gz")
    (wheel,) = tmp_path.glob("astana_talks-*.whl")
    expected = _data_files()
    assert len(expected) > 30

    with tarfile.open(sdist) as archive:
        members = archive.getmembers()
    top = members[0].name.split("/")[0]
    assert [m.name for m in members if not (m.isfile() or m.isdir())] == []  # no links
    assert [m.name for m in members if "/_package" in m.name] == []
    assert {f"{top}/{name}" for name in expected} <= {m.name for m in members}

    with zipfile.ZipFile(wheel) as archive:
        shipped = {
            name.removeprefix(PACKAGE): archive.read(name)
            for name in archive.namelist()
            if name.startswith(PACKAGE)
        }
    assert sorted(shipped) == sorted(expected)
    assert [name for name in expected if shipped[name] != expected[name]] == []
