"""Column-wise timestamps (qbr.io.dates) agree value for value with the scalar reader
(qbr.io.values.parse_instant) — formats, invalid dates, offsets, and the SPEC §2 DST
policy on the edge values of several zones (ADVERSARIAL 22, 23, 34)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pytest

from qbr.io.dates import parse_column
from qbr.io.values import CellError, parse_instant


def _scalar(values: list[str], formats: list[str], zone: ZoneInfo
            ) -> list[tuple[str, str]]:
    out = []
    for text in values:
        if not text:
            out.append(("NaT", ""))
            continue
        try:
            value, note = parse_instant(text, formats, zone)
        except CellError:
            out.append(("bad", ""))
            continue
        try:
            utc = value.astimezone(UTC).replace(tzinfo=None)
        except (OverflowError, ValueError):
            utc = None
        # The columns hold years 1678-2261 only (datetime64[ns]); outside, the columnar
        # reader says bad-date (never a wrapped instant): so does the reference here.
        if utc is None or not 1678 <= utc.year <= 2261:
            out.append(("bad", ""))
            continue
        out.append((str(np.datetime64(utc, "ns")), note))
    return out


def _columnar(values: list[str], formats: list[str], zone: ZoneInfo
              ) -> list[tuple[str, str]]:
    got = parse_column(pa.array(values, pa.string()), formats, zone)
    return [("bad", "") if got.bad[i] else (str(got.utc[i]), got.notes.get(i, ""))
            for i in range(len(values))]


def _around(zone: ZoneInfo, year: int) -> list[str]:
    """Every 10 minutes of the two days around each offset change of ``year``."""
    values, at = [], datetime(year, 1, 1, tzinfo=UTC)
    previous = at.astimezone(zone).utcoffset()
    while at.year == year:
        offset = at.astimezone(zone).utcoffset()
        if offset != previous:
            wall = at.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
            values += [(wall + timedelta(minutes=10 * i)).strftime("%Y-%m-%d %H:%M")
                       for i in range(288)]
        previous = offset
        at += timedelta(hours=1)
    return values


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Australia/Sydney",
                                  "Australia/Lord_Howe", "UTC"])
def test_dst_edges_agree_with_the_scalar_policy(zone: str) -> None:
    tz = ZoneInfo(zone)
    values = _around(tz, 2025)
    assert _columnar(values, ["%Y-%m-%d %H:%M"], tz) == _scalar(values, ["%Y-%m-%d %H:%M"], tz)


@pytest.mark.parametrize(("formats", "values"), [
    (["%d.%m.%Y %H:%M"], ["01.02.2025 14:05", "13.01.2025 09:00", "30.02.2025 10:00",
                          "1.2.2025 4:05", "2025-01-13", "01.13.2025 10:00", "",
                          "31.12.2025 24:00"]),
    (["%Y-%m-%dT%H:%M:%S%z"], ["2025-07-01T10:00:00Z", "2025-07-01T10:00:00+02:00",
                               "2025-07-01T10:00:00-0130", "2025-07-01 10:00:00Z",
                               "2025-07-01T10:00:00.123Z", "2025-07-01T10:00:00"]),
    (["%Y-%m-%d %H:%M", "%d.%m.%y %I:%M %p"], ["2025-07-01 10:00", "2025-07-01  10:00",
                                                "01.02.25 2:05 PM", "01.02.25 12:05 am",
                                                "29.02.24 1:00 PM", "29.02.25 1:00 PM"]),
    (["%d/%b/%y %I:%M %p", "%Y-%m-%d %H:%M:%S.%f"], ["26/Oct/25 2:30 AM", "3/mar/25 11:00 PM",
                                                     "2025-07-01 10:00:00.5", "26/Okt/25"]),
])
def test_formats_agree_with_strptime(formats: list[str], values: list[str]) -> None:
    tz = ZoneInfo("Europe/Berlin")
    assert _columnar(values, formats, tz) == _scalar(values, formats, tz)


def test_first_listed_format_wins() -> None:
    tz = ZoneInfo("UTC")
    got = _columnar(["03/12/2025 10:00"], ["%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M"], tz)
    assert got == [("2025-12-03T10:00:00.000000000", "")]  # 3 December, as listed first


def test_years_outside_the_column_range_are_bad_never_wrapped() -> None:
    # datetime64[ns] holds 1677-09-21 .. 2262-04-11; numpy would wrap 3000-01-01 to 1830
    # silently. A format with %b goes through strptime (the retry path), as do these.
    texts = pa.array(["01 Jan 3000 10:00", "01 Jan 0001 00:30", "01 Jan 2026 10:00"])
    got = parse_column(texts, ["%d %b %Y %H:%M"], ZoneInfo("Europe/Berlin"))
    assert got.bad.tolist() == [True, True, False]
    # 2026-01-01 10:00 CET (+01:00) = 09:00 UTC
    assert got.utc[2] == np.datetime64("2026-01-01T09:00", "ns")
