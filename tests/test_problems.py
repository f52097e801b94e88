"""One message template per problem code: every code has one, every call site fills it.

Messages are written by :meth:`Problem.of` from ``CODES[code].template``; no module
builds a :class:`Problem` with a message of its own.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from astana_talks.problems import (
    CODES,
    LOCATION,
    PARAMETERS,
    Problem,
    Report,
    TemplateError,
    template_fields,
)

PACKAGE = Path(__file__).resolve().parents[1] / "dataset" / "astana_talks"


def test_every_code_has_a_template() -> None:
    for code, info in CODES.items():
        assert isinstance(info.template, str), code
        assert info.template.strip(), code
        template_fields(info.template)  # parses


def test_template_fields_are_documented_and_used() -> None:
    used: set[str] = set()
    for code, info in CODES.items():
        fields = template_fields(info.template)
        undocumented = fields - set(LOCATION) - set(PARAMETERS)
        assert not undocumented, f"{code}: {sorted(undocumented)} not in PARAMETERS"
        used |= fields
    assert set(PARAMETERS) <= used, f"unused: {sorted(set(PARAMETERS) - used)}"
    assert not set(PARAMETERS) & set(LOCATION)


def test_of_renders_the_template() -> None:
    problem = Problem.of(
        "foreign-key",
        target="actors",
        where="the package",
        key="actor_id",
        file="data/participants.csv",
        table="participants",
        row=3,
        field="actor_id",
        column=2,
        value="iran\u200b",
        hint="did you mean 'iran'?",
    )
    assert problem.message == "no row of table actors in the package has actor_id 'iran\\u200b'"
    assert problem.value == "iran\\u200b"  # shown escaped, as every problem's value
    assert problem.severity == "error"
    assert problem.to_dict() == {
        "code": "foreign-key",
        "message": problem.message,
        "severity": "error",
        "file": "data/participants.csv",
        "table": "participants",
        "row": 3,
        "field": "actor_id",
        "column": 2,
        "value": "iran\\u200b",
        "hint": "did you mean 'iran'?",
    }
    assert Problem.of("ragged-row", row=4, cells=3, width=5).message == (
        "the row has 3 cells, the header has 5"
    )
    assert Problem.of("blank-row", severity="warning").severity == "warning"


@pytest.mark.parametrize(
    ("code", "given"),
    [
        ("ragged-row", {"cells": 3}),  # a parameter missing
        ("ragged-row", {"cells": 3, "width": 5, "note": "x"}),  # one the template lacks
        ("not-in-vocabulary", {"allowed": "a, b"}),  # the value it shows missing
        ("missing-column", {}),  # the field it names missing
        ("blank-row", {"message": "the row is blank"}),  # no message of one's own
    ],
)
def test_of_refuses_parameters_that_do_not_fit(code: str, given: dict[str, object]) -> None:
    with pytest.raises(TemplateError, match=code):
        Problem.of(code, **given)  # type: ignore[arg-type]


def test_of_refuses_an_unknown_code() -> None:
    with pytest.raises(ValueError, match="unknown problem code"):
        Problem.of("no-such-code", note="x")


def _calls(tree: ast.AST) -> list[tuple[str | None, ast.Call]]:
    """Every call in ``tree`` with the name of the top-level function it is in."""
    found: list[tuple[str | None, ast.Call]] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = function
            if function is None and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                inner = child.name
            if isinstance(child, ast.Call):
                found.append((inner, child))
            visit(child, inner)

    visit(tree, None)
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "problems.py")


def test_no_module_writes_its_own_message() -> None:
    """``Problem(...)`` is built by :meth:`Problem.of` only (and ``Problem`` is never
    given a message by keyword): every message comes from its code's template."""
    offenders = []
    for path in _modules():
        for function, call in _calls(ast.parse(path.read_text(encoding="utf-8"))):
            direct = isinstance(call.func, ast.Name) and call.func.id == "Problem"
            if direct:
                offenders.append(f"{path.name}:{call.lineno} ({function})")
    assert not offenders, f"Problem(...) with a message of its own: {offenders}"


def test_literal_codes_get_their_templates_parameters() -> None:
    """Where a call of ``Problem.of`` names its code literally, the parameters it
    gives are the template's (all of them when nothing is passed as ``**mapping``)."""
    checked = 0
    for path in _modules():
        for _, call in _calls(ast.parse(path.read_text(encoding="utf-8"))):
            func = call.func
            if not (
                isinstance(func, ast.Attribute)
                and func.attr == "of"
                and isinstance(func.value, ast.Name)
                and func.value.id == "Problem"
            ):
                continue
            first = call.args[0] if call.args else None
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            code = first.value
            assert code in CODES, f"{path.name}:{call.lineno}: unknown code {code!r}"
            wanted = template_fields(CODES[code].template)
            named = {k.arg for k in call.keywords if k.arg is not None}
            params = named - set(LOCATION) - {"hint", "severity"}
            where = f"{path.name}:{call.lineno} ({code})"
            assert params <= wanted, f"{where}: {sorted(params - wanted)} not in the template"
            if all(k.arg is not None for k in call.keywords):
                assert wanted <= named, f"{where}: {sorted(wanted - named)} not given"
            checked += 1
    assert checked > 50


@pytest.mark.parametrize("count", [0, 1, 999, 1000, 1001, 2500])
def test_json_is_written_in_pieces_that_make_one_document(count: int) -> None:
    """The JSON report comes in pieces of a thousand problems: together they are the
    report, one problem per line, whatever the count and the limit."""
    problems = tuple(
        Problem.of("blank-row", file="x.csv", table="actors", row=n + 2, hint='"}, {"code": ')
        for n in range(count)
    )
    report = Report(problems)
    for limit in (None, 1000, 1500):
        text = report.to_json(limit)
        assert text == "".join(report.json_pieces(limit))
        parsed = json.loads(text)
        shown = count if limit is None else min(count, limit)
        assert [p["row"] for p in parsed["problems"]] == [n + 2 for n in range(shown)]
        assert parsed["omitted"] == count - shown
        assert text.count('\n    {"code": ') == shown


def bad_usage(value: str, hint: str | None = None) -> Problem:
    """A bad usage of a name, on row 2 of actor_names."""
    return Problem.of(
        "not-in-vocabulary",
        allowed="name",
        file="a.csv",
        table="actor_names",
        row=2,
        field="usage",
        column=3,
        value=value,
        hint=hint,
    )


def test_json_of_problems_that_differ_by_their_row_only() -> None:
    """Problems copied to other rows are encoded once and given their rows; a value
    that spells out the place-holder the encoder uses stays a value."""
    odd = 'nickname "row": -7318846519'
    first = bad_usage(odd)
    other = Problem.of("blank-row", file="a.csv", table="actor_names", row=3)
    unplaced = Problem.of("empty-file", file="b.csv", table="actors")
    problems = (first, first.on_row(4), other, first.on_row(5), unplaced)
    parsed = json.loads(Report(problems).to_json())
    assert parsed["problems"] == [p.to_dict() for p in problems]
    assert [p["row"] for p in parsed["problems"]] == [2, 4, 3, 5, None]
    assert parsed["problems"][3]["value"] == odd


def test_of_makes_the_problem_the_constructor_makes() -> None:
    """``Problem.of`` builds the problem without running ``__init__``: it must be the
    same problem, field by field and in field order, severity and visible value too."""
    made = bad_usage("Iran\u200b", hint="h")
    built = Problem(
        "not-in-vocabulary",
        made.message,
        None,
        "a.csv",
        "actor_names",
        2,
        "usage",
        3,
        "Iran\u200b",
        "h",
    )
    assert made == built
    assert list(vars(made).items()) == list(vars(built).items())
    assert made.value == "Iran\\u200b"
    assert made.severity == "error"
