"""Files generated from the models: Table Schemas, ``datapackage.json``, the codebook.

``python -m astana_talks.generate`` writes them at the repository root; ``--check`` (and a
test) fails when a committed file differs from what the models generate.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import __version__
from .cells import parse_row
from .models import MODELS, PATTERN_NAMES, Evidenced, Record, Source
from .problems import CODES, LOCATION, PARAMETERS, UNUSABLE, visible
from .schemas import DATA_PACKAGE_PROFILE, Column, columns, resource_descriptor, table_schema
from .validation import gather
from .vocabularies import Vocabulary

LICENSES = [
    {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "Creative Commons Attribution 4.0 International (the tables)",
    }
]
CODEBOOK = "docs/codebook.md"
PROBLEMS = "docs/problems.md"
CORPUS = "tests/corpus"
README_TABLES = ("<!-- tables:start -->", "<!-- tables:end -->")


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _canonical_rows(root: Path) -> dict[str, list[Record]]:
    """The rows of the tables in ``root/data`` that parse. The data need not be valid
    (the descriptor's sizes and hashes are written before it is validated), but a row
    left out is said on stderr, with the command that says why."""
    tables = gather([root / "data"]).tables
    rows: dict[str, list[Record]] = {}
    for model in MODELS:
        t = tables.get(model.table)
        parsed = [parse_row(model, cells, {})[0] for cells in (t.rows() if t else [])]
        rows[model.table] = [r for r in parsed if r is not None]
        if len(rows[model.table]) < len(parsed):
            print(
                f"generate: {len(parsed) - len(rows[model.table])} row(s) of {model.table} "
                "do not parse and are left out of the codebook's counts; "
                "run 'astana-talks validate' to see why",
                file=sys.stderr,
            )
    return rows


def package_descriptor(sources: list[Source]) -> dict[str, Any]:
    """The whole ``datapackage.json`` (Data Package v2)."""
    return {
        "$schema": DATA_PACKAGE_PROFILE,
        "name": "astana-talks",
        "title": "Astana talks on Syria: rounds, participants, agendas, actors and evidence",
        "description": (
            "The Astana peace process on Syria (guaranteed by Türkiye, Russia and Iran since 2017) "
            "as evidenced tables: every row cites a source and the verbatim words supporting it; "
            "partial dates keep the precision of their source; inferred values are marked."
        ),
        "version": __version__,
        "licenses": LICENSES,
        "keywords": [
            "Syria",
            "Astana talks",
            "Astana format",
            "peace process",
            "Türkiye",
            "Russia",
            "Iran",
        ],
        "contributors": [{"title": "astana-talks maintainers", "roles": ["creator", "maintainer"]}],
        "sources": [
            {"title": f"{s.publisher}: {s.title}" if s.title else s.publisher, "path": s.url}
            for s in sources
        ],
        "resources": [resource_descriptor(model) for model in MODELS],
    }


def with_integrity(descriptor: dict[str, Any], root: Path) -> dict[str, Any]:
    """``descriptor`` with each resource's ``bytes`` and SHA-256 ``hash`` of its file under
    ``root``: ``load()`` of the shipped data checks them instead of validating again, and
    the drift check fails when a data file changes without its descriptor."""
    for resource in descriptor["resources"]:
        path = root / resource["path"]
        if path.is_file():
            data = path.read_bytes()
            resource["bytes"] = len(data)
            resource["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    return descriptor


def _constraints(column: Column) -> str:
    parts = []
    if column.pattern and not column.partial_date:
        parts.append(PATTERN_NAMES.get(column.pattern) or f"pattern `{visible(column.pattern)}`")
    if column.partial_date:
        parts.append("partial date")
    if column.minimum is not None:
        parts.append(f"≥ {column.minimum}")
    if column.maximum is not None:
        parts.append(f"≤ {column.maximum}")
    if column.vocabulary is not None:
        parts.append(
            f"one of [{column.vocabulary.__name__}](#{column.vocabulary.__name__.lower()})"
        )
    if column.references:
        parts.append(f"→ `{column.references}`")
    return "; ".join(parts)


def codebook(rows: dict[str, list[Record]]) -> str:
    """The codebook: every table, column, type, constraint and allowed value."""
    lines = [
        "# Codebook",
        "",
        "Generated from `astana_talks.models` by `python -m astana_talks.generate`; "
        "do not edit by hand.",
        "",
        "Every table except `sources` and `disputes` (the dataset's own decisions, evidenced",
        "by `claims`) carries its evidence: `source_id` (the source), `quote` (its words,",
        "verbatim) and `said_by` (who speaks, when not the source itself). Two guarantees: a",
        "quote of a source shipped in full (`sources.text_file`) is checked to be an exact",
        "substring of its text; a quote of any other source is at most 25 words, the words",
        "that carry the fact, to be checked at the source's URL. `inferred_fields` lists the",
        "columns of a row whose values are inferred rather than stated, and `inference_note`",
        "says how. Partial dates are ISO 8601 `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as precise",
        "as the source and no more. Numbered rounds and the other meetings in the Astana",
        "format are two tables with the same date and place columns (`rounds` keyed by",
        "`round_number`, `meetings` by `meeting_id`): stack them for a timeline; tables about",
        "a meeting (`delegations`, `outcomes`) name one of the two.",
        "",
    ]
    vocabularies: dict[str, type[Vocabulary]] = {}
    for model in MODELS:
        lines += [
            f"## `{model.table}`",
            "",
            model.table_description(),
            "",
            f"Primary key: ({', '.join(f'`{k}`' for k in model.primary_key)}). "
            f"Rows: {len(rows[model.table])}.",
            "",
            "| column | type | required | constraints | description |",
            "|---|---|---|---|---|",
        ]
        for column in columns(model):
            if column.vocabulary is not None:
                vocabularies[column.vocabulary.__name__] = column.vocabulary
            kind = "partial date" if column.partial_date else column.datatype
            description = column.description.replace("|", "\\|")
            lines.append(
                f"| `{column.name}` | {kind} | {'yes' if column.required else ''} | "
                f"{_constraints(column)} | {description} |"
            )
        lines.append("")
    lines += ["## Vocabularies", ""]
    for name, vocabulary in sorted(vocabularies.items()):
        lines += [
            f"### {name}",
            "",
            (vocabulary.__doc__ or "").strip(),
            "",
            "| value | meaning |",
            "|---|---|",
        ]
        lines += [f"| `{m.value}` | {m.description} |" for m in vocabulary]
        lines.append("")
    return "\n".join(lines)


def _corpus_examples(root: Path) -> dict[str, tuple[str, str, str]]:
    """For each problem code, the first corpus case showing it: (case, command, output)."""
    from .render import human
    from .validation import validate

    examples: dict[str, tuple[str, str, str]] = {}
    cases = [p for p in (root / CORPUS).glob("*") if p.is_dir()]
    for case in sorted(cases, key=lambda p: (len(p.name.split("-")[0]), p.name)):  # 9 < 10
        expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
        codes = {problem[3] for problem in expected["problems"]} - set(examples)
        if not codes:
            continue
        args = expected["args"]
        paths, table = (args[2:], args[1]) if args[:1] == ["--table"] else (args, None)
        with _chdir(case):
            report = validate(*paths, table=table)
        summary = human(report).splitlines()[-1]
        for code in codes:
            shown = type(report)(tuple(p for p in report.problems if p.code == code)[:1])
            lines = human(shown).splitlines()[:-1]
            if len(report.problems) > 1:
                lines.append(f"... ({len(report.problems) - 1} other problem(s) not shown here)")
            examples[code] = (
                f"{case.name}: {expected['description']}",
                "astana-talks validate " + " ".join(args),
                "\n".join([*lines, summary]) + "\n",
            )
    return examples


class _chdir:
    """``contextlib.chdir`` for Python 3.10."""

    def __init__(self, path: Path) -> None:
        self.path, self.old = path, Path.cwd()

    def __enter__(self) -> None:
        os.chdir(self.path)

    def __exit__(self, *_: object) -> None:
        os.chdir(self.old)


def problems_page(root: Path) -> str:
    """The catalogue of problem codes, with a real example of each from the test corpus."""
    examples = _corpus_examples(root)
    lines = [
        "# Problems the validator reports",
        "",
        "Generated by `python -m astana_talks.generate` from `astana_talks.problems.CODES` and the",
        "broken contributions in `tests/corpus`; do not edit by hand. Codes are stable:",
        "scripts may rely on them. Each problem also names the file, the row (the physical",
        "line, header = 1), the column (name and number), the offending value (invisible",
        "characters escaped) and, where there is one, a fix.",
        "",
        "Warnings do not make a contribution invalid (exit status 0) unless `--strict`",
        "is given. Problems marked *unusable input* end with exit status 2.",
        "",
        "| code | severity | meaning |",
        "|---|---|---|",
    ]
    lines += [
        f"| [`{code}`](#{code}) | {info.severity}{' (unusable input)' if code in UNUSABLE else ''} "
        f"| {info.meaning} |"
        for code, info in CODES.items()
    ]
    lines += [
        "",
        "Each code's message is written from one template (`Problem.of`, Python's",
        "`str.format`). Its fields are the problem's own "
        + ", ".join(f"`{name}`" for name in LOCATION)
        + " and:",
        "",
        *(f"- `{name}`: {meaning}" for name, meaning in PARAMETERS.items()),
        "",
    ]
    for code, info in CODES.items():
        lines += [f"## {code}", "", info.meaning, "", f"Message: `{info.template}`", ""]
        if code in examples:
            case, command, output = examples[code]
            lines += [
                f"Example ({case}):",
                "",
                "```console",
                f"$ {command}",
                output.rstrip(),
                "```",
                "",
            ]
    return "\n".join(lines)


def readme_tables(rows: dict[str, list[Record]]) -> str:
    """The README's table of tables."""
    lines = ["| table | rows | key | what a row is |", "|---|---|---|---|"]
    for model in MODELS:
        evidence = "" if issubclass(model, Evidenced) else " (no quote: sources are the evidence)"
        lines.append(
            f"| [`{model.table}`](docs/codebook.md#{model.table}) | {len(rows[model.table])} | "
            f"{', '.join(model.primary_key)} | {model.table_description()}{evidence} |"
        )
    return "\n".join(lines)


def citation_cff(version: str, day: dt.date | None = None) -> str:
    """``CITATION.cff`` for this version (``day``: its release date, when known)."""
    released = [f"date-released: {day.isoformat()}"] if day is not None else []
    return "\n".join(
        [
            "cff-version: 1.2.0",
            "message: >-",
            "  If you use this dataset, please cite it as below,",
            "  and cite the sources that its rows name.",
            "type: dataset",
            'title: "Astana talks on Syria: rounds, participants, agendas, actors and evidence"',
            "authors:",
            '  - name: "astana-talks maintainers"',
            f'version: "{version}"',
            *released,
            f"license: {LICENSES[0]['name']}",
            "keywords:",
            *[f'  - "{k}"' for k in ("Syria", "Astana talks", "peace process", "data package")],
            "",
        ]
    )


def expected_files(root: Path) -> dict[Path, str]:
    """Every generated file under ``root`` and the text it should hold."""
    rows = _canonical_rows(root)
    sources = [r for r in rows["sources"] if isinstance(r, Source)]
    files = {
        root / "schemas" / f"{model.table}.json": _json(table_schema(model)) for model in MODELS
    }
    files[root / "datapackage.json"] = _json(with_integrity(package_descriptor(sources), root))
    files[root / CODEBOOK] = codebook(rows)
    files[root / "CITATION.cff"] = citation_cff(__version__)
    if (root / CORPUS).is_dir():
        files[root / PROBLEMS] = problems_page(root)
    readme = root / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
        start, end = README_TABLES
        if start in text and end in text:
            head, rest = text.split(start, 1)
            _, tail = rest.split(end, 1)
            files[readme] = f"{head}{start}\n{readme_tables(rows)}\n{end}{tail}"
    return files


def write_atomically(path: Path, text: str, make_folders: bool = False) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename, keeping the
    permissions of the file it replaces (a new one gets 0644: ``mkstemp`` alone would
    make it private)."""
    if make_folders:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        mode = path.stat().st_mode & 0o777 if path.is_file() else 0o644
        os.chmod(temporary, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _differing(expected: dict[Path, str]) -> list[Path]:
    return [p for p, text in expected.items() if not p.is_file() or p.read_bytes() != text.encode()]


def drifted(root: Path) -> list[Path]:
    """The generated files whose content differs from what the models generate."""
    return _differing(expected_files(root))


def generate(root: Path) -> list[Path]:
    """Rewrite the generated files that drifted; returns them."""
    expected = expected_files(root)
    changed = _differing(expected)
    for path in changed:
        write_atomically(path, expected[path], make_folders=True)
    return changed


def main(argv: list[str] | None = None) -> int:
    """``python -m astana_talks.generate [--check] [--root DIR]``: the maintainers' tool
    (kept out of the user's ``astana-talks`` command: it rewrites files of a checkout)."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m astana_talks.generate",
        description="Regenerate schemas/, datapackage.json, the codebook, the problem "
        "catalogue, CITATION.cff and the README's table list from the models.",
        epilog="Example: python -m astana_talks.generate --check",
    )
    parser.add_argument("--check", action="store_true", help="only report drift; exit 1")
    parser.add_argument("--root", type=Path, default=Path("."), help="the repository root")
    options = parser.parse_args(argv)
    root: Path = options.root
    if not (root / "data").is_dir() or not (root / "pyproject.toml").is_file():
        print(f"error: {root} is not a checkout of astana-talks", file=sys.stderr)
        return 2
    changed = drifted(root) if options.check else generate(root)
    for path in changed:
        print(f"{'differs' if options.check else 'wrote'}: {path.relative_to(root)}")
    if options.check and changed:
        print(
            "error: generated files drifted from the models; run 'python -m astana_talks.generate'",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
