"""What LibreOffice shows of the workbook: every sheet, converted headless to CSV,
must hold the canonical table's values (booleans as TRUE/FALSE, everything else as
written), with "Türkiye" intact and partial dates still text.

Run by CI after installing LibreOffice (``soffice``); not a pytest test, so that the
test suite needs nothing but Python and pip.

    python tools/check_libreoffice.py [WORKBOOK.xlsx]
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import astana_talks
from astana_talks.cells import render_cell
from astana_talks.models import MODELS
from astana_talks.workbook import workbook

# LibreOffice's CSV filter: comma, double quote, UTF-8, from line 1, all sheets (-1)
FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def main(argv: list[str]) -> int:
    soffice = shutil.which("soffice")
    if soffice is None:
        print("error: soffice (LibreOffice) is not installed", file=sys.stderr)
        return 2
    ds = astana_talks.load()
    with tempfile.TemporaryDirectory() as folder:
        book = Path(argv[0]) if argv else Path(folder) / "astana.xlsx"
        if not argv:
            book.write_bytes(workbook({t: ds.table(t) for t in ds.tables()}))
        subprocess.run(
            [soffice, "--headless", "--convert-to", FILTER, "--outdir", folder, str(book)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        wrong = 0
        for model in MODELS:
            sheet = Path(folder) / f"{book.stem}-{model.table}.csv"
            shown = list(csv.reader(io.StringIO(sheet.read_text(encoding="utf-8"))))
            expected = [list(model.columns())] + [
                [
                    {"true": "TRUE", "false": "FALSE"}.get(c, c)
                    for c in (render_cell(getattr(r, n)) for n in model.columns())
                ]
                for r in ds.table(model.table)
            ]
            if shown != expected:
                wrong += 1
                pairs = zip(shown, expected, strict=False)
                first = next((i for i, (a, b) in enumerate(pairs) if a != b), None)
                if first is None:
                    print(f"{model.table}: {len(shown)} lines shown, not {len(expected)}")
                else:
                    print(
                        f"{model.table}: line {first + 1} is {shown[first]}, not {expected[first]}"
                    )
        print(
            f"LibreOffice: {len(MODELS) - wrong} of {len(MODELS)} sheets show the canonical values"
        )
        return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
