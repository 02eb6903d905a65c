"""The workbook's speed-ups keep its content (issue 7 §5): remembered text cells, the
minutes shortcut, the fast zip level and the paused collector."""

from __future__ import annotations

import gc
import io
import logging
import math
import zipfile

import pytest
import xlsxwriter.workbook
from openpyxl import load_workbook

from qbr.display import NOISE_PLACES
from qbr.gcpause import gc_paused
from qbr.report.xlsx import minutes
from qbr.report.xlsx_sheet import TEXT_CACHE, Book, Column, Sheet
from qbr.report.xlsx_zip import ZIP_LEVEL


def _sheet_xml(rows: list[list[object]], bold: bool = False) -> tuple[bytes, str]:
    buffer = io.BytesIO()
    book = Book(buffer)
    sheet = Sheet(book, "Data", "ACME · Q3 2026", "#123456", [Column("a", 10)])
    for row in rows:
        sheet.line(row, bold=bold)
    book.close()
    data = buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return data, z.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_repeated_text_keeps_its_reference_and_style_in_every_row() -> None:
    data, xml = _sheet_xml([["Email"], ["=1+1"], ["Email"], ["=1+1"], [" pad "], [" pad "]])
    ws = load_workbook(io.BytesIO(data))["Data"]
    assert [ws.cell(row=r, column=1).value for r in range(1, 7)] == [
        "Email", "=1+1", "Email", "=1+1", " pad ", " pad "]
    # The formula-like text is quoted (quotePrefix) in row 4 as in row 2, not only once.
    assert ws["A4"].quotePrefix and ws["A2"].quotePrefix
    assert not ws["A3"].quotePrefix
    assert xml.count('r="A3"') == 1 and xml.count('xml:space="preserve"') == 2


def test_bold_and_plain_rows_of_the_same_text_keep_their_own_style() -> None:
    buffer = io.BytesIO()
    book = Book(buffer)
    sheet = Sheet(book, "Data", "f", "#123456", [Column("a", 10)])
    sheet.line(["Total"])
    sheet.line(["Total"], bold=True)
    sheet.line(["Total"])
    book.close()
    ws = load_workbook(io.BytesIO(buffer.getvalue()))["Data"]
    assert [ws.cell(row=r, column=1).font.b for r in (1, 2, 3)] == [False, True, False]


def test_text_that_needs_cleaning_is_logged_every_time(
        caplog: pytest.LogCaptureFixture) -> None:
    # Cleaned text is never remembered: each row's replaced characters are reported.
    with caplog.at_level(logging.WARNING, logger="qbr.report"):
        data, xml = _sheet_xml([["bad\x0b"], ["bad\x0b"], ["a & b"], ["a & b"]])
    assert caplog.text.count("replaced by U+FFFD") == 2
    assert xml.count("a &amp; b") == 2
    ws = load_workbook(io.BytesIO(data))["Data"]
    assert ws["A2"].value == "bad\ufffd" and ws["A4"].value == "a & b"


def test_more_distinct_texts_than_remembered_are_all_written() -> None:
    rows: list[list[object]] = [[f"t{i}"] for i in range(TEXT_CACHE + 10)] + [["t1"]]
    data, _xml = _sheet_xml(rows)
    ws = load_workbook(io.BytesIO(data), read_only=True)["Data"]
    values = [r[0] for r in ws.iter_rows(values_only=True)]
    assert values[:2] == ["t0", "t1"] and values[-2:] == [f"t{TEXT_CACHE + 9}", "t1"]
    assert len(values) == TEXT_CACHE + 11


@pytest.mark.parametrize(("value", "expected"), [
    (60.0, 60),                # whole: itself
    (60.5, 61),                # any real part: rounded up
    (60.00000001, 61),         # 1e-8 is ten times the noise: still up (shortcut)
    (60.0000000001, 60),       # 1e-10 rounds away at 9 places: noise, 60 (slow path)
    (59.9999999999, 60),       # just below: up to 60 either way
    (0.0004, 1),               # a started minute counts
    (-0.5, 0),                 # ceil(-0.5) = 0
    (7, 7),                    # an int stays an int
])
def test_minutes_rounds_up_ignoring_float_noise(value: float, expected: int) -> None:
    assert NOISE_PLACES == 9  # the cases above are worked for 9 places
    assert minutes(value) == expected
    assert minutes(value) == math.ceil(round(value, NOISE_PLACES))


def test_minutes_of_nothing_or_not_a_number_is_empty() -> None:
    assert minutes(None) is None and minutes(float("nan")) is None
    assert minutes(float("inf")) is None


def test_the_zip_is_deflated_and_xlsxwriter_is_left_as_found() -> None:
    saved = xlsxwriter.workbook.ZipFile
    data, _xml = _sheet_xml([["x" * 50]] * 2000)
    assert xlsxwriter.workbook.ZipFile is saved
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    assert info.compress_type == zipfile.ZIP_DEFLATED and ZIP_LEVEL == 1
    assert info.compress_size < info.file_size / 10  # 2,000 like rows compress well


def test_gc_paused_restores_the_collector_also_on_failure() -> None:
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()  # a caller's paused collector stays paused
    finally:
        gc.enable()
