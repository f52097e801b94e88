"""The command line: exit codes, exact messages, an example in every help."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import astana_talks
from astana_talks.cli import cli

from .helpers import ROOT, replace_in


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("command", _commands(cli), ids=" ".join)
def test_every_command_help_shows_an_example(command: tuple[str, ...]) -> None:
    code, out, _ = run(*command, "--help")
    assert code == 0
    assert "Example:" in out
    assert "astana-talks" in out.split("Example:")[1]


def test_validate_the_canonical_data() -> None:
    assert run("validate") == (0, "valid: no problems\n", "")


def test_validate_invalid_data_exits_1_with_the_report_on_stdout(package_copy: Path) -> None:
    replace_in(package_copy / "data" / "rounds.csv", ",held,", ",hled,")
    code, out, err = run("validate", str(package_copy))
    assert code == 1
    assert err == ""  # the report is the command's result: `> report.txt` captures it
    assert out.splitlines() == [
        f"{package_copy}/data/rounds.csv",
        "  row 2, column 8 (status): error not-in-vocabulary: 'hled' is not one of: "
        "announced, held, postponed, cancelled",
        "    hint: did you mean 'held'?",
        "invalid: 1 error(s), 0 warning(s) in 1 file(s)",
    ]


def test_refused_input_exits_2_and_says_refused_not_invalid(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a table\n", encoding="utf-8")
    code, out, err = run("validate", str(notes))
    assert (code, err) == (2, "")
    assert out.splitlines()[-1] == "refused: 1 error(s), 0 warning(s) in 1 file(s)"


def test_terminal_escapes_in_names_are_shown_not_sent(tmp_path: Path) -> None:
    folder = tmp_path / "evil\x1b[2J"
    folder.mkdir()
    header = "round_number,start_date\x1b[32m valid\n"
    (folder / "rounds.csv").write_text(header + "21,2024-01-24\n", encoding="utf-8")
    for fmt in ("text", "github"):
        code, out, err = run("validate", "--format", fmt, str(folder / "rounds.csv"))
        assert code == 1
        assert "\x1b" not in out + err
        assert "[32m valid" in out + err  # shown as text, e.g. \\x1b[32m valid
        assert "evil\\u001b[2J" in out + err


def test_validate_json_is_machine_readable(package_copy: Path) -> None:
    replace_in(package_copy / "data" / "rounds.csv", ",held,", ",hled,")
    code, out, _ = run("validate", "--format", "json", str(package_copy))
    assert code == 1
    report = json.loads(out)
    assert report["valid"] is False
    assert [(p["code"], p["row"], p["field"]) for p in report["problems"]] == [
        ("not-in-vocabulary", 2, "status")
    ]


def test_warnings_pass_unless_strict(package_copy: Path) -> None:
    replace_in(
        package_copy / "data" / "actors.csv",
        "Kazakhstan’s foreign ministry",
        "Kazakhstan's foreign ministry",
    )
    assert run("validate", str(package_copy))[0] == 0
    assert run("validate", "--strict", str(package_copy))[0] == 1


def test_unreadable_input_exits_2(tmp_path: Path) -> None:
    code, out, _ = run("validate", str(tmp_path / "nothing"))
    assert code == 2
    assert "does not exist" in out
    missing = tmp_path / "nothing"
    code, _, err = run("info", str(missing))
    assert (code, err) == (
        2,
        f"error: {missing}: error [unreadable-input] {missing} does not exist\n",
    )


def test_usage_errors_exit_2() -> None:
    assert run("show", "round", "twenty-one")[0] == 2
    assert run("no-such-command")[0] == 2
    code, _, err = run("show", "round", "23")
    assert (code, err) == (2, "error: no round 23; did you mean '22'? (rounds: 1-22)\n")
    code, _, err = run("show", "meeting", "doha")
    assert code == 2
    assert err.startswith("error: no meeting 'doha'")


def test_info_lists_tables_and_rounds() -> None:
    code, out, _ = run("info")
    assert code == 0
    lines = out.splitlines()
    assert "  rounds          22 rows" in lines
    twelve = next(line for line in lines if line.startswith("   12  "))
    assert twelve.split()[1:6] == ["2019-04-25", "to", "2019-04-26", "Nur-Sultan", "held"]
    doha = next(line for line in lines if line.startswith("  doha-2024-12-07 "))
    assert doha.split()[1:4] == ["2024-12-07", "(inferred)", "Doha"]


def test_show_round_4_shows_the_memorandum_and_who_signed_it() -> None:
    code, out, _ = run("show", "round", "4")
    assert code == 0
    lines = out.splitlines()
    assert (
        "    signed by: Russia (Alexander Lavrentiev), Türkiye (Sedat Önal), "
        "Iran (Hossein Jaberi Ansari)" in lines
    )
    assert any(line.startswith("  memorandum (2017-05-04): ") for line in lines)
    assert "Disputed:" in lines


def test_show_round_21_is_held_with_its_heads_and_every_observer() -> None:
    code, out, _ = run("show", "round", "21")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Round 21 (held)"
    observers = next(line for line in lines if line.startswith("  observer: "))
    for name in (
        "United Nations",
        "Jordan",
        "Iraq",
        "Lebanon",
        "UN High Commissioner",
        "Red Cross",
    ):
        assert name in observers
    assert "  Russia: Alexander Lavrentiev" in "\n".join(lines)


def test_disputes_lists_each_claim_with_its_source() -> None:
    code, out, _ = run("disputes")
    assert code == 0
    assert "round-21-dates: rounds 21 start_date end_date" in out
    assert "2024-01-23/2024-01-24  " in out  # the outlier, with its source
    assert "syrianobserver-2024-01-18-astana21-next-week" in out


def test_python_dash_m_runs_the_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "astana_talks", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("astana-talks, version ")


def test_generate_is_a_maintainer_tool_outside_the_user_cli() -> None:
    assert run("generate", "--check")[0] == 2  # not a command of astana-talks
    result = subprocess.run(
        [sys.executable, "-m", "astana_talks.generate", "--check", "--root", str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


FOUR = Path(__file__).parent / "corpus" / "63-participants-four-defects"


def test_github_format_annotates_file_line_and_column(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FOUR)
    code, out, _ = run("validate", "--format", "github", "participants.csv")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        "::error file=participants.csv,line=2,col=3,title=not-in-vocabulary::'hots' is not one of: "
        "guarantor, party, observer, host (did you mean 'host'?)"
    )
    assert [line.split("::")[1].split(",")[1:3] for line in lines] == [
        ["line=2", "col=3"],
        ["line=13", "title=duplicate-key"],
        ["line=14", "col=6"],
        ["line=15", "col=1"],
    ]


def test_a_limit_says_the_report_is_partial(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FOUR)
    code, err, _ = run("validate", "--limit", "1", "participants.csv")
    assert code == 1
    assert "... and 3 more problem(s) not shown: this report is partial" in err
    code, out, _ = run("validate", "--limit", "1", "--format", "json", "participants.csv")
    report = json.loads(out)
    assert (report["partial"], report["omitted"], len(report["problems"]), report["errors"]) == (
        True,
        3,
        1,
        4,
    )


def test_output_writes_the_json_report_without_touching_the_input(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(FOUR)
    before = (FOUR / "participants.csv").read_bytes()
    target = tmp_path / "report.json"
    code, _, _ = run("validate", "--output", str(target), "participants.csv")
    assert code == 1
    assert json.loads(target.read_text(encoding="utf-8"))["errors"] == 4
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left
    assert (FOUR / "participants.csv").read_bytes() == before


def test_output_never_overwrites_an_input(package_copy: Path) -> None:
    rounds = package_copy / "data" / "rounds.csv"
    descriptor = package_copy / "datapackage.json"
    before = {p: p.read_bytes() for p in (rounds, descriptor)}
    for output, given in [
        (rounds, rounds),
        (descriptor, package_copy),
        (package_copy / "data" / "new.json", descriptor),
    ]:
        code, out, err = run("validate", "--output", str(output), str(given))
        assert (code, out) == (2, "")
        assert err.startswith(f"error: --output {output} ")
        assert err.rstrip().endswith("write the report elsewhere")
    assert {p: p.read_bytes() for p in before} == before
    assert not (package_copy / "data" / "new.json").exists()
    report = package_copy / "report.json"  # beside the data is fine
    assert run("validate", "--output", str(report), str(package_copy))[0] == 0
    assert json.loads(report.read_text(encoding="utf-8"))["valid"] is True
    assert report.stat().st_mode & 0o777 == 0o644  # not the private mode of a temp file


def test_an_unwritable_output_is_a_clear_error_after_the_report(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("", encoding="utf-8")
    for output in (tmp_path / "afile" / "report.json", tmp_path / "missing" / "report.json"):
        code, out, err = run("validate", "--format", "json", "--output", str(output))
        assert code == 2
        assert json.loads(out)["valid"] is True  # the report is still shown
        assert err.startswith(f"error: cannot write the report to {output}: ")
    assert [p.name for p in tmp_path.iterdir()] == ["afile"]


def test_diff_lists_added_changed_and_removed_rows(package_copy: Path) -> None:
    path = package_copy / "data" / "rounds.csv"
    replace_in(path, ",held,", ",postponed,")
    code, out, _ = run("diff", str(path))
    assert code == 0
    assert out.splitlines() == [
        "~ rounds 1",
        "    status: 'held' -> 'postponed'",
        "rounds: 1 changed",
    ]
    code, out, _ = run("diff", "--format", "json", str(path))
    assert json.loads(out)["changes"] == [
        {
            "table": "rounds",
            "key": "1",
            "kind": "changed",
            "fields": {"status": ["held", "postponed"]},
        }
    ]


def test_diff_of_a_new_round(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(Path(__file__).parent / "corpus" / "53-new-round-two-guarantors")
    code, out, _ = run("diff", "new")
    assert code == 0
    assert out.splitlines() == [
        "+ participants 24/turkiye/guarantor",
        "+ participants 24/russia/guarantor",
        "+ rounds 24",
        "participants: 2 added, rounds: 1 added",
    ]


def test_unexpected_errors_are_one_line_unless_debug(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import astana_talks.cli as module

    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(module, "validate_package", boom)
    for debug, traceback in ((False, False), (True, True)):
        args = ["astana-talks", *(["--debug"] if debug else []), "validate"]
        monkeypatch.setattr(sys, "argv", args)
        with pytest.raises(SystemExit) as stopped:
            module.main()
        assert stopped.value.code == 2
        err = capsys.readouterr().err
        assert ("Traceback" in err) == traceback
        assert "error: unexpected error: RuntimeError('boom')" in err


def test_table_option_mistakes_are_named(package_copy: Path) -> None:
    rounds = package_copy / "data" / "rounds.csv"
    code, err, _ = run("validate", "--table", "Rounds", str(rounds))
    assert code == 2
    assert "--table 'Rounds' is not a table" in err
    assert "did you mean 'rounds'?" in err
    code, err, _ = run("validate", "--table", "rounds", str(package_copy))
    assert code == 2
    assert "--table is for a CSV file" in err


def test_a_json_file_that_is_not_a_descriptor_is_refused(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text('{"valid": true, "problems": []}', encoding="utf-8")
    code, err, _ = run("validate", str(report))
    assert code == 2
    assert "no 'resources': this is not a Data Package descriptor" in err


def test_lone_carriage_returns_are_a_line_ending_warning(tmp_path: Path) -> None:
    rounds = tmp_path / "rounds.csv"
    rounds.write_bytes((ROOT / "data" / "rounds.csv").read_bytes().replace(b"\n", b"\r"))
    code, out, _ = run("validate", "--format", "text", str(rounds))
    assert code == 0
    assert "warning line-endings: the file ends lines with a lone CR" in out


def test_diff_refuses_inputs_it_cannot_read_faithfully(tmp_path: Path) -> None:
    rounds = (ROOT / "data" / "rounds.csv").read_text(encoding="utf-8")
    broken = tmp_path / "rounds.csv"
    broken.write_text(rounds.replace("\n21,", '\n"21,', 1), encoding="utf-8")  # unclosed quote
    code, out, err = run("diff", str(broken))
    assert (code, out) == (1, "")
    assert "malformed-csv" in err
    assert err.rstrip().endswith("these problems make a diff unreliable: fix them first")
    last = rounds.splitlines()[-1]
    broken.write_text(rounds + last + "\n", encoding="utf-8")  # a key twice
    code, _, err = run("diff", str(broken))
    assert code == 1
    assert "duplicate-row" in err


def test_control_characters_in_data_are_warned_and_never_printed_raw(
    package_copy: Path,
) -> None:
    replace_in(package_copy / "data" / "rounds.csv", ",Astana,", ",Astana\x1b]0;PWNED\x07,")
    code, out, _ = run("validate", "--format", "json", str(package_copy))
    assert code == 0
    assert [p["code"] for p in json.loads(out)["problems"]] == ["invisible-character"]
    code, out, _ = run("show", "round", "1", "--path", str(package_copy))
    assert code == 0
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "Astana\\u001b]0;PWNED\\u0007" in out


@pytest.mark.parametrize("command", [("validate",), ("info",), ("diff",), ("build",)])
def test_an_empty_path_is_a_usage_error_not_the_current_folder(command: tuple[str, ...]) -> None:
    code, _, err = run(*command, "")
    assert code == 2
    assert "an empty path was given" in err


def test_show_actor_accepts_an_id_or_a_name_and_prints_json() -> None:
    code, out, _ = run("show", "actor", "turkiye", "--format", "json")
    assert code == 0
    shown = json.loads(out)
    assert (shown["actor_id"], shown["name"], shown["country"]) == ("turkiye", "Türkiye", "TUR")
    assert "Ankara" in {n["name"] for n in shown["names"]}
    assert {p["round_number"] for p in shown["participants"]} == set(range(1, 23))
    code, out, _ = run("show", "actor", "Lavrentiev")
    assert code == 0
    assert out.splitlines()[0] == "Alexander Lavrentiev (alexander-lavrentiev)"
    code, _, err = run("show", "actor", "turky")
    assert (code, err) == (
        2,
        "error: no actor 'turky'; did you mean 'turkiye'? (list them: astana-talks list actors)\n",
    )


def test_show_source_and_event() -> None:
    code, out, _ = run("show", "source", "dailysabah-2024-01-astana-21", "--format", "json")
    assert code == 0
    shown = json.loads(out)
    assert shown["text_file"] == "data/sources/dailysabah-2024-01-astana-21.txt"
    assert shown["rows_citing"]["events"] >= 19
    code, out, _ = run("show", "event", "tumysh-calls-for-end")
    assert code == 0
    assert any("Arab family" in line for line in out.splitlines())


def test_list_prints_a_table_as_csv_that_reads_back_like_the_shipped_file() -> None:
    code, out, _ = run("list", "rounds", "--format", "csv")
    assert code == 0
    assert out == (ROOT / "data" / "rounds.csv").read_text(encoding="utf-8")
    code, out, _ = run("list", "meetings")
    assert code == 0
    assert out.splitlines()[0].split() == ["meeting_id", "kind", "start_date", "city"]
    code, _, err = run("list", "round")
    assert (code, err.startswith("error: no table 'round'; did you mean 'rounds'?")) == (2, True)


def test_info_and_show_round_as_json() -> None:
    code, out, _ = run("info", "--format", "json")
    assert code == 0
    overview = json.loads(out)
    assert overview["tables"]["rounds"] == 22
    assert [r["round_number"] for r in overview["rounds"]] == list(range(1, 23))
    assert overview["rounds"][0]["start_date"] == "2017-01-23"  # partial dates as written
    code, out, _ = run("show", "round", "4", "--format", "json")
    assert code == 0
    shown = json.loads(out)
    assert shown["start_date"] == "2017-05-03"
    assert "round-4-memorandum" in {o["outcome_id"] for o in shown["outcomes"]}


def test_a_url_is_refused_with_a_clear_message() -> None:
    code, out, err = run("validate", "https://example.com/rounds.csv")
    assert code == 2
    assert "https://example.com/rounds.csv is a URL: nothing is fetched" in out + err
    report = astana_talks.validate("https://example.com/rounds.csv")
    assert not report.usable
    assert "is a URL" in report.problems[0].message


def test_a_limit_shows_errors_before_warnings(tmp_path: Path) -> None:
    rounds = (ROOT / "data" / "rounds.csv").read_text(encoding="utf-8")
    contribution = tmp_path / "rounds.csv"  # a warning (CRLF) at the file, an error at row 3
    lines = rounds.splitlines()
    lines[2] = lines[2].replace(",held,", ",hled,")
    contribution.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    code, out, _ = run("validate", "--limit", "1", "--format", "json", str(contribution))
    assert code == 1
    report = json.loads(out)
    assert [p["code"] for p in report["problems"]] == ["not-in-vocabulary"]
    assert report["warnings"] == 1


def test_info_and_validate_agree_on_a_packages_data_folder() -> None:
    data = str(ROOT / "data")
    assert run("validate", data)[:2] == (0, "valid: no problems\n")
    code, out, _ = run("info", data)
    assert code == 0
    assert "  rounds          22 rows" in out.splitlines()


def test_an_empty_table_lists_as_its_header(package_copy: Path) -> None:
    signatories = package_copy / "data" / "signatories.csv"
    signatories.write_text(signatories.read_text(encoding="utf-8").splitlines()[0] + "\n")
    code, out, _ = run("list", "signatories", "--format", "csv", "--path", str(package_copy))
    assert (code, out) == (0, signatories.read_text(encoding="utf-8"))
    code, out, _ = run("list", "signatories", "--format", "json", "--path", str(package_copy))
    assert (code, json.loads(out)) == (0, [])


def test_disputes_as_json_nest_the_claims() -> None:
    code, out, _ = run("disputes", "--format", "json")
    assert code == 0
    found = {d["dispute_id"]: d for d in json.loads(out)}
    claims = found["round-4-dates"]["claims"]
    assert {c["value"] for c in claims} == {"2017-05-03/2017-05-04", "2017-05-04/2017-05-05"}
    assert found["round-4-dates"]["value_used"] == "2017-05-03/2017-05-04"


def test_only_a_validate_run_by_main_ends_the_process_at_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``validate`` ends its process as soon as the report is out (``os._exit``); any
    other command, even after a validate in the same process, exits as usual."""
    import astana_talks.cli as module

    assert run("validate")[0] == 0
    ended: list[int] = []
    monkeypatch.setattr(os, "_exit", ended.append)
    monkeypatch.setattr(sys, "argv", ["astana-talks", "--help"])
    with pytest.raises(SystemExit):
        module.main()
    assert ended == []
    monkeypatch.setattr(sys, "argv", ["astana-talks", "validate"])
    with pytest.raises(SystemExit):
        module.main()
    assert ended == [0]
    assert "valid" in capsys.readouterr().out
