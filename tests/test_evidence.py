"""Every row's quote is in its source's text, and the validator notices when it is not."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

import astana_talks
from astana_talks import Dataset
from astana_talks.models import QUOTE_WORDS, Evidenced

from .helpers import ROOT, replace_in


def _evidenced_rows(ds: Dataset) -> list[Evidenced]:
    return [row for table in ds.tables() for row in ds.table(table) if isinstance(row, Evidenced)]


def test_every_row_but_sources_and_disputes_has_a_quote(ds: Dataset) -> None:
    for table in ds.tables():
        for row in ds.table(table):
            if table in ("sources", "disputes"):  # the evidence, and the dataset's own decisions
                assert not isinstance(row, Evidenced)
            else:
                assert isinstance(row, Evidenced), table
                assert row.quote
                assert row.quote.strip() == row.quote


def test_every_quote_of_a_shipped_source_is_an_exact_substring_of_its_text(ds: Dataset) -> None:
    texts = {
        s.source_id: (ROOT / s.text_file).read_text(encoding="utf-8")
        for s in ds.sources
        if s.text_file
    }
    assert list(texts) == ["dailysabah-2024-01-astana-21"]  # the one source shipped in full
    quoted = [r for r in _evidenced_rows(ds) if r.source_id in texts]
    assert len(quoted) > 100
    assert [(r.table, r.quote) for r in quoted if r.quote not in texts[r.source_id]] == []


def test_every_quote_of_a_cited_source_is_short_and_names_its_source(ds: Dataset) -> None:
    cited = {s.source_id: s for s in ds.sources if not s.text_file}
    rows = [r for r in _evidenced_rows(ds) if r.source_id in cited]
    assert len(rows) > 1000
    too_long = [(r.table, r.quote) for r in rows if not 0 < len(r.quote.split()) <= QUOTE_WORDS]
    assert too_long == []
    assert all(s.url.startswith(("http://", "https://")) and s.accessed for s in cited.values())


def test_every_source_is_cited_and_every_citing_row_names_a_known_source(ds: Dataset) -> None:
    citing = {r.source_id for r in _evidenced_rows(ds)}
    assert citing == {s.source_id for s in ds.sources}


def test_quotes_keep_curly_quotes(ds: Dataset) -> None:
    quotes = {r.quote for r in _evidenced_rows(ds)}
    assert "Kazakhstan’s foreign ministry announced Friday" in quotes
    assert not any("Kazakhstan's foreign" in q for q in quotes)


def test_source_text_is_the_seed_article_byte_for_byte(ds: Dataset) -> None:
    seed_source = ds.sources[0]
    assert seed_source.text_file is not None
    shipped = (ROOT / seed_source.text_file).read_bytes()
    seed = ROOT.parent / "shared" / "seed" / "astana-round-21-article.txt"
    if seed.is_file():  # the seed lives beside the repository in the workspace and in CI
        assert shipped == seed.read_bytes()
    assert hashlib.sha256(shipped).hexdigest() == seed_source.text_sha256
    assert not shipped.endswith(b"\n")


def test_names_are_words_of_their_quote(ds: Dataset) -> None:
    assert [n.name for n in ds.actor_names if n.name not in n.quote] == []


def test_a_changed_quote_is_reported_with_row_and_column(package_copy: Path) -> None:
    replace_in(package_copy / "data" / "figures.csv", "nearly 7 million", "almost 7 million")
    report = astana_talks.validate(package_copy)
    assert [(p.code, p.table, p.row, p.field) for p in report.problems] == [
        ("quote-not-found", "figures", 2, "quote")
    ]
    assert not report.valid


def test_a_straightened_apostrophe_is_a_warning_naming_the_fix(package_copy: Path) -> None:
    replace_in(
        package_copy / "data" / "actors.csv",
        "Kazakhstan’s foreign ministry",
        "Kazakhstan's foreign ministry",
    )
    report = astana_talks.validate(package_copy)
    assert [(p.code, p.severity, p.table, p.field) for p in report.problems] == [
        ("quote-normalised-match", "warning", "actors", "quote")
    ]
    assert report.valid


def test_an_edited_source_text_fails_its_hash(package_copy: Path) -> None:
    text = package_copy / "data" / "sources" / "dailysabah-2024-01-astana-21.txt"
    text.write_bytes(text.read_bytes().replace(b"nearly 7 million", b"nearly 8 million"))
    report = astana_talks.validate(package_copy)
    assert [(p.code, p.table, p.row, p.field) for p in report.problems] == [
        ("source-text-hash", "sources", 2, "text_sha256")
    ]


def test_a_missing_source_text_is_reported(package_copy: Path) -> None:
    (package_copy / "data" / "sources" / "dailysabah-2024-01-astana-21.txt").unlink()
    codes = {p.code for p in astana_talks.validate(package_copy).problems}
    assert codes == {"source-text-missing"}


def test_a_citation_of_a_missing_row_is_reported(package_copy: Path) -> None:
    path = package_copy / "data" / "citations.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("record")] = "99"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    report = astana_talks.validate(package_copy)
    assert [(p.code, p.row, p.field, p.value) for p in report.problems] == [
        ("citation-target", 2, "record", "99")
    ]


@pytest.mark.parametrize("table", ["rounds", "participants", "events"])
def test_inferred_values_explain_themselves(ds: Dataset, table: str) -> None:
    for row in ds.table(table):
        assert isinstance(row, Evidenced)
        assert bool(row.inferred()) == bool(row.inference_note)
