"""The static site: built from the canonical data and from a contribution, the same bytes
twice, strict HTML5 with no broken link inside it, and the facts of the data on its pages."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner

from astana_talks import Dataset
from astana_talks.cli import cli
from astana_talks.site import MARKER
from astana_talks.site_charts import LANES
from astana_talks.vocabularies import MeetingKind

from .helpers import copy_package, replace_in

Tree = ET.Element
SVG = "{http://www.w3.org/2000/svg}"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout, result.stderr


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _parse(data: bytes) -> Tree:
    """The page as a tree; raises on any HTML5 parse error (strict)."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    tree: Tree = parser.parse(data.decode("utf-8"))
    return tree


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    code, stdout, stderr = run("site", "--out", str(out))
    assert (code, stderr) == (0, "")
    assert stdout == f"wrote {out}/; open {out / 'index.html'}\n"
    return out


@pytest.fixture(scope="module")
def pages(site: Path) -> dict[str, Tree]:
    return {p.name: _parse(p.read_bytes()) for p in sorted(site.glob("*.html"))}


def _text(element: Tree | None) -> str:
    assert element is not None
    return " ".join("".join(element.itertext()).split())


def _by_id(tree: Tree, id_: str) -> Tree:
    found = tree.find(f".//*[@id='{id_}']")
    assert found is not None, f"no element with id {id_!r}"
    return found


# -- the build ----------------------------------------------------------------------


def test_the_site_has_a_page_per_round_meeting_and_actor(site: Path, ds: Dataset) -> None:
    names = {p.name for p in site.iterdir()}
    assert {f"round-{r.round_number}.html" for r in ds.rounds} <= names
    assert {f"meeting-{m.meeting_id}.html" for m in ds.meetings} <= names
    assert {f"actor-{a.actor_id}.html" for a in ds.actors} <= names
    assert {
        "index.html",
        "sources.html",
        "disputes.html",
        "codebook.html",
        "problems.html",
    } <= names
    assert {"style.css", MARKER} <= names


def test_two_builds_in_two_processes_give_the_same_bytes(site: Path, tmp_path: Path) -> None:
    # another process, another hash seed: no set order, clock or random id may leak in
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = tmp_path / "again"
    subprocess.run(
        [sys.executable, "-m", "astana_talks", "site", "--out", str(other)],
        check=True,
        env=env,
        capture_output=True,
    )
    assert _files(other) == _files(site)


def test_import_and_load_do_not_import_the_site_libraries() -> None:
    code = (
        "import astana_talks, astana_talks.cli, sys; astana_talks.load(); "
        "loaded = {'jinja2', 'matplotlib', 'markdown_it'} & set(sys.modules); "
        "assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# -- HTML and links -------------------------------------------------------------------


def test_the_strict_parser_rejects_broken_html() -> None:
    with pytest.raises(html5lib.html5parser.ParseError):
        _parse(b"<!DOCTYPE html><title>x</title><p><b>unclosed</p></i>")


def test_every_page_parses_as_strict_html5_without_scripts(pages: dict[str, Tree]) -> None:
    assert len(pages) > 90
    for name, tree in pages.items():
        assert tree.find(".//script") is None, name
        assert tree.get("lang") == "en", name


def test_every_internal_link_leads_to_a_file_and_an_anchor(
    site: Path, pages: dict[str, Tree]
) -> None:
    ids = {name: {e.get("id") for e in tree.iter() if e.get("id")} for name, tree in pages.items()}
    broken, checked = [], 0
    for name, tree in pages.items():
        for element in tree.iter():
            for attribute, link in element.attrib.items():
                if attribute not in ("href", "src") and not attribute.endswith("href"):
                    continue
                if link.startswith(("https://", "http://")):
                    assert (attribute, element.tag) == ("href", "a"), (name, link)
                    continue  # links out are fine; nothing outside is loaded
                assert not link.startswith("/"), (name, link)  # relative: works from file://
                assert ":" not in link, (name, link)
                path, _, fragment = link.partition("#")
                target = path or name
                checked += 1
                if not (site / target).is_file() or (fragment and fragment not in ids[target]):
                    broken.append(f"{name} -> {link}")
    assert broken == []
    assert checked > 5000


def test_the_charts_are_inline_svg_with_a_title_a_description_and_a_table(
    pages: dict[str, Tree],
) -> None:
    index = pages["index.html"]
    for name, table in (
        ("timeline", "timeline-table"),
        ("matrix", "matrix"),
        ("topics", "topics-table"),
    ):
        svg = _by_id(index, f"{name}-chart")
        assert svg.tag.endswith("svg")
        assert svg.get("role") == "img"
        assert svg.get("aria-labelledby") == f"{name}-title {name}-desc"
        assert _text(_by_id(index, f"{name}-title"))
        assert len(_text(_by_id(index, f"{name}-desc"))) > 80
        assert _by_id(index, table).tag == "table"
        assert svg.find(f".//{SVG}text") is not None  # text stays text (svg.fonttype none)


# -- the facts ----------------------------------------------------------------------


def _matrix(index: Tree) -> dict[str, list[str]]:
    """Actor id -> the text of its cells, a cell per round."""
    rows = {}
    for tr in _by_id(index, "matrix").iter("tr"):
        if tr.get("data-actor"):
            rows[tr.get("data-actor", "")] = [_text(td) for td in tr.findall("td")]
    return rows


def test_the_matrix_shows_iraq_from_round_13_and_the_united_states_leaving_after_8(
    pages: dict[str, Tree],
) -> None:
    matrix = _matrix(pages["index.html"])
    iraq = matrix["iraq"]
    assert iraq.index("O") == 12  # round 13, the first cell with a mark
    assert not any(iraq[:12])
    us = matrix["united-states"]
    assert us[:8] == ["O"] * 8
    assert {cell for cell in us[8:]} == {"", "O×"}  # absent, or no source
    assert matrix["turkiye"][20] == "G"


def test_round_21_lists_its_participants_agenda_and_quotes(
    pages: dict[str, Tree], ds: Dataset
) -> None:
    page = pages["round-21.html"]
    participants = _by_id(page, "participants")
    names = [_text(tr.find("th")) for tr in participants.iter("tr") if tr.get("id")]
    assert names[:4] == ["Kazakhstan", "Iran", "Russia", "Türkiye"]
    assert {"Iraq", "Jordan", "Lebanon", "United Nations"} <= set(names)
    assert len(names) == len(ds.participants_of(21))
    from astana_talks.site import anchor

    for p in ds.participants_of(21):
        row = _text(_by_id(page, anchor(p)))
        assert p.quote in row
        assert p.attendance.value in row
        link = _by_id(page, anchor(p)).find(f".//a[@href='sources.html#{p.source_id}']")
        assert link is not None
    agenda = _by_id(page, "agenda")
    for item in ds.agenda_of(21):
        row = _text(_by_id(agenda, anchor(item)))
        assert item.description in row
        assert item.quote in row
    assert "UN Security Council Resolution 2642" in _text(agenda)
    listed = {
        a.get("href", "").removeprefix("sources.html#") for a in _by_id(page, "sources").iter("a")
    }
    cited = [*ds.participants_of(21), *ds.agenda_of(21), *ds.claims_of("round-21-dates")]
    assert {row.source_id for row in cited} <= listed


def test_round_21_shows_its_dates_as_disputed_with_every_claim(
    pages: dict[str, Tree], ds: Dataset
) -> None:
    page = pages["round-21.html"]
    assert "24–25 January 2024" in _text(page.find(".//dl"))
    flag = page.find(".//dl//a[@href='#dispute-round-21-dates']")
    assert flag is not None
    assert _text(flag) == "disputed"
    dispute = _by_id(page, "dispute-round-21-dates")
    values = [(th.text or "").strip() for th in dispute.iter("th") if th.get("scope") == "row"]
    assert values == ["2024-01-24/2024-01-25", "2024-01-23/2024-01-24", "2024-01-25/2024-01-25"]
    for claim in ds.claims_of("round-21-dates"):
        assert claim.quote in _text(dispute)
        assert dispute.find(f".//a[@href='sources.html#{claim.source_id}']") is not None


def test_inferred_values_are_marked_with_the_reasoning(pages: dict[str, Tree], ds: Dataset) -> None:
    r = ds.round(21)
    assert "country" in r.inferred()
    facts = _text(pages["round-21.html"].find(".//dl"))
    assert "inferred" in facts
    assert (r.inference_note or "") in facts


def test_the_sources_page_shows_each_source_and_the_quotes_taken_from_it(
    pages: dict[str, Tree], ds: Dataset
) -> None:
    page = pages["sources.html"]
    source = next(s for s in ds.sources if s.source_id == ds.participants_of(21)[-1].source_id)
    article = _text(_by_id(page, source.source_id))
    assert source.publisher in article
    assert source.url in article
    used = [p for p in ds.participants if p.source_id == source.source_id]
    assert used
    assert all(p.quote in article for p in used)
    assert len(article) > 200


def test_the_codebook_and_problem_catalogue_come_from_the_models(pages: dict[str, Tree]) -> None:
    from astana_talks.models import MODELS
    from astana_talks.problems import CODES

    codebook = pages["codebook.html"]
    for model in MODELS:
        assert _by_id(codebook, model.table).tag == "h2"
    assert _by_id(codebook, "topic").tag == "h3"
    problems = pages["problems.html"]
    assert {tr.get("id") for tr in _by_id(problems, "problems").iter("tr") if tr.get("id")} == set(
        CODES
    )


# -- a contribution -----------------------------------------------------------------


def test_a_contributed_package_with_a_month_precise_round_is_drawn_as_a_month(
    tmp_path: Path,
) -> None:
    package = copy_package(tmp_path / "package")
    replace_in(package / "data" / "rounds.csv", "22,2024-11-11,2024-11-12,", "22,2024-11,2024-11,")
    meetings = package / "data" / "meetings.csv"
    replace_in(meetings, "2017-02-06,2017-02-06,,,,,held", ",,,,,,held")  # and one undated
    out = tmp_path / "site"
    assert run("site", "--out", str(out), "--package", str(package))[0] == 0
    page = _parse((out / "round-22.html").read_bytes())
    dates = _text(page.find(".//dl/dd"))
    assert dates.startswith("November 2024")
    assert "month only" in dates
    assert "11 November" not in dates
    index = (out / "index.html").read_text(encoding="utf-8")
    link = index.index('<a xlink:href="round-22.html">')
    assert "url(#timeline-h" in index[link : index.index("</a>", link)]  # a hatched span
    assert 'xlink:href="meeting-expert-meeting-2017-02-06.html"' not in index  # not drawn
    rows = _by_id(_parse(index.encode("utf-8")), "timeline-table").findall("./tbody/tr")
    assert _text(rows[-1]).startswith("Experts of the three guarantors")
    assert "date not stated" in _text(rows[-1])


def test_an_invalid_package_is_reported_on_stdout_and_exits_1(tmp_path: Path) -> None:
    package = copy_package(tmp_path / "package")
    replace_in(package / "data" / "rounds.csv", ",held,", ",hled,")
    code, out, err = run("site", "--out", str(tmp_path / "site"), "--package", str(package))
    assert code == 1
    assert err == ""
    assert "not-in-vocabulary: 'hled'" in out
    assert not (tmp_path / "site").exists()


def test_an_unreadable_package_is_an_error_on_stderr_and_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    code, out, err = run("site", "--out", str(tmp_path / "site"), "--package", str(missing))
    assert (code, out) == (2, "")
    assert err.startswith("error: ")
    assert "does not exist" in err
    assert "Traceback" not in err


def test_the_site_is_never_written_into_the_data_of_its_package(tmp_path: Path) -> None:
    package = copy_package(tmp_path / "package")
    out = package / "data" / "site"
    code, _, err = run("site", "--out", str(out), "--package", str(package))
    assert code == 2
    assert err == (
        f"error: --out {out} is inside the data of the package {package}; "
        "write the site elsewhere\n"
    )
    assert not out.exists()


def test_a_folder_that_is_not_a_site_is_never_replaced(tmp_path: Path) -> None:
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "thesis.txt").write_text("do not delete", encoding="utf-8")
    code, out, err = run("site", "--out", str(mine))
    assert (code, out) == (2, "")
    assert err == (
        f"error: {mine} exists and is not a site written by astana-talks "
        f"(no {MARKER} in it); give a new or empty folder\n"
    )
    assert [p.name for p in mine.iterdir()] == ["thesis.txt"]


def test_a_site_written_before_is_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run("site", "--out", str(out))[0] == 0
    (out / "stale.html").write_text("old", encoding="utf-8")
    assert run("site", "--out", str(out))[0] == 0
    assert not (out / "stale.html").exists()
    assert (out / "index.html").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no temporary folder left


def test_every_kind_of_meeting_has_a_lane_on_the_timeline() -> None:
    assert set(LANES) == {"round"} | {kind.value for kind in MeetingKind}
