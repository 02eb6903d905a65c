"""XLSX reader (qbr.io.xlsxfile): sheet choice, typed cells, disguised files.

ADVERSARIAL 17 (disguised files get a specific message) and 33 (sheet chosen by name, or
an error listing the sheets); date cells go through the same localisation as text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from helpers_config import make_config, source

from qbr.errors import InputError
from qbr.ingest import load_dataset
from qbr.io.xlsxfile import read_xlsx


def _workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Cover"
    book.active.append(["Ticket report"])
    data = book.create_sheet("Tickets")
    data.append(["Ticket", "Company", "Priority", "Created"])
    data.append([123, "ACME GmbH", "P1", datetime(2025, 7, 1, 12, 0)])
    data.append(["00123", "Globex Corp", "P2", "2025-07-01 13:00"])
    data.append([None, None, None, None])
    book.create_sheet("Notes")
    book.save(path)


def test_sheet_is_chosen_by_name_and_cells_keep_types(tmp_path: Path) -> None:
    _workbook(tmp_path / "t.xlsx")
    rows = read_xlsx(tmp_path / "t.xlsx", "t.xlsx", "Tickets")
    assert rows[1] == (2, [123, "ACME GmbH", "P1", datetime(2025, 7, 1, 12, 0)])
    assert rows[3] == (4, ["", "", "", ""])  # padded to the header: no raw field count


def test_unknown_sheet_lists_the_available_ones(tmp_path: Path) -> None:
    _workbook(tmp_path / "t.xlsx")
    with pytest.raises(InputError, match="no sheet 'Data' \\(the workbook has Cover, "
                                         "Tickets, Notes\\)"):
        read_xlsx(tmp_path / "t.xlsx", "t.xlsx", "Data")


def test_xlsx_source_end_to_end(tmp_path: Path) -> None:
    _workbook(tmp_path / "t.xlsx")
    cfg = make_config(tmp_path, {"x": source("t.xlsx", sheet="Tickets")})
    data = load_dataset(cfg)
    assert [t.ticket_id for t in data.tickets] == ["123", "00123"]
    assert data.tickets[0].created_at == datetime(2025, 7, 1, 10, 0, tzinfo=UTC)
    report = data.files[0]
    assert (report.read, report.accepted, dict(report.rejected)) == (3, 2, {"blank-row": 1})


@pytest.mark.parametrize(("content", "message"), [
    (b"Ticket,Company\n1,x\n", "no ZIP signature"),
    (b"<html><table><tr><td>1</td></tr></table></html>", "is HTML/XML, not XLSX"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "legacy .xls or encrypted"),
])
def test_disguised_files_get_a_specific_message(tmp_path: Path, content: bytes,
                                                message: str) -> None:
    (tmp_path / "t.xlsx").write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_xlsx(tmp_path / "t.xlsx", "t.xlsx", None)


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    import zipfile

    _workbook(tmp_path / "ok.xlsx")
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaa">]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a;</t></is></c></row>'
            '</sheetData></worksheet>')
    with zipfile.ZipFile(tmp_path / "ok.xlsx") as src, \
            zipfile.ZipFile(tmp_path / "t.xlsx", "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = bomb.encode()
            dst.writestr(info, data)
    with pytest.raises(InputError, match="unsafe XML"):
        read_xlsx(tmp_path / "t.xlsx", "t.xlsx", None)


def test_adversarial_33_formula_without_cached_value_is_rejected_naming_the_cell(
        tmp_path: Path) -> None:
    # openpyxl writes formulas without computed values, as a generator script would.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tickets"
    sheet.append(["Ticket", "Company", "Priority", "Created", "Notes"])
    sheet.append([1, "ACME GmbH", "P1", "2025-07-01 10:00", "=1+1"])      # unmapped: fine
    sheet.append([2, "ACME GmbH", "=A2&\"x\"", "2025-07-01 10:00"])        # mapped: rejected
    sheet.append([3, "ACME GmbH", "P1", "2025-07-01 10:00"])               # trailing empty
    book.save(tmp_path / "t.xlsx")
    cfg = make_config(tmp_path, {"t": source("t.xlsx")})
    data = load_dataset(cfg)
    assert [t.ticket_id for t in data.tickets] == ["1", "3"]
    assert [(r.row, r.reason, r.column) for r in data.rejections] == [
        (3, "formula-without-value", "Priority")]
    assert data.rejections[0].detail.startswith("Tickets!C3: formula '=A2&\"x\"' has no")
    report = data.files[0]
    assert (report.read, report.accepted, sum(report.rejected.values())) == (3, 2, 1)


@pytest.mark.parametrize("epoch", ["1900", "1904"])
def test_adversarial_24_date_cells_use_the_workbooks_epoch_and_numbers_are_not_dates(
        tmp_path: Path, epoch: str) -> None:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904 if epoch == "1904" else CALENDAR_WINDOWS_1900
    sheet = book.active
    sheet.append(["Ticket", "Company", "Priority", "Created"])
    sheet.append([1, "ACME GmbH", "P1", datetime(2024, 12, 31, 12, 0)])  # a date cell
    sheet.append([2, "ACME GmbH", "P1", 45657.5])  # a bare serial: no serial_dates option
    book.save(tmp_path / "t.xlsx")
    data = load_dataset(make_config(tmp_path, {"t": source("t.xlsx")}))
    # 12:00 CET (Europe/Berlin, the source's zone) is 11:00 UTC, in either epoch.
    assert [t.created_at for t in data.tickets] == [datetime(2024, 12, 31, 11, 0, tzinfo=UTC)]
    assert [(r.row, r.reason, r.column) for r in data.rejections] == [
        (3, "bad-date", "Created")]
