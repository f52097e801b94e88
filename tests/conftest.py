from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import astana_talks
from astana_talks import Dataset

from .helpers import ARTICLE, ROOT


@pytest.fixture(scope="session")
def ds() -> Dataset:
    return astana_talks.load()


@pytest.fixture(scope="session")
def article() -> str:
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A writable copy of the canonical package, to break on purpose."""
    target = tmp_path / "package"
    target.mkdir()
    shutil.copytree(ROOT / "data", target / "data")
    shutil.copy(ROOT / "datapackage.json", target / "datapackage.json")
    return target
