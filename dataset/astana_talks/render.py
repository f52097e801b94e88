"""Reports as text: for people (grouped by file), as JSON, as GitHub annotations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from .problems import Problem, Report, visible

Style = Callable[[str, str], str]


def _plain(text: str, _: str) -> str:
    return text


def _where(problem: Problem) -> str:
    parts = []
    if problem.row is not None:
        parts.append(f"row {problem.row}")
    if problem.field is not None:
        column = f"column {problem.column} " if problem.column is not None else "column "
        parts.append(f"{column}({visible(problem.field)})")
    return ", ".join(parts) or "file"


def human(report: Report, limit: int | None = None, style: Style = _plain) -> str:
    """Problems grouped by file, each with row, column, severity, code, message and fix."""
    if not report.problems:
        return "valid: no problems\n"
    shown = report.shown(limit)
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in shown:
        by_file[problem.file or problem.table or "(input)"].append(problem)
    lines: list[str] = []
    # names, paths and messages can carry a contributor's text: control characters
    # (terminal escapes, newlines) are shown as escapes, never sent to the terminal
    for file, problems in by_file.items():
        lines.append(style(visible(file), "file"))
        for p in problems:
            severity = style(p.severity or "error", p.severity or "error")
            lines.append(f"  {_where(p)}: {severity} {p.code}: {visible(p.message)}")
            if p.hint:
                lines.append(f"    hint: {visible(p.hint)}")
    if len(shown) < len(report.problems):
        more = len(report.problems) - len(shown)
        lines.append(f"... and {more} more problem(s) not shown: this report is partial")
    files = len({p.file for p in report.problems})
    # exit 2 (refused or unreadable input) reads differently from exit 1 (invalid data)
    verdict = "refused" if not report.usable else "valid" if report.valid else "invalid"
    lines.append(
        f"{verdict}: {len(report.errors)} error(s), {len(report.warnings)} warning(s) "
        f"in {files} file(s)"
    )
    return "\n".join(lines) + "\n"


def _escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github(report: Report, limit: int | None = None) -> str:
    """GitHub Actions workflow commands: one ``::error``/``::warning`` line a problem."""
    shown = report.shown(limit)
    lines = []
    for p in shown:
        props = []
        if p.file:
            props.append(f"file={_escape(visible(p.file), True)}")
        if p.row is not None:
            props.append(f"line={p.row}")
        if p.column is not None:
            props.append(f"col={p.column}")
        props.append(f"title={_escape(p.code, True)}")
        message = p.message + (f" ({p.hint})" if p.hint else "")
        lines.append(f"::{p.severity} {','.join(props)}::{_escape(visible(message))}")
    if len(shown) < len(report.problems):
        more = len(report.problems) - len(shown)
        lines.append(f"::warning title=partial report::{more} more problem(s) not shown")
    return "\n".join(lines) + ("\n" if lines else "")
