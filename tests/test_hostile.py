"""Hostile input made at test time (zip bombs, symlinks out, huge files), and fuzzing.

Every case ends in a clean report or a clean refusal: exit 1 or 2, a problem naming
the file, no traceback, nothing read beyond the limits, no input changed.
"""

from __future__ import annotations

import csv
import json
import os
import struct
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import astana_talks
from astana_talks import Limits
from astana_talks.cli import cli

from .helpers import ROOT


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", "--format", "json", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout


def codes(out: str) -> list[str]:
    return [p["code"] for p in json.loads(out)["problems"]]


def _package_zip(target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((ROOT / "data").rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(ROOT).as_posix())
        zf.write(ROOT / "datapackage.json", "datapackage.json")
    return target


def _patch_member(archive: Path, name: str, offset: int, value: int) -> None:
    """Set a 16-bit field of ``name``'s local header (``offset``) and central
    directory entry (``offset`` + 2): 6 is the flags, 8 the compression method."""
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        local = zf.getinfo(name).header_offset
    struct.pack_into("<H", data, local + offset, value)
    central = data.rfind(name.encode()) - 46  # the central directory comes last
    assert data[central : central + 4] == b"PK\x01\x02"
    struct.pack_into("<H", data, central + offset + 2, value)
    archive.write_bytes(bytes(data))


def test_a_zip_bomb_is_refused_before_it_is_extracted(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", '{"resources": []}')
        with archive.open("data/rounds.csv", "w") as member:
            block = b"\0" * 2**20
            for _ in range(512):  # 512 MiB of zeros, about half a megabyte compressed
                member.write(block)
    assert bomb.stat().st_size < 2**20
    code, out = run(str(bomb))
    assert code == 2
    [problem] = json.loads(out)["problems"]
    assert problem["code"] == "unreadable-input"
    assert "zip bomb" in problem["message"]


def test_too_many_members_are_refused(tmp_path: Path) -> None:
    crowded = tmp_path / "crowded.zip"
    with zipfile.ZipFile(crowded, "w") as archive:
        archive.writestr("datapackage.json", '{"resources": []}')
        for number in range(10_001):
            archive.writestr(f"f/{number}", b"")
    code, out = run(str(crowded))
    assert (code, codes(out)) == (2, ["unreadable-input"])


def test_limits_are_configurable(tmp_path: Path) -> None:
    archive = _package_zip(tmp_path / "release.zip")
    assert run(str(archive))[0] == 0
    code, out = run("--max-zip-ratio", "2", str(archive))
    assert (code, codes(out)) == (2, ["unreadable-input"])
    assert astana_talks.validate(archive, limits=Limits(zip_bytes=1000)).usable is False


def test_a_symlink_out_of_the_package_is_refused(package_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("round_number\n1\n", encoding="utf-8")
    rounds = package_copy / "data" / "rounds.csv"
    rounds.unlink()
    os.symlink(secret, rounds)
    code, out = run(str(package_copy))
    [problem] = json.loads(out)["problems"]
    assert (code, problem["code"]) == (2, "unsafe-path")
    assert "outside the package" in problem["message"]


def test_a_symlinked_source_text_is_refused(package_copy: Path, tmp_path: Path) -> None:
    text = package_copy / "data" / "sources" / "dailysabah-2024-01-astana-21.txt"
    outside = tmp_path / "article.txt"
    outside.write_bytes(text.read_bytes())
    text.unlink()
    os.symlink(outside, text)
    code, out = run(str(package_copy))
    assert (code, codes(out)) == (2, ["unsafe-path"])


def test_a_contribution_folder_cannot_link_out(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("secret-token,hello\n", encoding="utf-8")
    folder = tmp_path / "contribution"
    folder.mkdir()
    os.symlink(secret, folder / "rounds.csv")
    code, out = run(str(folder))
    [problem] = json.loads(out)["problems"]
    assert (code, problem["code"]) == (2, "unsafe-path")
    assert "secret-token" not in out  # nothing of the file is read, let alone shown


def test_a_data_folder_linked_out_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "contribution"
    folder.mkdir()
    os.symlink(ROOT / "data", folder / "data")
    code, out = run(str(folder))
    assert (code, codes(out)) == (2, ["unsafe-path"])


def test_pipes_and_devices_are_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "contribution"
    folder.mkdir()
    os.mkfifo(folder / "rounds.csv")  # reading it would wait for a writer forever
    code, out = run(str(folder))
    assert (code, codes(out)) == (2, ["unreadable-input"])
    assert "not a regular file" in json.loads(out)["problems"][0]["message"]
    device = tmp_path / "zero.csv"
    os.symlink("/dev/zero", device)  # endless: reading it would exhaust memory
    code, out = run("--table", "rounds", str(device))
    assert (code, codes(out)) == (2, ["unreadable-input"])


def test_csv_files_are_found_whatever_the_case_of_their_suffix(tmp_path: Path) -> None:
    folder = tmp_path / "contribution"
    folder.mkdir()
    rounds = (ROOT / "data" / "rounds.csv").read_text(encoding="utf-8")
    (folder / "rounds.CSV").write_text(rounds.replace("\n1,", "\n+1,", 1), encoding="utf-8")
    code, out = run(str(folder))
    assert (code, codes(out)) == (1, ["type-error"])


@pytest.mark.parametrize(
    ("offset", "value", "said"),
    [
        (6, 1, "is encrypted"),
        (8, 9, "compression method 9"),  # deflate64, which Python cannot read
        (8, 99, "compression method 99"),  # AES
    ],
)
def test_zip_members_python_cannot_read_are_refused(
    tmp_path: Path, offset: int, value: int, said: str
) -> None:
    archive = _package_zip(tmp_path / "package.zip")
    _patch_member(archive, "data/rounds.csv", offset, value)
    code, out = run(str(archive))
    [problem] = json.loads(out)["problems"]
    assert (code, problem["code"]) == (2, "unreadable-input")
    assert said in problem["message"]


def test_a_zip_member_stored_twice_is_refused(tmp_path: Path) -> None:
    archive = _package_zip(tmp_path / "package.zip")
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("data/rounds.csv", "round_number\n")
    code, out = run(str(archive))
    [problem] = json.loads(out)["problems"]
    assert (code, problem["code"]) == (2, "unreadable-input")
    assert "'data/rounds.csv' appears twice" in problem["message"]


def test_a_folder_named_like_the_descriptor_is_not_one(tmp_path: Path) -> None:
    archive = tmp_path / "package.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("x/datapackage.json/", "")
    code, out = run(str(archive))
    [problem] = json.loads(out)["problems"]
    assert (code, problem["code"]) == (2, "unreadable-input")
    assert "exactly one datapackage.json, found 0" in problem["message"]


def test_a_huge_descriptor_is_refused(tmp_path: Path) -> None:
    (tmp_path / "datapackage.json").write_text(
        '{"resources": [], "padding": "' + "x" * (11 * 2**20) + '"}', encoding="utf-8"
    )
    code, out = run(str(tmp_path))
    assert (code, codes(out)) == (2, ["invalid-descriptor"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_any_bytes_as_a_csv_give_a_clean_report(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "participants.csv"
        path.write_bytes(data)
        report = astana_talks.validate(path)
        assert path.read_bytes() == data
    assert all(p.file == str(path) for p in report.problems)
    json.loads(report.to_json())


CSV_PIECES = st.sampled_from(
    [
        '"',
        ",",
        "\n",
        "\r\n",
        "\r",
        "\x00",
        "\u2028",
        "\ufeff",
        "21",
        "host",
        "turkiye",
        " ",
        ";",
        "round_number,actor_id,role,attendance,source_id,quote,inferred_fields,inference_note\n",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(CSV_PIECES | st.text(max_size=5), max_size=40))
def test_csv_shaped_garbage_gives_a_clean_report(pieces: list[str]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "participants.csv"
        path.write_text("".join(pieces), encoding="utf-8", errors="surrogatepass")
        report = astana_talks.validate(path)
    assert report.usable
    json.loads(report.to_json())


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=100, deadline=None)
@given(
    st.one_of(
        JSON,
        st.fixed_dictionaries(
            {
                "resources": st.lists(
                    st.dictionaries(
                        st.sampled_from(["name", "path", "schema", "hash", "bytes"]), JSON
                    ),
                    max_size=3,
                )
            }
        ),
    )
)
def test_any_json_as_a_descriptor_gives_a_clean_report_or_refusal(descriptor: object) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
        report = astana_talks.validate(folder)
    assert report.problems
    json.loads(report.to_json())


def test_rows_after_a_huge_multiline_value_keep_their_line_numbers(tmp_path: Path) -> None:
    # a quoted value of 160,000 characters over 80,000 lines: beyond the csv module's
    # field limit, which must not cut the line count short
    with (ROOT / "data" / "rounds.csv").open(encoding="utf-8", newline="") as handle:
        header, first, second = list(csv.reader(handle))[:3]
    first[header.index("city")] = "x\n" * 80_000
    second[header.index("round_number")] = "+21"
    target = tmp_path / "rounds.csv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([header, first, second])
    code, out = run("--max-cell-chars", "1000000", str(target))
    found = [(p["code"], p["row"]) for p in json.loads(out)["problems"]]
    assert (code, found) == (1, [("pattern-mismatch", 2), ("type-error", 80_003)])


def test_a_header_of_thousands_of_columns_is_one_problem(tmp_path: Path) -> None:
    figures = tmp_path / "figures.csv"
    figures.write_text(",".join(f"c{n}" for n in range(100_000)) + "\n1\n", encoding="utf-8")
    code, out = run(str(figures))
    [problem] = json.loads(out)["problems"]
    assert (code, problem["code"], problem["row"]) == (1, "extra-column", 1)
    assert "100000 columns" in problem["message"]


def test_a_source_text_that_is_a_pipe_is_refused_not_missing(package_copy: Path) -> None:
    text = package_copy / "data" / "sources" / "dailysabah-2024-01-astana-21.txt"
    text.unlink()
    os.mkfifo(text)
    code, out = run(str(package_copy))
    [problem] = json.loads(out)["problems"]
    assert (code, problem["code"]) == (2, "unreadable-input")
    assert "not a regular file" in problem["message"]
