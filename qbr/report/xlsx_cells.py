"""Safe cell text for the workbook (SPEC §8, ADVERSARIAL 8, 10, 12).

Untrusted text is always a typed string (``t="inlineStr"``, never ``<f>``), with the
``quotePrefix`` style when it starts with a character a spreadsheet would run as a
formula (:data:`FORMULA_TRIGGERS`), so it stays text even when a user edits the cell
(:class:`~qbr.report.xlsx_sheet.Sheet` writes it). Characters XML cannot hold become
U+FFFD, and over-long text is cut with a visible marker. Numbers stay numbers.

Also the XML of a streamed cell (:func:`inline`, :func:`escape`, :func:`excel_serial`)
and the worksheet class that streams whole rows of it (:class:`StreamingWorksheet`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

# Formula triggers, ASCII and full-width (Excel folds ＝＋－＠ to ASCII on entry).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
MAX_CELL_CHARS = 32_767  # Excel's limit
_SURROGATES = re.compile("[\ud800-\udfff]")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Excel's cell limit (an emoji counts 2)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def clean_cell_text(text: str) -> str:
    """``text`` as Excel can store it: illegal XML characters and lone surrogates →
    U+FFFD; longer than 32,767 UTF-16 units → cut, ending in ``… [+N]`` (N = characters
    cut)."""
    text = _SURROGATES.sub("\ufffd", ILLEGAL_CHARACTERS_RE.sub("\ufffd", text))
    if len(text) > MAX_CELL_CHARS // 2 and utf16_len(text) > MAX_CELL_CHARS:
        if len(text) == utf16_len(text):  # one unit a character: exactly 32,767 kept
            cut = len(text) - MAX_CELL_CHARS
            marker = f"… [+{cut}]"
            return text[: MAX_CELL_CHARS - len(marker)] + marker
        budget = MAX_CELL_CHARS - 12  # room for the marker (at most 12 units)
        keep = budget
        while (over := utf16_len(text[:keep]) - budget) > 0:
            keep -= max(1, over // 2)
        text = text[:keep] + f"… [+{len(text) - keep}]"
    return text


NEEDS_CLEANING = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_ESCAPED = re.compile("(_x[0-9a-fA-F]{4}_)")


class StreamingWorksheet(Worksheet):  # type: ignore[misc]
    """XlsxWriter's worksheet with a fast way to stream a whole row of cells.

    :meth:`write_cells` appends a row whose ``<c>`` elements :class:`Sheet` built itself
    (see :func:`inline`): XlsxWriter's own per-cell path costs about 10 µs a cell, far
    more than the table itself; this one about 1 µs. It relies on how XlsxWriter streams
    rows in ``constant_memory`` mode (one pending row in ``table``, written to ``fh`` when
    a later row starts), which ``tests/test_report_xlsx.py`` checks by reading the file
    back. Rows written with XlsxWriter's API (a hyperlink) go the usual way.

    A carriage return is written ``&#13;``: XlsxWriter's ``_x000D_`` escape shows
    literally in openpyxl and other readers, and a raw CR would come back as LF."""

    def write_cells(self, row: int, cells: list[str], first: int, last: int,
                    height: float | None = None) -> None:
        """Row ``row`` (0-based) with ``cells`` (XML) spanning columns ``first``…``last``."""
        if row > self.previous_row:  # flush the row XlsxWriter may still hold
            self._write_single_row(row)
        if cells:
            self._check_dimensions(row, first)
            self._check_dimensions(row, last)
        attrs = f' ht="{height:g}" customHeight="1"' if height else ""
        self.fh.write(f'<row r="{row + 1}"{attrs}>{"".join(cells)}</row>')

    @staticmethod
    def _escape_control_characters(data: Any) -> Any:
        # The control characters never get here (clean_cell_text replaced them); a
        # literal ``_xHHHH_`` in the text is still escaped, so Excel does not decode it.
        if isinstance(data, str) and "_x" in data:
            return _ESCAPED.sub(r"_x005F\1", data)
        return data

    def _escape_data(self, data: Any) -> Any:
        data = super()._escape_data(data)
        if isinstance(data, str) and "\r" in data:
            return data.replace("\r", "&#13;")
        return data


XML_SPECIAL = re.compile("[&<>\r]|_x[0-9a-fA-F]{4}_")
# Text that needs cleaning or escaping (either of the two patterns above).
UNUSUAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff&<>\r]|_x[0-9a-fA-F]{4}_")
PRESERVE = ' xml:space="preserve"'  # leading or trailing blanks kept
SHORT = MAX_CELL_CHARS // 2  # shorter text cannot exceed Excel's limit in UTF-16 units
_EPOCH = datetime(1899, 12, 31)
_LEAP_BUG = datetime(1900, 3, 1)
COLUMN_LETTERS = [xl_col_to_name(i) for i in range(1024)]  # A … AMJ: more than any sheet has


def escape(text: str) -> str:
    """``text`` as XML character data: ``&<>`` escaped, CR as ``&#13;``, and a literal
    ``_xHHHH_`` as ``_x005F_xHHHH_`` (Excel's escape of its own escape)."""
    return _ESCAPED.sub(r"_x005F\1", text).replace("&", "&amp;").replace(
        "<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def inline(ref: str, style: str, text: str) -> str:
    """An inline-string ``<c>`` element; ``style`` is `` s="N"`` or empty."""
    if XML_SPECIAL.search(text):
        text = escape(text)
    space = PRESERVE if text and (text[0].isspace() or text[-1].isspace()) else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def excel_serial(value: datetime | date) -> float:
    """Excel's serial day number (1900 date system) of a naive local date or time:
    days since 1899-12-31 plus the fraction of the day, one more from 1 March 1900
    (Excel counts the non-existent 29 February 1900)."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:  # the caller gave local time (Excel has no zones)
        value = value.replace(tzinfo=None)
    delta = value - _EPOCH
    serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    return serial + 1 if value >= _LEAP_BUG else serial
