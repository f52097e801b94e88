"""The benchmark's generated contribution: two tables with defects of every kind the
validator checks in their rows, at known rows, and the manifest of what a correct
validator reports for them.

A package folder holds the shipped ``data/`` and a descriptor without the files'
``bytes`` and ``hash`` (a contributor's edited copy), in which

- ``data/actor_names.csv`` has N generated rows (composite key actor_id + name;
  foreign keys actor_id -> actors, source_id -> sources), and
- ``data/participants.csv`` has min(N, key space) rows (composite key round_number +
  actor_id + role; foreign keys round_number -> rounds, actor_id -> actors,
  source_id -> sources). Every (round, actor, role) key is used at most once, with
  exactly the three shipped guarantors per round, so the key space of valid shipped
  values (:func:`participant_keys`) is each round's 3 guarantors and each shipped actor
  in the 3 other roles: 22 x (3 + 66 x 3) = 4,422 keys with the data as shipped.

Each kind of defect (:data:`ACTOR_NAMES_DEFECTS`, :data:`PARTICIPANTS_DEFECTS`) is
injected about once per :data:`EVERY` rows, at its own offset in each block, never on
two neighbouring rows (so that a row has one defect and a row copying its predecessor
copies a clean one). Generation is deterministic. Each defect predicts its findings
``(file, row, field, code)``: the file relative to the package, the physical line
(header = 1; 0 for a problem of the whole file), the field ("" for a problem of the
row) and the problem code. Only these follow-ons, each a problem in its own right, are
predicted on another row or file:

- a participants row made a fourth guarantor of its round: ``round-guarantors`` on
  that round's row of ``data/rounds.csv`` (the round, not the participant, lists
  four guarantors; the validator reports it where the round is defined);
- a host's participants row left out: ``host-not-participant`` on that round's row
  of ``data/rounds.csv``;
- a cited participants row left out: ``citation-target`` on each row of
  ``data/citations.csv`` citing it (the citation's record no longer exists);
- the first CRLF line of a file: one ``line-endings`` warning for the whole file.

Nothing else may be reported: no problem on a clean row and no cascade (a cell that
breaks its rule is reported once, not again by the rules that would use it).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TextIO

from astana_talks.models import QUOTE_WORDS, TABLES
from astana_talks.package import without_integrity

ROOT = Path(__file__).resolve().parent.parent
#: One defect of each kind in every block of this many rows.
EVERY = 1000
#: One finding: file (relative to the package), row (line in the file), field, code.
Finding = tuple[str, int, str, str]
#: A row as written: the row, its cells, a raw line (with its line ending), or None (the
#: row is left out).
Output = dict[str, str] | list[str] | str | None
ACTOR_NAMES = "data/actor_names.csv"
PARTICIPANTS = "data/participants.csv"
ROUNDS = "data/rounds.csv"
CITATIONS = "data/citations.csv"
#: Characters a cell may hold that do not show, or show the same decomposed.
ZERO_WIDTH_SPACE = "\u200b"
COMBINING_ACUTE = "\u0301"


@dataclass(frozen=True)
class Kind:
    """A kind of defect: its name, the codes it gives, and where it is injected."""

    name: str
    codes: tuple[str, ...]
    #: Only in every PERIOD-th block of EVERY rows (rare, costly kinds).
    period: int = 1
    #: At most LIMIT times in a table.
    limit: int | None = None


#: The kinds injected into actor_names, in the order of their offsets in a block.
ACTOR_NAMES_DEFECTS = (
    Kind("usage-not-in-vocabulary", ("not-in-vocabulary",)),
    Kind("unknown-actor", ("foreign-key",)),
    Kind("unknown-source", ("foreign-key",)),
    # A second empty name of the same actor would repeat the key (actor_id, ''): an
    # empty name is given once to each shipped actor, at most, so that no key repeats.
    Kind("empty-name", ("required-value",), limit=59),
    Kind("empty-usage", ("required-value",)),
    Kind("duplicate-key", ("duplicate-key",)),
    Kind("duplicate-row", ("duplicate-row",)),
    Kind("bad-slug", ("pattern-mismatch",)),
    Kind("long-slug", ("pattern-mismatch",)),
    Kind("leading-space", ("pattern-mismatch",)),
    Kind("inferred-fields-pattern", ("pattern-mismatch",)),
    Kind("invisible-character", ("invisible-character",)),
    Kind("not-nfc", ("not-nfc",)),
    Kind("formula-like", ("formula-like",)),
    Kind("note-without-fields", ("row-rule",)),
    Kind("unknown-inferred-field", ("row-rule",)),
    Kind("fields-without-note", ("row-rule",)),
    Kind("quote-too-long", ("quote-too-long",)),
    Kind("quote-not-found", ("quote-not-found",)),
    Kind("quote-straight-apostrophe", ("quote-normalised-match",)),
    Kind("quote-folded-whitespace", ("quote-normalised-match",)),
    Kind("ambiguous-name", ("ambiguous-name",)),
    Kind("ambiguous-id", ("ambiguous-name",)),
    # 100,001 characters: once per 100,000 rows, so as not to double the file's size
    Kind("cell-too-large", ("cell-too-large",), period=100),
    Kind("ragged-short", ("ragged-row",)),
    Kind("ragged-long", ("ragged-row",)),
    Kind("blank-line", ("blank-row",)),
    Kind("blank-cells", ("blank-row",)),
    Kind("crlf", ("line-endings",), limit=1),  # one warning for the whole file
    # the previous row's key with a zero-width space in the name: two problems, both
    # right (the key is the same once the invisible character is removed)
    Kind("lookalike-key", ("duplicate-key", "invisible-character")),
)
#: The kinds injected into participants (every valid key at most: about four of each).
PARTICIPANTS_DEFECTS = (
    Kind("attendance-not-in-vocabulary", ("not-in-vocabulary",)),
    Kind("role-not-in-vocabulary", ("not-in-vocabulary",)),
    Kind("unknown-actor", ("foreign-key",)),
    Kind("unknown-source", ("foreign-key",)),
    Kind("unknown-round", ("foreign-key",)),
    Kind("empty-attendance", ("required-value",)),
    Kind("duplicate-key", ("duplicate-key",)),
    Kind("duplicate-row", ("duplicate-row",)),
    Kind("bad-slug", ("pattern-mismatch",)),
    Kind("long-slug", ("pattern-mismatch",)),
    Kind("leading-space", ("pattern-mismatch",)),
    Kind("inferred-fields-pattern", ("pattern-mismatch",)),
    Kind("invisible-character", ("invisible-character",)),
    Kind("not-nfc", ("not-nfc",)),
    Kind("formula-like", ("formula-like",)),
    Kind("note-without-fields", ("row-rule",)),
    Kind("unknown-inferred-field", ("row-rule",)),
    Kind("fields-without-note", ("row-rule",)),
    Kind("type-error", ("type-error",)),
    Kind("round-below-minimum", ("out-of-range",)),
    Kind("round-above-maximum", ("out-of-range",)),
    Kind("quote-too-long", ("quote-too-long",)),
    Kind("quote-not-found", ("quote-not-found",)),
    Kind("quote-straight-apostrophe", ("quote-normalised-match",)),
    Kind("quote-folded-whitespace", ("quote-normalised-match",)),
    Kind("cell-too-large", ("cell-too-large",), limit=1),
    Kind("ragged-short", ("ragged-row",)),
    Kind("ragged-long", ("ragged-row",)),
    Kind("blank-line", ("blank-row",)),
    Kind("blank-cells", ("blank-row",)),
    Kind("crlf", ("line-endings",), limit=1),
    Kind("fourth-guarantor", ("round-guarantors",)),
    Kind("missing-host", ("host-not-participant",)),
    Kind("cited-row-removed", ("citation-target",)),
)

#: Defects on which the validator once reported a cascade (a cell that breaks its rule
#: reported again by a rule that uses it). Injected by the benchmark's --suspected and,
#: one package each, by tests/test_benchmark.py, which asserts each is reported once.
SUSPECTED_DEFECTS = {
    # a broken actor_id given a shipped actor's name: once also an ambiguous-name
    "actor_names": (Kind("bad-slug-shipped-name", ("pattern-mismatch",)),),
    "participants": (
        # a guarantor's misspelt role: once also round-guarantors (2, not three)
        Kind("guarantor-role-misspelt", ("not-in-vocabulary",)),
        # a guarantor's or a host's row with a broken round or actor: once also
        # round-guarantors or host-not-participant on data/rounds.csv
        Kind("guarantor-round-type-error", ("type-error",)),
        Kind("host-round-type-error", ("type-error",)),
        Kind("host-actor-pattern", ("pattern-mismatch",)),
    ),
}


def offset(kinds: Sequence[Kind], kind: Kind) -> int:
    """Where ``kind`` starts in each block: the kinds 27 rows apart from row 101 on."""
    return 101 + 27 * kinds.index(kind)


# -- the shipped data ------------------------------------------------------------


def read_shipped(name: str) -> list[dict[str, str]]:
    with (ROOT / "data" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class Shipped:
    """What the generators take from the shipped data."""

    actors: list[str]
    actor_names: list[str]
    rounds: list[str]
    round_lines: dict[str, int]
    hosts: dict[str, str]
    guarantors: dict[str, list[str]]
    cited: dict[str, list[int]]
    """The participants keys citations cite, with the lines of data/citations.csv."""
    quoted: str
    """A source not shipped in full (empty text_file): its quotes are only checked
    for length (at most 25 words)."""
    full: str
    """A source shipped in full: its quotes must be exact substrings of its text."""
    straight: str
    """Words of the full source's text with a straight apostrophe for its curly one."""
    folded: str
    """Words of the full source's text across a line break, written with a space."""


@cache
def shipped() -> Shipped:
    actors = read_shipped("actors.csv")
    rounds = read_shipped("rounds.csv")
    sources = read_shipped("sources.csv")
    participants = read_shipped("participants.csv")
    full = next(s for s in sources if s["text_file"])
    text = (ROOT / full["text_file"]).read_text(encoding="utf-8")
    straight = "Kazakhstan's foreign ministry announced Friday"
    folded = "ministry announced Friday. Turkish, Russian and Iranian"
    assert straight not in text
    assert straight.replace("'", "\u2019") in text
    assert folded not in text
    assert folded.replace(". ", ".\n") in text
    cited: dict[str, list[int]] = {}
    for line, c in enumerate(read_shipped("citations.csv"), start=2):
        if c["table_name"] == "participants":
            cited.setdefault(c["record"], []).append(line)
    guarantors: dict[str, list[str]] = {}
    for p in participants:
        if p["role"] == "guarantor":
            guarantors.setdefault(p["round_number"], []).append(p["actor_id"])
    return Shipped(
        actors=[a["actor_id"] for a in actors],
        actor_names=[a["name"] for a in actors],
        rounds=[r["round_number"] for r in rounds],
        round_lines={r["round_number"]: line for line, r in enumerate(rounds, start=2)},
        hosts={r["round_number"]: r["host"] for r in rounds if r["host"]},
        guarantors=guarantors,
        cited=cited,
        quoted=next(s["source_id"] for s in sources if not s["text_file"]),
        full=full["source_id"],
        straight=straight,
        folded=folded,
    )


def copy_package(target: Path) -> Path:
    """The shipped package at ``target``, its descriptor without sizes and hashes."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "data", target / "data")
    descriptor = without_integrity(json.loads((ROOT / "datapackage.json").read_bytes()))
    (target / "datapackage.json").write_text(
        json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return target


# -- where the defects go ---------------------------------------------------------


def schedule(
    rows: int, kinds: Sequence[Kind], suitable: Callable[[int, Kind, dict[int, Kind]], bool]
) -> dict[int, Kind]:
    """Row index -> the defect it gets: each kind at its offset in each block, or on the
    next suitable row; never two defects on neighbouring rows."""
    taken: dict[int, Kind] = {}
    count: Counter[str] = Counter()
    for block in range(-(-rows // EVERY)):
        for kind in kinds:
            if block % kind.period or (kind.limit is not None and count[kind.name] >= kind.limit):
                continue
            index = block * EVERY + offset(kinds, kind)
            while index < rows and (
                any(i in taken for i in (index - 1, index, index + 1))
                or not suitable(index, kind, taken)
            ):
                index += 1
            if index < rows:
                taken[index] = kind
                count[kind.name] += 1
    return taken


# -- the defects ----------------------------------------------------------------------

INFERRABLE = "inferred from the context of the source"


def _long_quote(index: int) -> str:
    return " ".join(f"word{j}" for j in range(QUOTE_WORDS + 5)) + f" {index}"


def _common_defect(
    kind: str, row: dict[str, str], previous: dict[str, str], index: int
) -> tuple[Output, list[tuple[str, str]]] | None:
    """The defects both tables get the same way: the row as written and its
    (field, code) findings; None for a kind of one table."""
    cells = row
    s = shipped()
    if kind == "unknown-actor":
        row["actor_id"] = f"no-such-actor-{index}"
        return cells, [("actor_id", "foreign-key")]
    if kind == "unknown-source":
        row["source_id"] = f"no-such-source-{index}"  # no text, no quote check
        return cells, [("source_id", "foreign-key")]
    if kind == "duplicate-key":
        for name in TABLES[_table(row)].primary_key:
            row[name] = previous[name]
        return cells, [("", "duplicate-key")]
    if kind == "duplicate-row":
        row.update(previous)
        return cells, [("", "duplicate-row")]
    if kind == "bad-slug":
        row["actor_id"] = f"Bad Id {index}"  # not looked up: no foreign-key error
        return cells, [("actor_id", "pattern-mismatch")]
    if kind == "inferred-fields-pattern":
        row["inferred_fields"] = "actor_id  source_id"  # two spaces; the row rule skips it
        row["inference_note"] = INFERRABLE
        return cells, [("inferred_fields", "pattern-mismatch")]
    if kind == "note-without-fields":
        row["inference_note"] = INFERRABLE
        return cells, [("inferred_fields", "row-rule")]
    if kind == "unknown-inferred-field":
        row["inferred_fields"] = "actor_id no_such_column"
        row["inference_note"] = INFERRABLE
        return cells, [("inferred_fields", "row-rule")]
    if kind == "fields-without-note":
        row["inferred_fields"] = "actor_id"
        return cells, [("inference_note", "row-rule")]
    if kind == "quote-too-long":
        row["quote"] = _long_quote(index)  # of the source not shipped in full
        return cells, [("quote", "quote-too-long")]
    if kind == "quote-not-found":
        row["source_id"], row["quote"] = s.full, f"words the source does not have {index}"
        return cells, [("quote", "quote-not-found")]
    if kind == "quote-straight-apostrophe":
        row["source_id"], row["quote"] = s.full, s.straight
        return cells, [("quote", "quote-normalised-match")]
    if kind == "quote-folded-whitespace":
        row["source_id"], row["quote"] = s.full, s.folded
        return cells, [("quote", "quote-normalised-match")]
    if kind == "cell-too-large":
        row["source_id"], row["quote"] = s.full, "x" * 100_001  # not also a quote not found
        return cells, [("quote", "cell-too-large")]
    columns = TABLES[_table(row)].columns()
    values = [row[c] for c in columns]
    if kind == "ragged-short":
        return values[:-1], [("", "ragged-row")]
    if kind == "ragged-long":
        return [*values, "extra"], [("", "ragged-row")]
    if kind == "blank-line":
        return "\n", [("", "blank-row")]
    if kind == "blank-cells":
        return [""] * len(columns), [("", "blank-row")]
    if kind == "crlf":
        return _line(values).removesuffix("\n") + "\r\n", [("", "line-endings")]
    return None


def _table(row: dict[str, str]) -> str:
    return "participants" if "round_number" in row else "actor_names"


def _line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


@dataclass
class Generated:
    """A generated table's manifest, and the defects injected (file, row, kind)."""

    manifest: list[Finding] = field(default_factory=list)
    defects: list[tuple[str, int, str]] = field(default_factory=list)


def _write(
    handle: TextIO,
    file: str,
    table: str,
    rows: Iterator[tuple[dict[str, str], Kind | None]],
    defect: Callable[[str, dict[str, str], dict[str, str], int], tuple[Output, list[Finding]]],
    out: Generated,
) -> None:
    """Write a table's header and rows, applying each row's defect and recording its
    findings; ``defect(kind, row, previous, line)`` returns the row as written and the
    findings (a file-wide finding has row 0)."""
    columns = TABLES[table].columns()
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(columns)
    line = 1
    previous: dict[str, str] = {}
    for row, kind in rows:
        output: Output = [row[c] for c in columns]
        if kind is not None:
            output, findings = defect(kind.name, row, previous, line + 1)
            if isinstance(output, dict):
                output = [output[c] for c in columns]
            out.manifest += findings
            out.defects.append((file, line + 1 if output is not None else 0, kind.name))
        if output is None:
            continue  # the row is left out
        line += 1
        if isinstance(output, str):
            handle.write(output)
        else:
            writer.writerow(output)
        previous = row


# -- actor_names --------------------------------------------------------------------


def actor_name_rows(rows: int, usage: str = "name") -> Iterator[dict[str, str]]:
    """ROWS clean rows of actor_names: unique names of shipped actors, a short quote of
    a source not shipped in full."""
    s = shipped()
    for index in range(rows):
        yield {
            "actor_id": s.actors[index % len(s.actors)],
            "name": f"generated name {index}",
            "usage": usage,
            "source_id": s.quoted,
            "quote": f"a short quote number {index}",
            "said_by": "",
            "inferred_fields": "",
            "inference_note": "",
        }


def _actor_name_defect(
    occurrences: Counter[str],
) -> Callable[[str, dict[str, str], dict[str, str], int], tuple[Output, list[Finding]]]:
    s = shipped()
    n = len(s.actors)

    def defect(
        kind: str, row: dict[str, str], previous: dict[str, str], line: int
    ) -> tuple[Output, list[Finding]]:
        k = occurrences[kind]
        occurrences[kind] += 1
        index = line - 2
        output: Output = row
        common = _common_defect(kind, row, previous, index)
        if common is not None:
            output, found = common
            if kind == "crlf":
                return output, [(ACTOR_NAMES, 0, "", "line-endings")]
        elif kind == "usage-not-in-vocabulary":
            row["usage"] = "nickname"
            found = [("usage", "not-in-vocabulary")]
        elif kind == "empty-name":
            assert k < n, "an empty name per shipped actor at most"
            row["actor_id"], row["name"] = s.actors[k], ""  # each actor once: no key repeats
            found = [("name", "required-value")]
        elif kind == "empty-usage":
            row["usage"] = ""
            found = [("usage", "required-value")]
        elif kind == "long-slug":
            row["source_id"] = "long-" * 16 + str(index)  # 81+ characters, the pattern's shape
            found = [("source_id", "pattern-mismatch")]
        elif kind == "leading-space":
            row["name"] = " " + row["name"]
            found = [("name", "pattern-mismatch")]
        elif kind == "invisible-character":
            # in the key: not also a look-alike duplicate key, nor an ambiguous name
            row["name"] = f"generated{ZERO_WIDTH_SPACE}name {index}"
            found = [("name", "invisible-character")]
        elif kind == "not-nfc":
            row["quote"] = f"a short quote about Gene{COMBINING_ACUTE}va number {index}"
            found = [("quote", "not-nfc")]
        elif kind == "formula-like":
            row["said_by"] = f"=1+{index}"
            found = [("said_by", "formula-like")]
        elif kind == "lookalike-key":
            row["actor_id"] = previous["actor_id"]
            row["name"] = previous["name"].replace(" ", f" {ZERO_WIDTH_SPACE}", 1)
            found = [("", "duplicate-key"), ("name", "invisible-character")]
        elif kind == "bad-slug-shipped-name":
            row["actor_id"], row["name"] = f"Bad Id {index}", s.actor_names[k % n]
            found = [("actor_id", "pattern-mismatch")]
        elif kind in ("ambiguous-name", "ambiguous-id"):
            # the k-th gives shipped actor t's name (or id) to another actor a: every
            # (a, name) pair is new for k < 59 x 58, so no key repeats
            t = k % n
            a = (t + 1 + (k // n) % (n - 1)) % n
            row["actor_id"] = s.actors[a]
            row["name"] = s.actor_names[t] if kind == "ambiguous-name" else s.actors[t]
            found = [("name", "ambiguous-name")]
        else:
            raise ValueError(kind)
        return output, [(ACTOR_NAMES, line, f, c) for f, c in found]

    return defect


def write_actor_names(
    package: Path, rows: int, out: Generated, kinds: Sequence[Kind] = ACTOR_NAMES_DEFECTS
) -> None:
    where = schedule(rows, kinds, lambda index, kind, taken: True)
    path = package / ACTOR_NAMES
    with path.open("w", encoding="utf-8", newline="") as handle:
        _write(
            handle,
            ACTOR_NAMES,
            "actor_names",
            ((row, where.get(i)) for i, row in enumerate(actor_name_rows(rows))),
            _actor_name_defect(Counter()),
            out,
        )


# -- participants ---------------------------------------------------------------------


def participant_keys() -> list[tuple[str, str, str]]:
    """Every valid (round, actor, role): the three shipped guarantors of each round,
    then each shipped actor as party, observer and host."""
    s = shipped()
    keys: list[tuple[str, str, str]] = []
    for number in s.rounds:
        keys += [(number, g, "guarantor") for g in s.guarantors.get(number, [])]
        keys += [(number, a, role) for a in s.actors for role in ("party", "observer", "host")]
    return keys


def _suitable(keys: list[tuple[str, str, str]]) -> Callable[[int, Kind, dict[int, Kind]], bool]:
    """Where a participants defect may go without breaking another rule: never on a
    cited row (citations.csv would lose its target), a guarantor or a host (the round
    rules), except the defects made for those rules (a cited row left out, a host's
    row left out)."""
    s = shipped()

    def suitable(index: int, kind: Kind, taken: dict[int, Kind]) -> bool:
        number, actor, role = keys[index]
        if kind.name == "cited-row-removed":
            return "/".join(keys[index]) in s.cited and role in ("party", "observer")
        if "/".join(keys[index]) in s.cited:
            return False
        if kind.name.startswith("guarantor-"):
            return role == "guarantor"
        if kind.name == "missing-host" or kind.name.startswith("host-"):
            return role == "host" and s.hosts.get(number) == actor
        if role not in ("party", "observer"):
            return False
        if kind.name in ("duplicate-key", "duplicate-row"):
            return keys[index - 1][2] in ("party", "observer")  # copies a clean row
        if kind.name == "role-not-in-vocabulary":
            return s.hosts.get(number) != actor  # a misspelt role may be the host's
        if kind.name == "fourth-guarantor":
            return actor not in s.guarantors.get(number, []) and not any(
                k.name == kind.name and keys[i][0] == number for i, k in taken.items()
            )
        return True

    return suitable


def participant_rows(keys: list[tuple[str, str, str]]) -> Iterator[dict[str, str]]:
    s = shipped()
    for index, (number, actor, role) in enumerate(keys):
        yield {
            "round_number": number,
            "actor_id": actor,
            "role": role,
            "attendance": "attended",
            "source_id": s.quoted,
            "quote": f"delegation number {index} attended the round",
            "said_by": "",
            "inferred_fields": "",
            "inference_note": "",
        }


def _participant_defect(
    occurrences: Counter[str],
) -> Callable[[str, dict[str, str], dict[str, str], int], tuple[Output, list[Finding]]]:
    s = shipped()

    def defect(
        kind: str, row: dict[str, str], previous: dict[str, str], line: int
    ) -> tuple[Output, list[Finding]]:
        k = occurrences[kind]
        occurrences[kind] += 1
        index = line - 2
        output: Output = row
        number = row["round_number"]
        common = _common_defect(kind, row, previous, index)
        if common is not None:
            output, found = common
            if kind == "crlf":
                return output, [(PARTICIPANTS, 0, "", "line-endings")]
        elif kind == "attendance-not-in-vocabulary":
            row["attendance"] = "perhaps"
            found = [("attendance", "not-in-vocabulary")]
        elif kind == "role-not-in-vocabulary":
            row["role"] = "observr"
            found = [("role", "not-in-vocabulary")]
        elif kind == "unknown-round":
            row["round_number"] = str(100 + k)  # in range; each once, so no key repeats
            found = [("round_number", "foreign-key")]
        elif kind == "empty-attendance":
            row["attendance"] = ""
            found = [("attendance", "required-value")]
        elif kind == "long-slug":
            row["actor_id"] = "long-" * 16 + str(index)
            found = [("actor_id", "pattern-mismatch")]
        elif kind == "leading-space":
            # of the source shipped in full: not also a quote not found
            row["source_id"], row["quote"] = s.full, " " + row["quote"]
            found = [("quote", "pattern-mismatch")]
        elif kind == "invisible-character":
            row["quote"] = f"delegation{ZERO_WIDTH_SPACE} number {index} attended the round"
            found = [("quote", "invisible-character")]
        elif kind == "not-nfc":
            row["said_by"] = f"the delegation from Gene{COMBINING_ACUTE}va {index}"
            found = [("said_by", "not-nfc")]
        elif kind == "formula-like":
            row["quote"] = f"-{index} delegations attended the round"
            found = [("quote", "formula-like")]
        elif kind == "type-error":
            row["round_number"] = f"x{k}"
            found = [("round_number", "type-error")]
        elif kind == "round-below-minimum":
            row["round_number"] = str(-k)  # 0, -1, ...: each once
            found = [("round_number", "out-of-range")]
        elif kind == "round-above-maximum":
            row["round_number"] = str(1000 + k)
            found = [("round_number", "out-of-range")]
        elif kind == "fourth-guarantor":
            row["role"] = "guarantor"
            line_of_round = s.round_lines[number]
            return row, [(ROUNDS, line_of_round, "round_number", "round-guarantors")]
        elif kind == "missing-host":
            return None, [(ROUNDS, s.round_lines[number], "host", "host-not-participant")]
        elif kind == "guarantor-role-misspelt":
            row["role"] = "guarantr"
            found = [("role", "not-in-vocabulary")]
        elif kind in ("guarantor-round-type-error", "host-round-type-error"):
            row["round_number"] = f"{number}x"
            found = [("round_number", "type-error")]
        elif kind == "host-actor-pattern":
            row["actor_id"] = row["actor_id"].capitalize()
            found = [("actor_id", "pattern-mismatch")]
        elif kind == "cited-row-removed":
            key = "/".join(row[c] for c in ("round_number", "actor_id", "role"))
            return None, [(CITATIONS, c, "record", "citation-target") for c in s.cited[key]]
        else:
            raise ValueError(kind)
        return output, [(PARTICIPANTS, line, f, c) for f, c in found]

    return defect


def write_participants(
    package: Path, rows: int, out: Generated, kinds: Sequence[Kind] = PARTICIPANTS_DEFECTS
) -> None:
    keys = participant_keys()[:rows]
    where = schedule(len(keys), kinds, _suitable(keys))
    with (package / PARTICIPANTS).open("w", encoding="utf-8", newline="") as handle:
        _write(
            handle,
            PARTICIPANTS,
            "participants",
            ((row, where.get(i)) for i, row in enumerate(participant_rows(keys))),
            _participant_defect(Counter()),
            out,
        )


# -- packages -------------------------------------------------------------------------


def make_contribution(
    folder: Path, rows: int, suspected: Sequence[str] = ()
) -> tuple[Path, list[Finding]]:
    """A package folder with generated actor_names and participants, and its manifest
    (also written to ``folder/manifest.json``; the defects behind it, with their kinds,
    to ``folder/defects.json``). ``suspected`` names kinds of :data:`SUSPECTED_DEFECTS`
    to inject too."""
    package = copy_package(folder / "package")
    out = Generated()
    extra = {
        table: tuple(k for k in kinds if k.name in suspected)
        for table, kinds in SUSPECTED_DEFECTS.items()
    }
    write_actor_names(package, rows, out, ACTOR_NAMES_DEFECTS + extra["actor_names"])
    write_participants(package, rows, out, PARTICIPANTS_DEFECTS + extra["participants"])
    (folder / "manifest.json").write_text(
        json.dumps(out.manifest, indent=1) + "\n", encoding="utf-8"
    )
    (folder / "defects.json").write_text(json.dumps(out.defects, indent=1) + "\n", "utf-8")
    return package, out.manifest


def injected_kinds(folder: Path) -> Counter[str]:
    """How many defects of each kind ``make_contribution`` injected, by table."""
    defects = json.loads((folder / "defects.json").read_text(encoding="utf-8"))
    return Counter(f"{Path(file).stem}:{kind}" for file, _, kind in defects)


def make_bad_cells(folder: Path, rows: int) -> Path:
    """A package whose actor_names has ROWS rows, each with a usage not in the
    vocabulary: ROWS problems, all ``not-in-vocabulary``, nothing else."""
    package = copy_package(folder / "package")
    with (package / ACTOR_NAMES).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, TABLES["actor_names"].columns(), lineterminator="\n")
        writer.writeheader()
        writer.writerows(actor_name_rows(rows, usage="nickname"))
    return package
