"""What a spreadsheet would run as a formula.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (CSV injection). The validator warns of such text
(``formula-like``); the canonical CSVs are evidence and keep it as the source gives it,
and the release's workbook (:mod:`astana_talks.workbook`) stores every text cell as
text, so that it shows instead of running, with no marker added.
"""

from __future__ import annotations

#: The first characters of a value a spreadsheet would run as a formula.
FORMULA_STARTS = b"=+-@\t\r"
