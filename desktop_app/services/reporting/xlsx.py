"""A report's tables as a workbook: one sheet per section, the same rows as the PDF."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import xlsxwriter

from desktop_app.documents.reports import ReportDoc

__all__ = ["report_xlsx"]


def _sheet_name(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:28] or "Laporan"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:25]} {n}"
        n += 1
    used.add(name.lower())
    return name


def report_xlsx(path: Path, doc: ReportDoc) -> int:
    """Write the workbook (beside `path`, then moved over it); returns the number of sheets."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    sheets = 0
    try:
        workbook = xlsxwriter.Workbook(str(tmp))
        title_fmt = workbook.add_format({"bold": True, "font_size": 12})
        header_fmt = workbook.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        total_fmt = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
        used: set[str] = set()
        for section in doc.sections:
            sheet = workbook.add_worksheet(_sheet_name(section.heading, used))
            sheets += 1
            # Text cells are written as strings: a name starting with "=" stays a name.
            sheet.write_string(0, 0, doc.title, title_fmt)
            sheet.write_string(1, 0, doc.subtitle)
            sheet.write_string(2, 0, section.heading)
            row = 3
            if section.text:
                sheet.write_string(row, 0, section.text)
                row += 1
            for table in section.tables:
                row += 1
                if table.title:
                    sheet.write_string(row, 0, table.title)
                    row += 1
                for c, name in enumerate(table.columns):
                    sheet.write_string(row, c, name, header_fmt)
                    sheet.set_column(
                        c,
                        c,
                        40 if c == 0 or name in ("Kelurahan", "Titik salur", "Pelatihan") else 14,
                    )
                row += 1
                lines = [(r, None) for r in table.rows]
                if table.total is not None:
                    lines.append((table.total, total_fmt))
                for values, fmt in lines:
                    for c, v in enumerate(values):
                        if isinstance(v, int | float) and not isinstance(v, bool):
                            sheet.write_number(row, c, v, fmt)
                        else:
                            sheet.write_string(row, c, "" if v is None else str(v), fmt)
                    row += 1
        workbook.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return sheets
