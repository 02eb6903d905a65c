"""A write-only worksheet with the workbook's house style (issue 7 §4).

Rows stream to disk as they are written (openpyxl ``write_only``), so memory stays flat
however many tickets a client has. Every sheet prints: landscape, fit to one page wide,
the header row repeated on each page, a footer with client, quarter and page numbers.
One font family (:data:`FONT`) for headers and body. Number formats:

* percentages are fractions with ``0.0%`` (attainment) or ``0.00%`` (uptime), the
  shown value truncated like the PDF (SPEC §6);
* durations are whole minutes (rounded up, like the PDF) with ``#,##0``;
* dates and money use the client's locale (:func:`date_format`, :func:`money_format`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from babel import Locale
from babel.numbers import get_currency_symbol
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.properties import PageSetupProperties

from qbr.report.xlsx_cells import FORMULA_TRIGGERS, MAX_CELL_CHARS, clean_cell_text

LOG = logging.getLogger("qbr.report")
FONT = "Calibri"
COUNT = "#,##0"
MINUTES = "#,##0"
PCT1 = "0.0%"
PCT2 = "0.00%"
_HEADER = Font(name=FONT, bold=True, color="FFFFFF")
_BOLD = Font(name=FONT, bold=True)
_LINK = Font(name=FONT, color="1F5FA8", underline="single")
_WRAP = Alignment(vertical="center", wrap_text=True)


def date_format(locale: Locale, with_time: bool = True) -> str:
    """Excel date format of the client's locale: ``DD.MM.YYYY hh:mm`` (de),
    ``MM/DD/YYYY h:mm AM/PM`` (en_US), ``YYYY-MM-DD hh:mm`` (en_CA), ``DD/MM/YYYY hh:mm``
    (other English)."""
    if locale.language == "de":
        day = "DD.MM.YYYY"
    elif locale.territory == "US":
        day = "MM/DD/YYYY"
        return f"{day} h:mm AM/PM" if with_time else day
    elif locale.territory == "CA":
        day = "YYYY-MM-DD"
    else:
        day = "DD/MM/YYYY"
    return f"{day} hh:mm" if with_time else day


def money_format(locale: Locale, currency: str) -> str:
    """``#,##0.00 "€"`` (symbol after, as in de) or ``"£"#,##0.00`` (before, as in en)."""
    symbol = str(get_currency_symbol(currency, locale=locale)).replace('"', "")
    pattern = locale.currency_formats["standard"].pattern
    if pattern.strip().startswith("¤"):
        return f'"{symbol}"#,##0.00'
    return f'#,##0.00\\ "{symbol}"'


@dataclass(frozen=True)
class Column:
    """A column: header label, width in characters, number format ("" = text)."""

    label: str
    width: float
    fmt: str = ""


class Sheet:
    """One streaming sheet. Set up columns and print settings first, then write rows."""

    def __init__(self, wb: Workbook, title: str, footer: str, primary: str,
                 columns: Sequence[Column] = (), label: str = "") -> None:
        self.ws = wb.create_sheet(title[:31])
        self.fill = PatternFill("solid", fgColor=primary.lstrip("#").upper())
        self.columns = list(columns)
        self._formats = [c.fmt for c in self.columns]
        self.label = label or title
        self.row = 0
        self._print_setup(footer)
        for i, col in enumerate(self.columns, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = col.width

    def _print_setup(self, footer: str) -> None:
        ws = self.ws
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.gridLines = False
        ws.oddFooter.left.text = footer.replace("&", "&&")
        ws.oddFooter.left.size = 8
        ws.oddFooter.right.text = "&P / &N"
        ws.oddFooter.right.size = 8
        ws.page_margins.left = ws.page_margins.right = 0.5

    def widths(self, widths: Sequence[float]) -> None:
        """Column widths for a sheet without a column list (the summary)."""
        for i, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width

    def header(self, labels: Sequence[str] | None = None, repeat: bool = True) -> None:
        """The header row (brand colour, white bold); repeated on every printed page."""
        cells = []
        for label in labels if labels is not None else [c.label for c in self.columns]:
            cell = self._styled(self.text(label))
            cell.font = _HEADER
            cell.fill = self.fill
            cell.alignment = _WRAP
            cells.append(cell)
        # room for two lines of a wrapped label (set before the row streams out)
        self.ws.row_dimensions[self.row + 1].height = 30
        if repeat:  # before the row is written: a streaming sheet writes its view first
            self.ws.print_title_rows = f"{self.row + 1}:{self.row + 1}"
            self.ws.freeze_panes = f"A{self.row + 2}"
        self.ws.append(cells)
        self.row += 1

    def title(self, text: str, size: int = 12) -> None:
        """A bold title line (after a blank line unless first)."""
        if self.row:
            self.ws.append([])
            self.row += 1
        cell = self._styled(self.text(text))
        cell.font = Font(name=FONT, bold=True, size=size)
        self.ws.append([cell])
        self.row += 1

    def line(self, values: Sequence[Any], formats: Sequence[str] | None = None,
             bold: bool = False, where: str = "", link: tuple[int, str] | None = None
             ) -> None:
        """One row; ``formats[i]`` (default: the column's) is the number format;
        ``link = (column index, url)`` makes that cell a hyperlink (the caller checked the
        URL against the allowlist, ADVERSARIAL 4)."""
        fmts = formats if formats is not None else self._formats
        cells: list[Any] = []
        for i, value in enumerate(values):
            fmt = fmts[i] if i < len(fmts) else ""
            cell = self.cell(value, fmt, where=f"{where} column {i + 1}" if where else "")
            if bold or (link is not None and link[0] == i):
                cell = self._styled(cell)
                cell.font = _BOLD
                if link is not None and link[0] == i:
                    # Write-only cells have no coordinate yet; openpyxl sets ``ref`` on append.
                    cell._hyperlink = Hyperlink(ref="", target=link[1])
                    cell.font = _LINK
            cells.append(cell)
        self.ws.append(cells)
        self.row += 1

    def _styled(self, value: Any) -> Any:
        """``value`` as a cell object that can carry a style."""
        return value if isinstance(value, Cell) else WriteOnlyCell(self.ws, value=value)

    def cell(self, value: Any, fmt: str = "", where: str = "") -> Any:
        """A typed value for :meth:`line`: text via :meth:`text`; a number or date with a
        format as a cell; plain values as they are (openpyxl's streaming writer then uses
        one shared cell — the fast path; the workbook's default font is :data:`FONT`)."""
        if isinstance(value, str):
            return self.text(value, where)
        if value is None or not fmt:
            return value
        cell = WriteOnlyCell(self.ws, value=value)
        cell.number_format = fmt
        return cell

    def text(self, value: str, where: str = "") -> Any:
        """Untrusted text as a typed string; formula-like starts get ``quotePrefix``
        (SPEC §8); over-long text is cut with a logged notice (ADVERSARIAL 12)."""
        if len(value) > MAX_CELL_CHARS:
            LOG.warning("%s%s: text of %d characters cut to %d for Excel",
                        self.label, f" {where}" if where else "", len(value), MAX_CELL_CHARS)
        text = clean_cell_text(value)
        if text != value and len(value) <= MAX_CELL_CHARS:
            LOG.warning("%s%s: characters Excel cannot hold replaced by U+FFFD", self.label,
                        f" {where}" if where else "")
        if not text.startswith(FORMULA_TRIGGERS) and text not in ERROR_CODES:
            return text  # a plain string: openpyxl types it as text
        cell = WriteOnlyCell(self.ws, value=text)
        cell.data_type = "s"  # never a formula or an error value
        if text.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
        return cell

    def filter(self, header_row: int, last_row: int) -> None:
        """An autofilter over the table whose header is ``header_row``."""
        last = get_column_letter(max(len(self.columns), 1))
        self.ws.auto_filter.ref = f"A{header_row}:{last}{max(last_row, header_row)}"
