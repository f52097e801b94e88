"""CSV for spreadsheets: what Excel, LibreOffice and Google Sheets open safely.

The canonical CSVs are evidence and stay byte for byte as the sources give them. A
spreadsheet, though, runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return as a formula (CSV injection), and Excel reads UTF-8 without a
byte-order mark as a legacy code page ("TÃ¼rkiye"). :func:`spreadsheet_csv` writes
a table for spreadsheets: UTF-8 with a byte-order mark, CRLF line ends, and every
formula-like text cell prefixed with an apostrophe (``'=...``), the neutralisation
OWASP recommends. Integers and booleans are left alone: ``-5`` is a number there, not
a formula. These files are for reading; the canonical CSVs hold the exact values.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping

#: A value a spreadsheet would run as a formula (RE2 and Python ``re`` read it alike).
FORMULA = "^[=+\\-@\t\r]"
_FORMULA = re.compile(FORMULA)


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet shows it without running it."""
    return "'" + text if _FORMULA.match(text) else text


def spreadsheet_csv(
    header: Iterable[str], rows: Iterable[Mapping[str, str]], text_columns: Iterable[str]
) -> bytes:
    """A table as CSV for spreadsheets; ``text_columns`` are the ones to neutralise."""
    names = list(header)
    texts = set(text_columns)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([neutralise(row[n]) if n in texts else row[n] for n in names])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
