"""The library contract the README documents."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import astana_talks
from astana_talks import Dataset, InvalidDataError, UnknownKeyError, UnreadableInputError

from .helpers import ROOT, replace_in


def test_load_is_cached_and_frozen(ds: Dataset) -> None:
    assert astana_talks.load() is ds
    with pytest.raises(ValueError, match="frozen"):
        ds.rounds[0].city = "Sochi"  # type: ignore[misc]
    assert isinstance(ds.rounds, tuple)


def test_round_21_is_held_and_cites_the_seed_article_as_a_further_source(ds: Dataset) -> None:
    r = ds.round(21)
    assert (r.city, r.place_id, r.country, r.host, r.status.value) == (
        "Astana",
        "astana",
        "KAZ",
        "kazakhstan",
        "held",
    )
    assert (str(r.start_date), str(r.end_date)) == ("2024-01-24", "2024-01-25")
    assert "dailysabah-2024-01-astana-21" in {c.source_id for c in ds.citations_of(r)}


def test_rounds_1_to_22_are_day_precise_and_the_city_is_named_as_at_the_time(ds: Dataset) -> None:
    assert [r.round_number for r in ds.rounds] == list(range(1, 23))
    assert all(r.start_date.precision.value == "day" for r in ds.rounds if r.start_date)
    cities = {r.round_number: r.city for r in ds.rounds}
    assert cities[11] == "Astana"
    assert cities[12] == "Nur-Sultan"
    assert cities[19] == "Astana"
    assert (cities[10], cities[15]) == ("Sochi", "Sochi")
    assert {r.place_id for r in ds.rounds if r.city in ("Astana", "Nur-Sultan")} == {"astana"}
    assert ds.resolve_place("Nur-Sultan") == ds.resolve_place("astana") == ds.place("astana")


def test_meetings_without_a_number(ds: Dataset) -> None:
    doha = ds.meeting("doha-2024-12-07")
    assert (doha.kind.value, doha.city, str(doha.start_date)) == (
        "ministerial",
        "Doha",
        "2024-12-07",
    )
    heads = {d.actor_id: d.person_id for d in ds.delegations_of("doha-2024-12-07")}
    assert heads["turkiye"] == "hakan-fidan"
    with pytest.raises(LookupError, match="did you mean 'doha-2024-12-07'"):
        ds.meeting("doha-2024-12-7")


def test_unknown_keys_raise_lookup_errors_with_a_suggestion(ds: Dataset) -> None:
    with pytest.raises(UnknownKeyError, match="did you mean 'turkiye'"):
        ds.actor("turkey")
    with pytest.raises(LookupError, match="no round 99"):
        ds.round(99)
    with pytest.raises(LookupError, match="did you mean 'Tehran'"):
        ds.resolve_actor("Teheran")
    with pytest.raises(LookupError, match="did you mean 'rounds'"):
        ds.frame("round")
    assert ds.get_round(99) is None
    assert ds.get_actor("turkey") is None


@pytest.mark.parametrize(
    ("name", "actor_id"),
    [
        ("turkiye", "turkiye"),
        ("Türkiye", "turkiye"),
        ("TÜRKIYE", "turkiye"),
        ("Ankara", "turkiye"),
        ("Turkish", "turkiye"),
        ("Tehran", "iran"),
        ("U.N.", "united-nations"),
        ("UN", "united-nations"),
        ("the United Nations", "united-nations"),
        ("Daesh", "daesh"),
        ("the Damascus-based regime", "syrian-government"),
        ("President Bashar Assad's government", "syrian-government"),
        ("Damascus", "syrian-government"),
        ("Assad", "bashar-assad"),
        ("the opposition", "syrian-opposition"),
        ("guarantor nations", "astana-guarantors"),
        ("Kazakhstan’s foreign ministry", "kazakhstan-foreign-ministry"),
    ],
)
def test_resolve_actor_ignores_case_diacritics_and_punctuation(
    ds: Dataset, name: str, actor_id: str
) -> None:
    assert ds.resolve_actor(name).actor_id == actor_id


def test_every_listed_name_resolves_to_its_actor(ds: Dataset) -> None:
    assert [n.name for n in ds.actor_names if ds.resolve_actor(n.name).actor_id != n.actor_id] == []


def test_frames_have_proper_dtypes(ds: Dataset) -> None:
    rounds = ds.frame("rounds")
    assert str(rounds["round_number"].dtype) == "Int64"
    assert isinstance(rounds["status"].dtype, pd.CategoricalDtype)
    assert set(rounds["status"].cat.categories) == {"announced", "held", "postponed", "cancelled"}
    assert rounds["start_date"].tolist()[:2] == ["2017-01-23", "2017-02-15"]
    assert str(ds.frame("agenda_items")["most_prominent"].dtype) == "boolean"
    assert not rounds["city"].isna().any()
    meetings = ds.frame("meetings")
    assert meetings["city"].isna().sum() == 2  # the expert meeting and the video summit
    for table in ds.tables():
        frame = ds.frame(table)
        assert len(frame) == len(ds.table(table))
        assert tuple(frame.columns) == type(ds.table(table)[0]).columns()


def test_round_lookups(ds: Dataset) -> None:
    assert [a.item_number for a in ds.agenda_of(20)] == [1, 2, 3, 4, 5, 6]
    assert [a.topic.value for a in ds.agenda_of(20) if a.most_prominent] == ["counterterrorism"]
    assert len(ds.participants_of(21)) == 12
    assert "the round's number and that it took place" in [
        c.note for c in ds.citations_of(ds.round(20))
    ]
    assert [(s.actor_id, s.person_id) for s in ds.signatories_of("round-4-memorandum")] == [
        ("russia", "alexander-lavrentiev"),
        ("turkiye", "sedat-onal"),
        ("iran", "hossein-jaberi-ansari"),
    ]


def test_load_a_folder_a_descriptor_and_a_zip_equal_the_canonical_data(
    ds: Dataset, package_copy: Path, tmp_path: Path
) -> None:
    assert astana_talks.load(package_copy) == ds
    assert astana_talks.load(package_copy / "datapackage.json") == ds
    archive = tmp_path / "astana-talks.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(package_copy.rglob("*")):
            if path.is_file():
                zf.write(path, f"astana-talks/{path.relative_to(package_copy)}")
    assert astana_talks.load(archive) == ds


def test_invalid_data_raises_with_structured_problems(package_copy: Path) -> None:
    replace_in(package_copy / "data" / "rounds.csv", ",held,", ",hled,")
    with pytest.raises(InvalidDataError) as caught:
        astana_talks.load(package_copy)
    [problem] = caught.value.problems
    assert (problem.table, problem.row, problem.field, problem.code) == (
        "rounds",
        2,
        "status",
        "not-in-vocabulary",
    )
    assert problem.hint == "did you mean 'held'?"
    assert json.loads(caught.value.report.to_json())["errors"] == 1


def test_unreadable_paths_raise_unreadable_input(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInputError, match="does not exist"):
        astana_talks.load(tmp_path / "nothing")
    (tmp_path / "datapackage.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(
        UnreadableInputError,
        match=r"invalid-descriptor\] datapackage\.json: Expecting property name",
    ):
        astana_talks.load(tmp_path)


def test_a_folder_without_descriptor_reads_data_csvs(ds: Dataset, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    assert astana_talks.load(tmp_path) == ds


@given(st.text())
def test_visible_and_printable_take_the_fast_path_only_when_nothing_changes(text: str) -> None:
    import unicodedata

    from astana_talks.problems import printable, visible

    hidden = [c for c in text if c != " " and unicodedata.category(c)[0] in "CZ"]
    assert (visible(text) == text) == (not hidden)
    controls = [c for c in text if unicodedata.category(c) == "Cc" and c not in "\n\t"]
    assert (printable(text) == text) == (not controls)


@pytest.mark.parametrize(
    ("name", "actor_id"),
    [
        ("Turkey", "turkiye"),
        ("Lavrentiev", "alexander-lavrentiev"),
        ("Lavrentyev", "alexander-lavrentiev"),
        ("Jaafari", "bashar-al-jaafari"),
        ("de Mistura", "staffan-de-mistura"),
        ("Pedersen", "geir-pedersen"),
        ("Fidan", "hakan-fidan"),
        ("Khaji", "ali-asghar-khaji"),
        ("ICRC", "icrc"),
        ("Лаврентьев", "alexander-lavrentiev"),
    ],
)
def test_delegation_heads_and_states_resolve_by_the_names_sources_use(
    ds: Dataset, name: str, actor_id: str
) -> None:
    assert ds.resolve_actor(name).actor_id == actor_id


@pytest.mark.parametrize(
    "name", ["Astana", "Nur-Sultan", "Nursultan", "the Kazakh capital of Astana"]
)
def test_every_name_of_the_kazakh_capital_resolves_to_one_place(ds: Dataset, name: str) -> None:
    assert ds.resolve_place(name).place_id == "astana"


def test_the_seed_articles_russian_negotiator_is_named_by_later_sources(ds: Dataset) -> None:
    replies = next(e for e in ds.events if e.event_id == "russia-replies-not-over")
    notes = [c.note or "" for c in ds.citations_of(replies)]
    assert any("Alexander Lavrentiev" in note for note in notes)


def test_round_accepts_what_users_type_or_says_why_not(ds: Dataset) -> None:
    assert ds.round("21") is ds.round(21) is ds.round(" 21 ")
    with pytest.raises(UnknownKeyError, match=r"rounds are numbered 1, 2, \.\.\."):
        ds.round("twenty-one")
    with pytest.raises(UnknownKeyError, match="no round 23; did you mean '22'"):
        ds.round(23)


def test_the_public_api_exports_what_it_returns() -> None:
    for name in ("Round", "Meeting", "Participant", "Delegation", "Outcome"):
        assert name in astana_talks.__all__
        assert isinstance(getattr(astana_talks, name), type)
    for name in ("Diff", "BuildError"):  # loaded on first use: they bring pyarrow along
        assert isinstance(getattr(astana_talks, name), type)
    assert not hasattr(astana_talks, "version")  # importlib.metadata's function is not ours
    assert not issubclass(astana_talks.UnreadableInputError, OSError)


def test_load_of_the_shipped_data_needs_no_pandas_pyarrow_frictionless_or_rapidfuzz() -> None:
    code = (
        "import sys, astana_talks; ds = astana_talks.load(); assert len(ds.rounds) == 22; "
        "print(sorted(m for m in ('pandas', 'pyarrow', 'frictionless', 'rapidfuzz') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_shipped_files_are_checked_against_their_hashes_and_a_change_is_validated(
    package_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    from astana_talks import package
    from astana_talks.generate import with_integrity

    loading = importlib.import_module("astana_talks.load")
    descriptor = json.loads((package_copy / "datapackage.json").read_text(encoding="utf-8"))
    (package_copy / "datapackage.json").write_text(
        json.dumps(with_integrity(descriptor, package_copy)), encoding="utf-8"
    )
    monkeypatch.setattr(package, "canonical_root", lambda: package_copy)
    assert loading._shipped() == astana_talks.load(package_copy)  # hashes match: fast
    replace_in(package_copy / "data" / "rounds.csv", ",held,", ",hled,")
    assert loading._shipped() is None  # the file changed: load() validates it instead
