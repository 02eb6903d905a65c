"""Excel serial dates (README "Excel serial dates", issue 5 §5): ``serial_dates = true``
reads serial numbers in date columns in the 1900 system (Lotus's 29 Feb 1900 included),
``"1904"`` in the 1904 system, an XLSX workbook's own date1904 flag wins, and the wall
time is read in the source's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from helpers_config import make_config, source, write

from qbr.errors import ConfigError
from qbr.ingest import load_dataset

HEAD = "Ticket,Company,Priority,Created\n"


def created(tmp_path: Path, name: str, **extra: object) -> dict[str, datetime]:
    data = load_dataset(make_config(tmp_path, {"t": source(name, **extra)}))
    return {t.ticket_id: t.created_at for t in data.tickets}


def test_1900_system_in_the_sources_zone(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", HEAD + "1,ACME GmbH,P1,45000\n2,ACME GmbH,P1,45000.5\n"
          "3,ACME GmbH,P1,46204.375\n4,ACME GmbH,P1,2026-07-01 09:00\n")
    got = created(tmp_path, "t.csv", serial_dates=True)
    # 45000 days after 1899-12-30 = 2023-03-15 (Excel shows 45000 as 15/03/2023).
    # Midnight CET (UTC+1) = 14 Mar 23:00 UTC; .5 is 12:00 CET = 11:00 UTC.
    # 46204 = 45000 + 1204 days = 2026-07-01; .375 × 24 h = 09:00 CEST (UTC+2) = 07:00 UTC,
    # the same instant as row 4 written as text (still read with date_format).
    assert got == {"1": datetime(2023, 3, 14, 23, 0, tzinfo=UTC),
                   "2": datetime(2023, 3, 15, 11, 0, tzinfo=UTC),
                   "3": datetime(2026, 7, 1, 7, 0, tzinfo=UTC),
                   "4": datetime(2026, 7, 1, 7, 0, tzinfo=UTC)}


def test_lotus_leap_day_and_the_days_around_it(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", HEAD + "1,ACME GmbH,P1,59\n2,ACME GmbH,P1,60\n"
          "3,ACME GmbH,P1,61\n4,ACME GmbH,P1,0.25\n")
    data = load_dataset(make_config(tmp_path, {"t": source("t.csv", serial_dates="1900")}))
    # Serial 59 = 1900-02-28 (31 January days + 28); 61 = 1900-03-01 (Excel counts a
    # 29 Feb 1900 as serial 60). Berlin in 1900 is LMT+0:53:28 under tzdata, so local
    # midnight is 23:06:32 UTC of the day before: the UTC dates are 27 and 28 February.
    got = {t.ticket_id: t.created_at.astimezone(UTC).date().isoformat()
           for t in data.tickets}
    assert got == {"1": "1900-02-27", "3": "1900-02-28"}
    assert data.files[0].rejected == {"bad-date": 2}
    details = {r.row: r.detail for r in data.rejections}
    assert "29 February 1900" in details[3] and "Lotus" in details[3]
    assert "time without a date" in details[5]


def test_1904_system(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", HEAD + "1,ACME GmbH,P1,45000\n")
    # 1904-01-01 + 45000 days = 2027-03-16; midnight CET = 15 Mar 23:00 UTC.
    assert created(tmp_path, "t.csv", serial_dates="1904") == {
        "1": datetime(2027, 3, 15, 23, 0, tzinfo=UTC)}


def test_without_the_option_a_serial_is_a_bad_date(tmp_path: Path) -> None:
    write(tmp_path, "t.csv", HEAD + "1,ACME GmbH,P1,45000\n")
    data = load_dataset(make_config(tmp_path, {"t": source("t.csv")}))
    assert data.files[0].rejected == {"bad-date": 1}


@pytest.mark.parametrize("flag", ["1904", "1900"])
def test_xlsx_workbook_date1904_flag_is_respected(tmp_path: Path, flag: str) -> None:
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    book = openpyxl.Workbook()
    book.epoch = CALENDAR_MAC_1904 if flag == "1904" else CALENDAR_WINDOWS_1900
    sheet = book.active
    sheet.append(["Ticket", "Company", "Priority", "Created"])
    sheet.append([1, "ACME GmbH", "P1", 45000])  # a number cell, no date format
    book.save(tmp_path / "t.xlsx")
    # serial_dates = true says 1900, but a 1904 workbook's numbers count from 1904.
    expected = datetime(2027, 3, 15, 23, 0, tzinfo=UTC) if flag == "1904" else \
        datetime(2023, 3, 14, 23, 0, tzinfo=UTC)
    assert created(tmp_path, "t.xlsx", serial_dates=True) == {"1": expected}


def test_outage_rows_read_serials_too(tmp_path: Path) -> None:
    write(tmp_path, "o.csv", "Monitor,Start,End\nfw-01,46204.375,46204.3958333333\n")
    data = load_dataset(make_config(tmp_path, {"o": source(
        "o.csv", kind="outages", serial_dates=True,
        columns={"monitor": "Monitor", "start": "Start", "end": "End"})}))
    (outage,) = data.outages
    # 09:00 and 09:30 CEST (0.3958333 × 1440 = 570 min, rounded to the second).
    assert (outage.start, outage.end) == (datetime(2026, 7, 1, 7, 0, tzinfo=UTC),
                                          datetime(2026, 7, 1, 7, 30, tzinfo=UTC))


@pytest.mark.parametrize("value", ["1901", "yes", 1])
def test_bad_option_is_a_config_error(tmp_path: Path, value: object) -> None:
    with pytest.raises(ConfigError, match="serial_dates"):
        make_config(tmp_path, {"t": source("t.csv", serial_dates=value)})
