"""A streaming worksheet with the workbook's house style (issue 7 §4, §5).

Written with XlsxWriter in ``constant_memory`` mode: each row goes to a temporary file as
soon as the next one starts, so memory stays flat however many tickets a client has, and
text is stored as inline strings (``t="inlineStr"``). Every sheet prints: landscape, fit
to one page wide, the header row repeated on each page, a footer with client, quarter and
page numbers. One font family (:data:`FONT`) for headers and body. Number formats:

* percentages are fractions with ``0.0%`` (attainment) or ``0.00%`` (uptime), the
  shown value truncated like the PDF (SPEC §6);
* durations are whole minutes (rounded up, like the PDF) with ``#,##0``;
* dates and money use the client's locale (:func:`date_format`, :func:`money_format`).

Why XlsxWriter and not openpyxl's write-only mode: without lxml, openpyxl serialises each
cell through ElementTree (about 0.2 ms a cell); a 6,000-ticket workbook took 5.5 s, of
which three quarters were openpyxl's writer (``benchmarks/bench_pack.py``). openpyxl still
reads workbooks (inputs, tests).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from babel import Locale
from babel.numbers import get_currency_symbol
from xlsxwriter.format import Format

from qbr.report.xlsx_cells import (
    COLUMN_LETTERS,
    FORMULA_TRIGGERS,
    MAX_CELL_CHARS,
    NEEDS_CLEANING,
    PRESERVE,
    SHORT,
    UNUSUAL,
    XML_SPECIAL,
    StreamingWorksheet,
    clean_cell_text,
    escape,
    excel_serial,
    inline,
    utf16_len,
)
from qbr.report.xlsx_zip import FastWorkbook

LOG = logging.getLogger("qbr.report")
FONT = "Calibri"
COUNT = "#,##0"
MINUTES = "#,##0"
PCT1 = "0.0%"
PCT2 = "0.00%"
LINK_COLOUR = "#1F5FA8"
# Page margins in inches: Excel's "Normal" top/bottom (0.75) and header/footer (0.3), so
# the summary fits one landscape A4 page; left/right narrower (0.5) for wide tables.
MARGINS = {"left": 0.5, "right": 0.5, "top": 0.75, "bottom": 0.75}
HEADER_FOOTER_MARGIN = 0.3
PAPER = {"Letter": 1, "A4": 9}  # Excel's paperSize codes
TEXT_CACHE = 4096  # texts a sheet remembers per style (see Sheet._text_tail)
MAX_FOOTER_CHARS = 200  # Excel's limit is 255 for the whole footer, codes included


@dataclass(frozen=True)
class Column:
    """A column: header label, width in characters, number format ("" = text)."""

    label: str
    width: float
    fmt: str = ""


class Book:
    """An XlsxWriter workbook in constant memory, with one :class:`Format` per style."""

    def __init__(self, output: IO[bytes], paper: str = "A4") -> None:
        self.wb = FastWorkbook(output, {"constant_memory": True})
        self.paper = paper  # the pack's paper (issue 7 §3): "A4" or "Letter"
        self._formats: dict[tuple[Any, ...], Format] = {}
        self._attrs: dict[tuple[Any, ...], str] = {}

    def format(self, num: str = "", bold: bool = False, size: int | None = None,
               quote: bool = False, link: bool = False, header: str = "") -> Format:
        """The shared format of a cell style (created once per workbook); ``header`` is
        the fill colour of a header cell (bold white text, wrapped)."""
        key = (num, bold, size, quote, link, header)
        cell_format = self._formats.get(key)
        if cell_format is None:
            props: dict[str, Any] = {"font_name": FONT}
            if num:
                props["num_format"] = num
            if bold:
                props["bold"] = True
            if size:
                props["font_size"] = size
            if quote:
                props["quote_prefix"] = True
            if link:
                props.update(font_color=LINK_COLOUR, underline=1, bold=False)
            if header:
                props.update(bold=True, font_color="#FFFFFF", bg_color=header,
                             pattern=1, text_wrap=True, valign="vcenter")
            cell_format = self._formats[key] = self.wb.add_format(props)
        return cell_format

    def style(self, num: str = "", bold: bool = False, size: int | None = None,
              quote: bool = False, header: str = "") -> str:
        """The `` s="N"`` attribute of a cell in that style ("" for the default style)."""
        key = ("attr", num, bold, size, quote, header)
        attr = self._attrs.get(key)
        if attr is None:
            if not (num or bold or size or quote or header):
                attr = ""
            else:
                index = self.format(num, bold, size, quote, header=header)._get_xf_index()
                attr = f' s="{index}"'
            self._attrs[key] = attr
        return attr

    def close(self) -> None:
        self.wb.close()


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


class Sheet:
    """One streaming sheet. Set up columns and print settings first, then write rows
    top to bottom (a row, once left, is on disk)."""

    def __init__(self, book: Book, title: str, footer: str, primary: str,
                 columns: Sequence[Column] = (), label: str = "") -> None:
        self.book = book
        self.ws: StreamingWorksheet = book.wb.add_worksheet(
            title[:31], worksheet_class=StreamingWorksheet)
        self.fill = "#" + primary.lstrip("#").upper()
        self.columns = list(columns)
        self._formats = [c.fmt for c in self.columns]
        self._column_styles = [book.style(c.fmt) for c in self.columns]
        self.label = label or title
        self._texts: tuple[dict[str, str], dict[str, str]] = ({}, {})  # by bold
        self.row = 0
        self._print_setup(footer)
        self.widths([c.width for c in self.columns])

    def _print_setup(self, footer: str) -> None:
        ws = self.ws
        ws.set_landscape()
        ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as needed
        ws.hide_gridlines(1)  # shown on screen, not printed
        ws.set_paper(PAPER.get(self.book.paper, 9))
        ws.set_margins(**MARGINS)
        text = footer if len(footer) <= MAX_FOOTER_CHARS else footer[:MAX_FOOTER_CHARS] + "…"
        ws.set_header("", {"margin": HEADER_FOOTER_MARGIN})
        ws.set_footer(f"&L&8{text.replace('&', '&&')}&R&8&P / &N",
                      {"margin": HEADER_FOOTER_MARGIN})

    def widths(self, widths: Sequence[float]) -> None:
        """Column widths in characters (a sheet without a column list: the summary)."""
        for i, width in enumerate(widths):
            self.ws.set_column(i, i, width)

    def header(self, labels: Sequence[str] | None = None, repeat: bool = True) -> None:
        """The header row (brand colour, white bold), two lines high for a wrapped
        label; repeated on every printed page and frozen on screen."""
        if repeat:
            self.ws.repeat_rows(self.row)
            self.ws.freeze_panes(self.row + 1, 0)
        texts = list(labels if labels is not None else [c.label for c in self.columns])
        style = self.book.style(header=self.fill)
        quoted = self.book.style(header=self.fill, quote=True)
        self._row([self._cell(i, text, style, quoted, "") for i, text in enumerate(texts)],
                  len(texts) - 1, height=30)

    def title(self, text: str, size: int = 12) -> None:
        """A bold title line (after a blank line unless first)."""
        if self.row:
            self.row += 1
        self._row([self._cell(0, text, self.book.style(bold=True, size=size),
                              self.book.style(bold=True, size=size, quote=True), "")], 0)

    def line(self, values: Sequence[Any], formats: Sequence[str] | None = None,
             bold: bool = False, where: str = "", link: tuple[int, str] | None = None
             ) -> None:
        """One row; ``formats[i]`` (default: the column's) is the number format; None
        leaves the cell empty. ``link = (column index, url)`` makes that cell a hyperlink
        (the caller checked the URL against the allowlist, ADVERSARIAL 4).

        The innermost loop of the workbook (one pass a cell of every ticket row), kept
        flat: the common types (str, int, float, datetime) are written inline, anything
        else by :meth:`_other`."""
        fmts = formats if formats is not None else self._formats
        if link is not None:
            self._line_with_link(values, fmts, bold, where, link)
            return
        book = self.book
        if formats is None and not bold:
            styles = self._column_styles
        else:
            styles = [book.style(f, bold) for f in fmts]
        if len(styles) < len(values):
            styles = [*styles, *[book.style("", bold)] * (len(values) - len(styles))]
        text_style, quoted = book.style(bold=bold), book.style(bold=bold, quote=True)
        texts = self._texts[bold]
        rn = str(self.row + 1)
        letters = COLUMN_LETTERS
        cells: list[str] = []
        append = cells.append
        last = 0
        for i, value in enumerate(values):
            kind = type(value)
            if kind is str:
                tail = texts.get(value)
                if tail is None:
                    if not value:
                        continue
                    tail = self._text_tail(value, text_style, quoted, where, i, texts)
                append(f'<c r="{letters[i]}{rn}"{tail}')
            elif kind is int:
                append(f'<c r="{letters[i]}{rn}"{styles[i]}><v>{value}</v></c>')
            elif kind is float and math.isfinite(value):
                append(f'<c r="{letters[i]}{rn}"{styles[i]}><v>{value:.16G}</v></c>')
            elif kind is datetime:
                append(f'<c r="{letters[i]}{rn}"{styles[i] or self._default_date(bold)}>'
                       f"<v>{excel_serial(value):.16G}</v></c>")
            elif value is None:
                continue
            else:
                cell = self._other(i, value, styles[i], text_style, where, bold)
                if cell is None:
                    continue
                append(cell)
            last = i
        self._row(cells, last)

    def _text_tail(self, value: str, style: str, quoted: str, where: str, col: int,
                   texts: dict[str, str]) -> str:
        """A text cell's XML after its reference (style, type, escaped text); remembered
        in ``texts`` when the text needed no cleaning (nothing logged), so a category,
        status or title that repeats over thousands of rows is formatted once (issue 7
        §5). At most :data:`TEXT_CACHE` texts a sheet and style are remembered."""
        key = value
        plain = len(value) <= SHORT and not UNUSUAL.search(value)  # one search a cell
        if not plain:
            value = self._clean(value, where, col)
        if value.startswith(FORMULA_TRIGGERS):
            style = quoted
        if not plain and XML_SPECIAL.search(value):
            value = escape(value)
        space = PRESERVE if value[0].isspace() or value[-1].isspace() else ""
        tail = f'{style} t="inlineStr"><is><t{space}>{value}</t></is></c>'
        if plain and len(texts) < TEXT_CACHE:
            texts[key] = tail
        return tail

    def _default_date(self, bold: bool) -> str:
        return self.book.style("yyyy-mm-dd hh:mm", bold)

    def _other(self, col: int, value: Any, style: str, text_style: str, where: str,
               bold: bool) -> str | None:
        """A cell of a less common type: bool, Decimal, date, a non-finite float (left
        empty, logged), anything else as its text."""
        ref = f"{COLUMN_LETTERS[col]}{self.row + 1}"
        if isinstance(value, bool):
            return f'<c r="{ref}"{text_style} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int | float | Decimal):
            number = self._finite(value, where, col)
            if number is None:
                return None
            shown = str(number) if isinstance(number, int) else f"{number:.16G}"
            return f'<c r="{ref}"{style}><v>{shown}</v></c>'
        if isinstance(value, datetime | date):
            return (f'<c r="{ref}"{style or self._default_date(bold)}>'
                    f"<v>{excel_serial(value):.16G}</v></c>")
        quoted = self.book.style(bold=bold, quote=True)
        return self._cell(col, str(value), text_style, quoted, where) if str(value) else None

    def _row(self, cells: list[str], last: int, first: int = 0,
             height: float | None = None) -> None:
        self.ws.write_cells(self.row, cells, max(first, 0), max(last, 0), height)
        self.row += 1

    def _finite(self, value: float | Decimal, where: str, col: int) -> float | None:
        """``value`` as an int or float; None, logged, for NaN or infinity: never a
        silently wrong number."""
        if isinstance(value, int):
            return value
        number = float(value)
        if not math.isfinite(number):
            LOG.warning("%s%s column %d: %r is not a number; cell left empty",
                        self.label, f" {where}" if where else "", col + 1, value)
            return None
        return number

    def _cell(self, col: int, value: str, style: str, quoted: str, where: str) -> str:
        """Untrusted text as a typed inline string, never a formula; a formula-like start
        gets the ``quoted`` style (``quotePrefix``) so it stays text when a user edits the
        cell (SPEC §8)."""
        text = self._clean(value, where, col)
        return inline(f"{COLUMN_LETTERS[col]}{self.row + 1}",
                       quoted if text.startswith(FORMULA_TRIGGERS) else style, text)

    def _clean(self, value: str, where: str, col: int) -> str:
        """Untrusted text as Excel can hold it; over-long text is cut with a logged
        notice (ADVERSARIAL 12), illegal characters replaced with one (ADVERSARIAL 8)."""
        if len(value) <= MAX_CELL_CHARS // 2 and not NEEDS_CLEANING.search(value):
            return value  # the common case: too short to exceed Excel's limit, clean
        at = f"{self.label}{f' {where}' if where else ''} column {col + 1}"
        if len(value) > MAX_CELL_CHARS // 2 and utf16_len(value) > MAX_CELL_CHARS:
            LOG.warning("%s: text of %d characters cut to %d for Excel", at, len(value),
                        MAX_CELL_CHARS)
        text = clean_cell_text(value)
        if NEEDS_CLEANING.search(value):
            LOG.warning("%s: characters Excel cannot hold replaced by U+FFFD", at)
        return text

    def _line_with_link(self, values: Sequence[Any], fmts: Sequence[str], bold: bool,
                        where: str, link: tuple[int, str]) -> None:
        """A row with a hyperlink, written through XlsxWriter's API (which records the
        link's relationship); the cells as :meth:`line` writes them."""
        ws, book, row = self.ws, self.book, self.row
        for i, value in enumerate(values):
            if value is None:
                continue
            num = fmts[i] if i < len(fmts) else ""
            if isinstance(value, bool):
                ws.write_boolean(row, i, value, book.format(bold=bold) if bold else None)
            elif isinstance(value, int | float | Decimal):
                number = self._finite(value, where, i)
                if number is not None:
                    ws.write_number(row, i, number,
                                    book.format(num, bold) if num or bold else None)
            elif isinstance(value, datetime | date):
                ws.write_datetime(row, i, value, book.format(num or "yyyy-mm-dd hh:mm", bold))
            else:
                text = self._clean(str(value), where, i)
                quote = text.startswith(FORMULA_TRIGGERS)
                if i == link[0]:
                    style = book.format(link=True, quote=quote)
                    # XlsxWriter refuses a URL over Excel's 2,079 characters (or the 65,531st
                    # link of a sheet) with a warning and writes nothing: then the text alone.
                    if ws.write_url(row, i, link[1], style, text) >= 0:
                        continue
                else:
                    style = book.format(bold=bold, quote=quote) if bold or quote else None
                ws.write_string(row, i, text, style)
        self.row += 1

    def filter(self, header_row: int, last_row: int) -> None:
        """An autofilter over the table whose header is ``header_row`` (1-based, like
        ``last_row``)."""
        last = max(len(self.columns), 1) - 1
        self.ws.autofilter(header_row - 1, 0, max(last_row, header_row) - 1, last)
