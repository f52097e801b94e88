"""Cross-table checks: references, quotes against their sources, citation and dispute
targets, disputed values, the rounds' domain rules and ambiguous names.

They work on sets of keys and on the distinct values of a column, never row by row
over a large table; a cell already reported by the table checks is not reported again.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .cells import INTEGER, Suggester, suggest
from .inputs import Contribution, canonical
from .models import QUOTE_WORDS, TABLES, Evidenced
from .names import normalize_name
from .occurrences import Patched, first_occurrences
from .problems import Problem
from .reading import Cells, CsvTable, as_mask, chunks_of, take, text_slices, texts
from .table_checks import joined
from .vocabularies import Role

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from .reading import Text

_STRAIGHT_QUOTES = str.maketrans("\u2018\u2019\u201c\u201d", "''\"\"")
CITABLE = tuple(t for t, m in TABLES.items() if issubclass(m, Evidenced) and t != "citations")
"""The tables whose rows citations can cite."""
DISPUTABLE = tuple(t for t in TABLES if t not in ("disputes", "claims"))
"""The tables whose values disputes can be about."""


def _folded(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@lru_cache(maxsize=64)
def _normalised_forms(text: str) -> tuple[str, str, str]:
    """A source text straightened, folded, and both: computed once per text, not once
    per quote (a contribution may hold thousands of quotes of one long text)."""
    straight = text.translate(_STRAIGHT_QUOTES)
    return straight, _folded(text), _folded(straight)


def _near_miss(quote: str, text: str) -> str | None:
    """Which normalisation makes ``quote`` a substring of ``text``, if one does."""
    straight, folded, both = _normalised_forms(text)
    if quote.translate(_STRAIGHT_QUOTES) in straight:
        return "straightening quote marks and apostrophes"
    if _folded(quote) in folded:
        return "folding whitespace"
    if _folded(quote.translate(_STRAIGHT_QUOTES)) in both:
        return "straightening quote marks and folding whitespace"
    return None


def _keys(tables: Iterable[CsvTable], table: str) -> pa.StringArray:
    key = TABLES[table].primary_key
    arrays = [joined(t, key) for t in tables if t.table == table and set(key) <= set(t.cells)]
    return pa.concat_arrays(arrays) if arrays else pa.array([], pa.string())


def _reference(given: Contribution, table: str) -> list[CsvTable]:
    """The tables whose rows count for references into ``table``."""
    found = [given.tables[table]] if table in given.tables else []
    if not given.complete and table in canonical().tables:
        found.append(canonical().tables[table])
    return found


def check_references(
    given: Contribution, failed: Mapping[str, Mapping[str, Any]]
) -> Iterator[Problem]:
    for table, t in given.tables.items():
        for column, target in t.model.foreign_keys.items():
            if column not in t.cells:
                continue
            known = _keys(_reference(given, target), target)
            cells = t.cells[column].encoded()  # each distinct value looked up once
            values = cells.values
            dangling = pc.and_(
                pc.not_equal(values, ""),  # type: ignore[call-overload]  # stubs lag: Python scalar
                pc.invert(pc.is_in(values, value_set=known)),
            )
            mask = cells.rows(as_mask(dangling))
            mask &= ~failed[table].get(column, np.zeros(len(t), bool))
            if not mask.any():
                continue
            target_key = TABLES[target].primary_key[0]
            hint = Suggester(texts(pc.unique(known)))
            for index in np.flatnonzero(mask).tolist():
                value = cells.at(index)
                where = (
                    "the contribution or the canonical data"
                    if not given.complete
                    else "the package"
                )
                yield Problem.of(
                    "foreign-key",
                    target=target,
                    where=where,
                    key=target_key,
                    file=t.file,
                    table=table,
                    row=int(t.lines[index]),
                    field=column,
                    column=t.position(column),
                    value=value,
                    hint=hint(value),
                )


def source_texts(given: Contribution) -> tuple[dict[str, str], list[Problem]]:
    """The text of every source the contribution can cite, checked against its hash."""
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    if not given.complete:
        texts.update(source_texts(canonical())[0])
    sources = given.tables.get("sources")
    if sources is None:
        return texts, problems
    pattern = re.compile(r"data/sources/[a-z0-9]+(-[a-z0-9]+)*\.txt")
    roots = list(given.roots) + ([] if given.complete else list(canonical().roots))
    read: dict[str, tuple[str, str]] = {}  # text file -> (SHA-256, text): many sources, one file
    for line, cells in zip(sources.lines, sources.rows(), strict=True):
        relative, digest = cells.get("text_file", ""), cells.get("text_sha256", "")
        if not pattern.fullmatch(relative):
            continue  # reported as a pattern mismatch; never read an unchecked path
        if not digest:
            continue  # a text without its hash: the row rule reports it
        where: dict[str, Any] = {"file": sources.file, "table": "sources", "row": int(line)}
        reader = next((r for r in roots if r.exists(relative)), None)
        if reader is None:
            problems.append(
                Problem.of(
                    "source-text-missing",
                    field="text_file",
                    column=sources.position("text_file"),
                    value=relative,
                    hint="add the source's text file, as published, beside the tables",
                    **where,
                )
            )
            continue
        if relative not in read:
            data = reader.read(relative)
            read[relative] = (hashlib.sha256(data).hexdigest(), data.decode("utf-8", "replace"))
        actual, text = read[relative]
        if actual != digest:
            problems.append(
                Problem.of(
                    "source-text-hash",
                    text=relative,
                    actual=actual,
                    field="text_sha256",
                    column=sources.position("text_sha256"),
                    value=digest,
                    hint="restore the text, or update text_sha256 if the change is right",
                    **where,
                )
            )
            continue
        texts[cells.get("source_id", "")] = text
    return texts, problems


def _quoted_only(given: Contribution) -> set[str]:
    """The sources not shipped in full (no text_file): their quotes are checked for
    length, not against a text."""
    return {
        row["source_id"]
        for t in _reference(given, "sources")
        for row in t.rows()
        if not row.get("text_file") and row.get("source_id")
    }


def check_quotes(
    given: Contribution, texts: Mapping[str, str], failed: Mapping[str, Mapping[str, Any]]
) -> Iterator[Problem]:
    """A quote of a source shipped in full is in its text; a quote of any other source
    has at most :data:`QUOTE_WORDS` words. Sources are looked up once per distinct id;
    words are counted only in quotes long enough to have too many."""
    quoted_only = _quoted_only(given)
    for table, t in given.tables.items():
        if not issubclass(t.model, Evidenced) or not {"source_id", "quote"} <= set(t.cells):
            continue
        ids = t.cells["source_id"].encoded()
        quotes = t.cells["quote"]
        distinct = ids.values.to_pylist()
        short_only = ids.rows(np.array([v in quoted_only for v in distinct], bool))
        in_full = ids.rows(np.array([v in texts for v in distinct], bool))
        long = as_mask(pc.greater(pc.utf8_length(quotes.values), 2 * QUOTE_WORDS))  # type: ignore[call-overload]  # stubs lag: Python scalar
        candidates = short_only & quotes.rows(long)
        checked = in_full & ~short_only
        usable = ~failed[table].get("source_id", np.zeros(len(t), bool))
        usable &= ~failed[table].get("quote", np.zeros(len(t), bool))
        verdicts: dict[tuple[str, str], str | None] = {}
        for index in np.flatnonzero((candidates | checked) & usable).tolist():
            source_id, quote = ids.at(index), quotes.at(index)
            pair = (source_id, quote)
            if pair not in verdicts:
                text = texts.get(source_id)
                if source_id in quoted_only:
                    too_long = len(quote.split()) > QUOTE_WORDS
                    verdicts[pair] = "quote-too-long" if too_long else None
                elif not quote or text is None or quote in text:
                    verdicts[pair] = None
                else:
                    verdicts[pair] = _near_miss(quote, text) or "quote-not-found"
            verdict = verdicts[pair]
            if verdict is None:
                continue
            where: dict[str, Any] = {
                "file": t.file,
                "table": table,
                "row": int(t.lines[index]),
                "field": "quote",
                "column": t.position("quote"),
                "value": quote,
            }
            if verdict == "quote-too-long":
                yield Problem.of(
                    "quote-too-long",
                    source=source_id,
                    words=len(quote.split()),
                    limit=QUOTE_WORDS,
                    hint="keep only the words that carry the fact: a date, a name, a place",
                    **where,
                )
            elif verdict != "quote-not-found":
                yield Problem.of(
                    "quote-normalised-match",
                    source=source_id,
                    normalisation=verdict,
                    hint="copy the words from the source text exactly, curly quotes included",
                    **where,
                )
            else:
                yield Problem.of(
                    "quote-not-found",
                    source=source_id,
                    hint="copy an exact passage of the source's text",
                    **where,
                )


def check_targets(given: Contribution, table: str, allowed: tuple[str, ...]) -> Iterator[Problem]:
    """Each row of ``table`` (citations, disputes) names an existing row of another table."""
    rows = given.tables.get(table)
    if rows is None or not {"table_name", "record"} <= set(rows.cells):
        return
    names = rows.column("table_name").to_pylist()
    records = rows.column("record").to_pylist()
    cited: dict[str, set[str]] = {}
    for target, record in zip(names, records, strict=True):
        if target in allowed and record:
            cited.setdefault(target, set()).add(record)
    found: dict[str, set[str]] = {}
    hints: dict[str, Suggester] = {}
    for target, wanted in cited.items():
        # look the few cited keys up among the table's keys, not the other way round
        keys = _keys(_reference(given, target), target)
        present = pc.is_in(keys, value_set=pa.array(sorted(wanted), pa.string()))
        found[target] = set(texts(keys.filter(present)))
        if found[target] != wanted:
            few = len(keys) <= Suggester.COMPARISONS  # more: no hint would be computed
            hints[target] = Suggester(texts(keys) if few else [])
    what = "citations can cite" if table == "citations" else "disputes can be about"
    for index, (target, record) in enumerate(zip(names, records, strict=True)):
        where: dict[str, Any] = {"file": rows.file, "table": table, "row": int(rows.lines[index])}
        if target not in allowed:
            if target:
                yield Problem.of(
                    "citation-target",
                    note=f"{target!r} is not a table that {what}",
                    field="table_name",
                    column=rows.position("table_name"),
                    value=target,
                    hint=suggest(target, allowed),
                    **where,
                )
            continue
        if record and record not in found[target]:
            yield Problem.of(
                "citation-target",
                note=f"table {target} has no row with key {record!r}",
                field="record",
                column=rows.position("record"),
                value=record,
                hint=hints[target](record),
                **where,
            )


Located = tuple[CsvTable, int, dict[str, str]]
"""A row, the table it is read from and its index there."""


def _current_values(given: Contribution, table: str) -> dict[str, Located]:
    """The rows of ``table`` after the contribution, by their key as citations write it,
    with the table and index each comes from (the contribution's first)."""
    key = TABLES[table].primary_key
    rows: dict[str, Located] = {}
    for t in _reference(given, table):
        for index, row in enumerate(t.rows()):
            rows.setdefault("/".join(row.get(k, "") for k in key), (t, index, row))
    return rows


def check_disputes(
    given: Contribution, failed: Mapping[str, Mapping[str, Any]]
) -> Iterator[Problem]:
    """A dispute's value_used is what its row holds, and at least two sources make
    claims in it, one of them giving the value used. The shipped disputes are checked
    too when a contribution changes a disputed row or the claims: the problem is then
    reported where the contribution made it."""
    every = given.tables.get("disputes")
    contributed = every is not None
    if every is None and set(given.tables) & {"claims", *DISPUTABLE}:
        every = _effective_table(given, "disputes")
    columns = {"dispute_id", "table_name", "record", "field", "value_used"}
    if every is None or not columns <= set(every.cells):
        return
    claims = _effective_table(given, "claims")
    said: dict[str, list[tuple[str, str]]] = {}
    if claims is not None and {"dispute_id", "source_id", "value"} <= set(claims.cells):
        for row in claims.rows():
            said.setdefault(row["dispute_id"], []).append((row["source_id"], row["value"]))
    current: dict[str, dict[str, Located]] = {}
    for line, row in zip(every.lines, every.rows(), strict=True):
        where: dict[str, Any] = {"file": every.file, "table": "disputes", "row": int(line)}
        table, fields = row["table_name"], row["field"].split()
        if table in DISPUTABLE and fields:
            if table not in current:
                current[table] = _current_values(given, table)
            unknown = [f for f in fields if f not in TABLES[table].model_fields]
            if unknown and contributed:
                yield Problem.of(
                    "dispute-value",
                    note=f"table {table} has no column {', '.join(unknown)}",
                    field="field",
                    column=every.position("field"),
                    value=row["field"],
                    hint=suggest(unknown[0], list(TABLES[table].columns())),
                    **where,
                )
            elif not unknown and row["record"] in current[table]:
                t, index, target = current[table][row["record"]]
                holds = "/".join(target.get(f, "") for f in fields)
                theirs = t is given.tables.get(table)  # the row is the contribution's
                broken = failed.get(table, {}) if theirs else {}
                if any(f in broken and broken[f][index] for f in fields):
                    holds = row["value_used"]  # a cell already reported: not twice
                if holds != row["value_used"] and contributed:
                    yield Problem.of(
                        "dispute-value",
                        note=f"value_used is {row['value_used']!r} but {table} {row['record']} "
                        f"holds {holds!r}",
                        field="value_used",
                        column=every.position("value_used"),
                        value=row["value_used"],
                        hint="write the row's value(s), joined by '/' for several columns",
                        **where,
                    )
                elif holds != row["value_used"] and theirs:
                    yield Problem.of(
                        "disputed-value-changed",
                        fields=" ".join(fields),
                        dispute=row["dispute_id"],
                        used=row["value_used"],
                        file=t.file,
                        table=table,
                        row=int(t.lines[index]),
                        field=fields[0],
                        column=t.position(fields[0]),
                        value=holds,
                        hint="if the new value is right, update the dispute's value_used and "
                        "reason, and add a claims row with its source",
                    )
        found = said.get(row["dispute_id"], [])
        sources = {source for source, _ in found}
        used = row["value_used"] in {value for _, value in found}
        if (len(sources) < 2 or not used) and (contributed or "claims" in given.tables):
            place = (
                where if contributed else {"file": given.tables["claims"].file, "table": "claims"}
            )
            yield Problem.of(
                "dispute-claims",
                sources=len(sources),
                note="" if used else f", none of them giving the value used {row['value_used']!r}",
                field="dispute_id",
                column=(every if contributed else given.tables["claims"]).position("dispute_id"),
                value=row["dispute_id"],
                hint="add a claims row for each source, with the value it gives",
                **place,
            )


def _effective_table(given: Contribution, table: str) -> CsvTable | None:
    """``table`` as it would be after the contribution: a given table replaces the
    canonical one (for rules that count rows, unlike references)."""
    found = given.tables.get(table)
    if found is None and not given.complete:
        found = canonical().tables.get(table)
    return found


def _effective(given: Contribution, table: str) -> list[dict[str, str]]:
    found = _effective_table(given, table)
    return found.rows() if found is not None else []


def _is_number(text: str) -> bool:
    """A round number in canonical form (``str.isdigit`` also takes ``²`` and ``٢``)."""
    return INTEGER.fullmatch(text) is not None


def check_rounds(
    given: Contribution, failed: Mapping[str, Mapping[str, Any]] | None = None
) -> Iterator[Problem]:
    """Domain rules: each round's host participates, three guarantors, no gap in numbers."""
    rounds = given.tables.get("rounds")
    participants = given.tables.get("participants")
    if participants is not None and not {"round_number", "actor_id", "role"} <= set(
        participants.cells
    ):
        return
    if rounds is not None and not {"round_number", "host"} <= set(rounds.cells):
        return
    failed = failed or {}
    every = _effective(given, "participants") if (participants or rounds) else []
    # a row whose round, role or actor is reported broken already may be any round's,
    # any role's, any actor's: it makes the rules below uncertain, never a second problem
    broken = {name: np.zeros(len(every), bool) for name in ("round_number", "role", "actor_id")}
    if participants is not None:
        for name in broken:
            broken[name] |= failed.get("participants", {}).get(name, broken[name])
    roles = {r.value for r in Role}
    hosts: set[tuple[str, str]] = set()
    hosts_of_a_round: set[str] = set()  # actors hosting a round whose number is broken
    rounds_of_a_host: set[str] = set()  # rounds whose host's actor is broken
    guarantors: Counter[str] = Counter()
    uncertain: Counter[str] = Counter()  # rows that may be a round's guarantor
    any_round = False  # a row that may be a guarantor of any round
    for index, p in enumerate(every):
        role_unknown = broken["role"][index] or p["role"] not in roles
        number = p["round_number"]
        if broken["round_number"][index]:  # "2x", "02": taken as the round its digits give
            digits = re.match(r"\s*0*([0-9]+)", number)
            number = digits.group(1) if digits else ""
        if p["role"] == "host" or role_unknown:
            hosts.add((number, p["actor_id"]))
            if not number:
                hosts_of_a_round.add(p["actor_id"])
            if broken["actor_id"][index]:
                rounds_of_a_host.add(number)
        if not number and (p["role"] == "guarantor" or role_unknown):
            any_round = True
        elif p["role"] == "guarantor":
            guarantors[number] += 1
        elif role_unknown:
            uncertain[number] += 1
    if rounds is not None:
        for line, cells in zip(rounds.lines, rounds.rows(), strict=True):
            where: dict[str, Any] = {"file": rounds.file, "table": "rounds", "row": int(line)}
            number, host = cells["round_number"], cells["host"]
            if (
                host
                and _is_number(number)
                and (number, host) not in hosts
                and host not in hosts_of_a_round
                and number not in rounds_of_a_host
            ):
                yield Problem.of(
                    "host-not-participant",
                    round=number,
                    field="host",
                    column=rounds.position("host"),
                    value=host,
                    hint="add a participants row for the host",
                    **where,
                )
    counted: dict[str, tuple[CsvTable, int]] = {}
    for t in (rounds, participants):
        if t is not None:
            for line, number in zip(t.lines, texts(t.column("round_number")), strict=True):
                if _is_number(number):  # others are a type-error already
                    counted.setdefault(number, (t, int(line)))
    existing = {
        r["round_number"] for r in _effective(given, "rounds")
    }  # others: a foreign-key error
    for number, (t, line) in counted.items():
        possible = guarantors[number] + uncertain[number] + (3 if any_round else 0)
        if number in existing and (guarantors[number] > 3 or possible < 3):
            yield Problem.of(
                "round-guarantors",
                count=guarantors[number],
                file=t.file,
                table=t.table,
                row=line,
                field="round_number",
                column=t.position("round_number"),
                value=number,
                hint="the Astana format has three guarantors: Türkiye, Russia and Iran",
            )
    if rounds is not None:
        numbers = sorted(
            {
                int(r["round_number"])
                for r in _effective(given, "rounds")
                if _is_number(r["round_number"])
            }
        )
        missing = {b: a for a, b in pairwise(numbers) if b - a > 1}
        for line, number in zip(rounds.lines, texts(rounds.column("round_number")), strict=True):
            if _is_number(number) and int(number) in missing:
                before = missing[int(number)]
                yield Problem.of(
                    "round-gap",
                    before=before,
                    file=rounds.file,
                    table="rounds",
                    row=int(line),
                    field="round_number",
                    column=rounds.position("round_number"),
                    value=number,
                    hint="add the missing rounds, or check the numbering",
                )


#: A name already folded: lowercase ASCII words separated by single spaces.
_FOLDED = "^[0-9a-z]+( [0-9a-z]+)*$"


_FOLDED_BYTES = np.zeros(256, dtype=bool)
_FOLDED_BYTES[np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz ", np.uint8)] = True
_SPACE = ord(" ")


def already_folded(cells: Text) -> NDArray[np.bool_]:
    """Which cells :data:`_FOLDED` matches (lowercase ASCII words of letters and digits,
    one space between two), read from the Arrow buffers a slice at a time (two thirds
    of the regular expression's time)."""
    found = [np.zeros(0, dtype=bool)]
    for offsets, data in text_slices(cells):
        starts, ends = offsets[:-1], offsets[1:]
        ok = ends > starts
        space = data == _SPACE
        # a byte not allowed, or the first of two spaces, spoils its cell
        spoilt = np.concatenate(
            [np.flatnonzero(~_FOLDED_BYTES[data]), np.flatnonzero(space[1:] & space[:-1])]
        )
        ok[np.searchsorted(starts, spoilt, side="right") - 1] = False
        filled = np.flatnonzero(ok)
        ok[filled] = ~space[starts[filled]] & ~space[ends[filled] - 1]
        found.append(ok)
    return np.concatenate(found)


def _folding(cells: Text) -> tuple[NDArray[np.intp], pa.StringArray]:
    """The positions of the cells :func:`names.normalize_name` changes, and what it
    makes of them. Cells already folded (lowercase ASCII words: most names once
    folded) are left as they are, and not copied; plain ASCII without dots is folded
    column-wise (lowercase, drop apostrophes, punctuation to spaces, drop a leading
    "the"), the other distinct values by the Python function."""
    done = already_folded(cells) & ~as_mask(pc.starts_with(cells, "the "))
    rest = np.flatnonzero(~done)
    sub = take(cells, rest)
    plain = pc.and_(pc.string_is_ascii(sub), pc.invert(pc.match_substring(sub, ".")))
    fast = pc.replace_substring_regex(pc.utf8_lower(sub), "['`]", "")
    fast = pc.utf8_trim(pc.replace_substring_regex(fast, "[^0-9a-z]+", " "), " ")
    fast = pc.replace_substring_regex(fast, "^the ", "")
    others = pc.unique(pc.filter(sub, pc.invert(plain)))
    if len(others):
        folded = pa.array([normalize_name(v) for v in texts(others)], pa.string())
        slow = pc.take(folded, pc.index_in(sub, value_set=others))
        fast = pc.if_else(plain, fast, slow)
    return rest, fast


def _normalized(cells: pa.StringArray) -> pa.StringArray:
    """:func:`names.normalize_name` of every cell."""
    rest, folded = _folding(cells)
    mask = np.zeros(len(cells), dtype=bool)
    mask[rest] = True
    # the stubs leave replace_with_mask() untyped
    return cast(pa.StringArray, pc.replace_with_mask(cells, pa.array(mask), folded))


@dataclass(frozen=True)
class FoldedNames:
    """Every claim to a name, folded as ``resolve_actor`` folds it: the actors' ids and
    names first (``offset`` of them), then the rows of actor_names in order, with the
    actor (an index into ``owners``) each claims it for."""

    names: CsvTable
    keys: Patched
    owner: NDArray[np.int64]
    owners: list[str]
    offset: int

    def first_claims(self) -> NDArray[np.int64]:
        """For every claim, the first claim of its name (the costly step: it can run
        on another thread)."""
        return first_occurrences([self.keys])


def folded_names(given: Contribution) -> FoldedNames | None:
    """The claims :func:`check_names` compares, or None without names to check."""
    names = given.tables.get("actor_names")
    if names is None or not {"actor_id", "name"} <= set(names.cells):
        return None
    owners = names.cells["actor_id"].encoded()
    owner_of = {value: code for code, value in enumerate(texts(owners.values))}
    claimed: list[str] = []  # each actor's id, then its name
    claimants: list[int] = []
    actors = _effective_table(given, "actors")
    if actors is not None:
        for actor_id, label in zip(
            texts(actors.column("actor_id")), texts(actors.column("name")), strict=True
        ):
            code = owner_of.setdefault(actor_id, len(owner_of))
            claimed += [actor_id, label]
            claimants += [code, code]
    head = _normalized(pa.array(claimed, pa.string()))
    given_names = names.cells["name"]
    rows = given_names.codes if given_names.codes is not None else np.arange(len(given_names))
    changed, folded = _folding(given_names.values)  # most names are not copied
    keys = Patched(
        Cells(
            pa.chunked_array([head, *chunks_of(given_names.values)], pa.string()),
            np.concatenate([np.arange(len(head)), rows + len(head)]).astype(np.int32),
            distinct=False,
        ),
        changed + len(head),
        folded,
    )
    assert owners.codes is not None
    owner = np.concatenate([np.array(claimants, np.int64), owners.codes.astype(np.int64)])
    return FoldedNames(names, keys, owner, list(owner_of), len(head))


def check_names(
    given: Contribution,
    failed: Mapping[str, Mapping[str, Any]],
    folded: FoldedNames | None = None,
    first: NDArray[np.int64] | None = None,
) -> Iterator[Problem]:
    """A name (or actor id) must lead to one actor: rows giving it a second are reported.

    Names are folded as ``resolve_actor`` folds them; the first actor to claim a folded
    name (actors' ids and names first, then actor_names in order) owns it. ``folded``
    and ``first`` (its :meth:`~FoldedNames.first_claims`) are computed when not given.
    """
    folded = folded if folded is not None else folded_names(given)
    if folded is None:
        return
    first = first if first is not None else folded.first_claims()
    names, owner, offset, who = folded.names, folded.owner, folded.offset, folded.owners
    clash = owner[offset:] != owner[first[offset:]]
    # an empty or broken name, or a broken actor id, is reported already: not again
    for column in ("name", "actor_id"):
        clash &= ~failed.get("actor_names", {}).get(column, np.zeros(len(names), bool))
    for index in np.flatnonzero(clash).tolist():
        value = names.cells["name"].at(index)
        yield Problem.of(
            "ambiguous-name",
            first=who[owner[first[offset + index]]],
            second=who[owner[offset + index]],
            file=names.file,
            table="actor_names",
            row=int(names.lines[index]),
            field="name",
            column=names.position("name"),
            value=value,
            hint="a name must resolve to one actor; drop it or make it more specific",
        )
