"""XLSX reader: one worksheet → ``(row number, cells)`` (SPEC §7–8).

The workbook is sniffed and its ZIP directory checked *before* openpyxl touches it
(ADVERSARIAL 15, 17), then read with ``read_only=True`` and defusedxml, so entity
declarations are refused (ADVERSARIAL 16). The sheet is ``Source.sheet``, else the first.
Cells keep their types: numbers stay numbers, date cells come back as naive datetimes.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from datetime import date, datetime, time
from pathlib import Path

from qbr.errors import InputError
from qbr.io.csvfile import MAX_INPUT_BYTES, read_bytes
from qbr.io.table import Cell

MAX_ZIP_ENTRIES = 10_000
MAX_RATIO = 1000


def read_xlsx(path: Path, file: str, sheet: str | None) -> list[tuple[int, list[Cell]]]:
    """Read worksheet ``sheet`` (default: the first) of the workbook at ``path``."""
    _sniff(read_bytes(path, file)[:8], file)
    _preflight(path, file)
    import defusedxml
    import openpyxl

    if openpyxl.DEFUSEDXML is not True:
        raise InputError(file, "XLSX input needs defusedxml active in openpyxl "
                               "(unset OPENPYXL_DEFUSEDXML)")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except (defusedxml.DefusedXmlException, zipfile.BadZipFile, KeyError, ValueError,
            OSError) as exc:
        raise _load_error(file, exc) from None
    try:
        return _rows(book, formulas, file, sheet)
    except defusedxml.DefusedXmlException:
        raise InputError(file, "unsafe XML (entity declarations) in the worksheet") from None
    finally:
        book.close()
        formulas.close()


def _load_error(file: str, exc: BaseException) -> InputError:
    """openpyxl wraps parser errors; name entity declarations, never the absolute path."""
    import defusedxml

    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, defusedxml.DefusedXmlException):
            return InputError(file, "unsafe XML (entity declarations) in the workbook")
        cause = cause.__cause__ or cause.__context__
    return InputError(file, f"not a readable XLSX workbook ({type(exc).__name__})")


class FormulaCell(str):
    """A formula cell the workbook holds no computed value for (ADVERSARIAL 33: not a
    blank, not dropped). The text is empty; ``where`` is ``Sheet!D5``, ``formula`` the
    formula as written."""

    where: str
    formula: str

    def __new__(cls, where: str, formula: str) -> FormulaCell:
        cell = super().__new__(cls, "")
        cell.where, cell.formula = where, formula
        return cell


def _rows(book: object, formulas: object, file: str, sheet: str | None
          ) -> list[tuple[int, list[Cell]]]:
    from openpyxl.utils import get_column_letter

    names: list[str] = list(book.sheetnames)  # type: ignore[attr-defined]
    if sheet is not None and sheet not in names:
        raise InputError(file, f"no sheet {sheet!r} (the workbook has {', '.join(names)})")
    name = sheet or names[0]
    ws = book[name]  # type: ignore[index]
    ws_f = formulas[name]  # type: ignore[index]
    rows: list[tuple[int, list[Cell]]] = []
    pairs = zip(ws.iter_rows(min_row=1, values_only=True),
                ws_f.iter_rows(min_row=1, values_only=True), strict=False)
    for number, (values, written) in enumerate(pairs, start=1):
        cells = [_cell(v) for v in values]
        for j, (value, text) in enumerate(zip(values, written, strict=False)):
            if value is None and isinstance(text, str) and text.startswith("="):
                cells[j] = FormulaCell(f"{name}!{get_column_letter(j + 1)}{number}", text)
        rows.append((number, _trim(cells)))
    # A worksheet stores no cell for an empty one, so a row whose trailing optional
    # cells are empty is not short: pad it to the header (only CSV has a raw field count).
    width = len(rows[0][1]) if rows else 0
    return [(n, cells + [""] * (width - len(cells))) for n, cells in rows]


def _trim(cells: list[Cell]) -> list[Cell]:
    """Drop empty cells at the end: a worksheet pads every row to the widest one, so only
    a non-empty cell beyond the header counts as an extra cell."""
    while cells and cells[-1] == "" and not isinstance(cells[-1], FormulaCell):
        cells.pop()
    return cells


def _cell(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str | int | float | datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, time):
        return value.isoformat()
    return str(value)


def _sniff(head: bytes, file: str) -> None:
    """Name the real format of a disguised file instead of a ZIP error (ADVERSARIAL 17)."""
    if head.startswith(b"PK\x03\x04"):
        return
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(file, "legacy .xls or encrypted workbook: not supported, save as "
                               "an unencrypted .xlsx")
    if head.lstrip().lower().startswith((b"<html", b"<!doc", b"<?xml", b"<tab")):
        raise InputError(file, "is HTML/XML, not XLSX")
    raise InputError(file, "not an XLSX workbook (no ZIP signature); declare a CSV path")


def _preflight(path: Path, file: str) -> None:
    """Refuse zip bombs from the ZIP directory alone, before any XML is parsed."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos: Sequence[zipfile.ZipInfo] = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise InputError(file, f"not a readable XLSX workbook ({exc})") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise InputError(file, f"{len(infos)} ZIP entries exceed limit {MAX_ZIP_ENTRIES}")
    declared = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    size = f"declared uncompressed size {declared / 1e6:.0f} MB"
    if declared > MAX_INPUT_BYTES:
        raise InputError(file, f"{size} exceeds limit {MAX_INPUT_BYTES // 2**20} MB "
                               f"(ratio {declared // packed}:1)")
    if declared / packed > MAX_RATIO:
        raise InputError(file, f"{size} at compression ratio {declared // packed}:1 exceeds "
                               f"limit {MAX_RATIO}:1")
