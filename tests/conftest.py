from __future__ import annotations

from pathlib import Path

import pytest

import astana_talks
from astana_talks import Dataset

from .helpers import ARTICLE, copy_package


@pytest.fixture(scope="session")
def ds() -> Dataset:
    return astana_talks.load()


@pytest.fixture(scope="session")
def article() -> str:
    return ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A writable copy of the canonical package, to break on purpose."""
    return copy_package(tmp_path / "package")
