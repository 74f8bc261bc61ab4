"""`bom.xlsx`: the BOM as a workbook (procurement lives in spreadsheets).

openpyxl stamps the current time into `docProps/core.xml` and into every zip
member's header, so its bytes differ from run to run. We fix the document
properties, drive its `ExcelWriter` into memory and re-pack the archive with a
fixed member timestamp and mode: the same BOM gives the same bytes.

Text cells are always written as text (never formulas), and characters XML
cannot carry are dropped, so a part description cannot inject a formula or
break the file.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .bom import COLUMNS, Bom, BomLine, Total

FIXED_TIME = datetime.datetime(2000, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MONEY_FORMAT = "#,##0.00"
WIDTHS = {"description": 40, "part": 28, "part_number": 18, "vendor": 14, "category": 12}


def _dec(x: Fraction | None, places: int = 2) -> Decimal | None:
    """Exact decimal of `x` rounded half-up to `places` (what the CSV prints)."""
    if x is None:
        return None
    from .tabular import decimal
    return Decimal(decimal(x, places))


def _power(x: Fraction | None) -> Decimal | int | None:
    from .tabular import number
    if x is None:
        return None
    return int(x) if Fraction(x).denominator == 1 else Decimal(number(x))


def _line_row(i: int, ln: BomLine) -> list[Any]:
    return [i, ln.category, ln.vendor, ln.part_number, ln.part, ln.description, ln.length_bin, ln.quantity, ln.unit,
            ln.currency, _dec(ln.unit_price), _dec(ln.extended), _power(ln.power_each), _power(ln.power_total)]


def _total_row(t: Total) -> list[Any]:
    return [t.key or "total", t.currency, t.quantity, _dec(t.extended), t.unpriced_lines, _power(t.power)]


def _put(ws: Any, row: list[Any], money_cols: set[int]) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    ws.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row])
    r = ws.max_row
    for c, v in enumerate(row, 1):
        cell = ws.cell(row=r, column=c)
        if isinstance(v, str):
            cell.data_type = "s"          # text, even if it starts with "="
        elif c in money_cols and v is not None:
            cell.number_format = MONEY_FORMAT


def _sheet_lines(wb: Any, bom: Bom) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    ws = wb.active
    ws.title = "BOM"
    _put(ws, list(COLUMNS), set())
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, ln in enumerate(bom.lines, 1):
        _put(ws, _line_row(i, ln), {11, 12})
    for c, name in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(c)].width = WIDTHS.get(name, 12)
    ws.freeze_panes = "A2"


def _sheet_totals(wb: Any, bom: Bom) -> None:
    from openpyxl.styles import Font
    ws = wb.create_sheet("Totals")
    head = ["", "currency", "quantity", "extended_price", "unpriced_lines", "power_w"]
    for title, totals in (("by vendor", bom.by_vendor), ("by category", bom.by_category), ("total", bom.total)):
        _put(ws, [title] + head[1:], set())
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
        for t in totals:
            _put(ws, _total_row(t), {4})
        ws.append([])


def _workbook(bom: Bom) -> Any:
    from openpyxl import Workbook
    wb = Workbook()
    props = wb.properties
    props.creator = "supernodec"
    props.title = f"Bill of materials: {bom.design}"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.lastModifiedBy = "supernodec"
    _sheet_lines(wb, bom)
    _sheet_totals(wb, bom)
    return wb


def _repack(raw: bytes) -> bytes:
    """The same archive with fixed member times and permissions."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            z = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            z.compress_type = zipfile.ZIP_DEFLATED
            z.external_attr = 0o644 << 16
            z.create_system = 3
            dst.writestr(z, src.read(info.filename))
    return out.getvalue()


def bom_xlsx(bom: Bom) -> bytes:
    from openpyxl.writer.excel import ExcelWriter
    wb = _workbook(bom)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()
    return _repack(buf.getvalue())
