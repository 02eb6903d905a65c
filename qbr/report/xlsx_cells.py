"""Safe cell writing for the workbook (SPEC §8, ADVERSARIAL 8, 10, 12).

Untrusted text is always a typed string (``t="inlineStr"``, never ``<f>``), with the
``quotePrefix`` style when it starts with a character a spreadsheet would run as a
formula, so it stays text even when a user edits the cell. Characters XML cannot hold
become U+FFFD, and over-long text is cut with a visible marker. Numbers stay numbers.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

# Formula triggers, ASCII and full-width (Excel folds ＝＋－＠ to ASCII on entry).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
MAX_CELL_CHARS = 32_767  # Excel's limit
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean_cell_text(text: str) -> str:
    """``text`` as Excel can store it: illegal XML characters and lone surrogates →
    U+FFFD; longer than 32,767 characters → cut, ending in ``… [+N]`` (N = cut count)."""
    text = _SURROGATES.sub("\ufffd", ILLEGAL_CHARACTERS_RE.sub("\ufffd", text))
    if len(text) > MAX_CELL_CHARS:
        cut = len(text) - MAX_CELL_CHARS
        marker = f"… [+{cut}]"
        cut += len(marker)
        text = text[: MAX_CELL_CHARS - len(marker)] + marker
    return text


def put_text(ws: Worksheet, row: int, col: int, value: str | None) -> Cell:
    """Write untrusted text as a typed string; formula-like starts get ``quotePrefix``."""
    cell: Cell = ws.cell(row=row, column=col)
    if value is None:
        return cell
    text = clean_cell_text(str(value))
    cell.value = text
    cell.data_type = "s"  # openpyxl guessed "f" for "=…"; text is never a formula
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
    return cell


def put_number(
    ws: Worksheet, row: int, col: int, value: float | int | None, number_format: str
) -> Cell:
    """Write a number (None leaves the cell empty) with an Excel number format."""
    cell: Cell = ws.cell(row=row, column=col)
    if value is not None:
        cell.value = value
        cell.number_format = number_format
    return cell


def put_datetime(ws: Worksheet, row: int, col: int, value: datetime | None) -> Cell:
    """Write a naive local datetime (Excel has no zones) as a real date cell."""
    cell: Cell = ws.cell(row=row, column=col)
    if value is not None:
        cell.value = value.replace(tzinfo=None)
        cell.number_format = "yyyy-mm-dd hh:mm"
    return cell


def put(ws: Worksheet, row: int, col: int, value: Any, number_format: str = "General") -> Cell:
    """Dispatch on type: text via :func:`put_text`, numbers and datetimes typed."""
    if isinstance(value, bool):
        return put_number(ws, row, col, value, "General")
    if isinstance(value, int | float):
        return put_number(ws, row, col, value, number_format)
    if isinstance(value, datetime):
        return put_datetime(ws, row, col, value)
    return put_text(ws, row, col, None if value is None else str(value))


def keep_carriage_returns(xlsx: bytes) -> bytes:
    """Write CR in sheet XML as ``&#13;``.

    openpyxl (without lxml) writes a raw CR, which every XML parser reads back as LF, so
    ``"\\r=1+1"`` would not round-trip. A raw CR can only occur inside text or attribute
    values there, where the character reference is equivalent and survives parsing."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    if not any(b"\r" in source.read(i) for i in source.infolist() if _is_sheet(i.filename)):
        return xlsx
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if _is_sheet(info.filename):
                data = data.replace(b"\r", b"&#13;")
            target.writestr(info, data)
    return out.getvalue()


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")
