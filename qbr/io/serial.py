"""Excel serial numbers in date columns (README "Excel serial dates", issue 5 §5).

A date cell that lost its formatting (a CSV saved from Excel, a workbook column typed
"General") holds a serial number: days since an epoch, the fraction being the time of
day. ``serial_dates = true`` on a source reads such values in its date columns, in the
source's time zone like any naive value; other values still go through ``date_format``.

- 1900 system (Excel's default): serial 1 is 1900-01-01. Excel keeps Lotus 1-2-3's bug
  of a 29 February 1900, so serial 60 is a day that never existed (rejected as
  ``bad-date``) and from serial 61 on the epoch is 1899-12-30. Serials below 1 are
  times without a date (rejected).
- 1904 system (``serial_dates = "1904"``, old Mac workbooks): serial 0 is 1904-01-01.
  An XLSX workbook whose own ``date1904`` flag is set is read in the 1904 system
  whatever the source says, since its numeric cells count from that epoch.

Times are rounded to the nearest second (Excel stores them as binary fractions:
``0.5416666667`` is 13:00:00.00003). Column-wise: only rejected serials are looked at
one by one.
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from qbr.config import Source
from qbr.io.dates import Instants, _localise, parse_column
from qbr.io.table import Cell
from qbr.io.values import CellError

_SERIAL = r"^\d{1,6}(\.\d+)?$"
_DAY_NS = 86_400_000_000_000
_SECOND_NS = 1_000_000_000
_DATE1904 = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*\bdate1904\s*=\s*[\"'](?:1|true)[\"']")


def serial_system(source: Source) -> str | None:
    """The date system a source's serial numbers count in, ``None`` when not read."""
    if source.serial_dates is None:
        return None
    if source.path.suffix.lower() in (".xlsx", ".xlsm") and workbook_date1904(source.path):
        return "1904"
    return source.serial_dates


def workbook_date1904(path: Path) -> bool:
    """Whether an XLSX workbook declares the 1904 date system (``workbookPr date1904``).
    Unreadable files say no: the reader reports them."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return False
    return _date1904(path, stamp)


@functools.lru_cache(maxsize=64)
def _date1904(path: Path, stamp: int) -> bool:
    try:
        with zipfile.ZipFile(path) as book, book.open("xl/workbook.xml") as part:
            head = part.read(1 << 20)
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    return bool(_DATE1904.search(head))


def serial_instant(text: str, system: str | None, zone: ZoneInfo
                   ) -> tuple[datetime, str] | None:
    """One cell (the row-by-row adapter: outages, maintenance) as (UTC instant, DST
    warning) when it is a serial number of ``system``, else ``None``. A serial that is
    no date raises :class:`CellError` (``bad-date``)."""
    if system is None or not re.fullmatch(_SERIAL, text):
        return None
    parsed, bad = parse_dates(pa.array([text], pa.string()), [], zone, None, system)
    if bad:
        raise CellError("bad-date", bad[0])
    value = parsed.utc[0].astype("datetime64[us]").item().replace(tzinfo=UTC)
    return value, parsed.notes.get(0, "")


def parse_dates(texts: pa.Array, formats: Sequence[str], zone: ZoneInfo,
                typed: Mapping[int, Cell] | None, system: str | None
                ) -> tuple[Instants, dict[int, str]]:
    """:func:`qbr.io.dates.parse_column`, with serial numbers read in ``system`` first.
    Returns the instants and, for rejected serials, position → message."""
    if system is None:
        return parse_column(texts, formats, zone, typed), {}
    serial = np.asarray(pc.match_substring_regex(texts, _SERIAL)
                        .to_numpy(zero_copy_only=False), dtype=bool)
    if not serial.any():
        return parse_column(texts, formats, zone, typed), {}
    rest = pc.if_else(pa.array(serial), "", texts)
    parsed = parse_column(rest, formats, zone, typed)
    local, bad = _serial_local(texts, serial, system)
    good = serial & ~np.isin(np.arange(len(texts)), list(bad))
    notes = dict(parsed.notes)
    notes.update(_localise(local, good, zone, parsed.utc))
    flagged = parsed.bad.copy()
    flagged[list(bad)] = True
    return Instants(parsed.utc, flagged, notes), bad


def _serial_local(texts: pa.Array, serial: np.ndarray, system: str
                  ) -> tuple[np.ndarray, dict[int, str]]:
    """Wall-clock nanoseconds of the serial values (NaT elsewhere), and the rejected."""
    idx = np.flatnonzero(serial)
    days = pc.cast(texts.take(pa.array(idx)), pa.float64()).to_numpy(zero_copy_only=False)
    local = np.full(len(texts), np.datetime64("NaT", "ns"))
    base = np.datetime64("1899-12-30", "ns").astype(np.int64)
    if system == "1904":
        epoch = np.full(idx.size, np.datetime64("1904-01-01", "ns").astype(np.int64))
        low = lotus = np.zeros(idx.size, dtype=bool)
    else:  # serials 1-59 count from 1899-12-31: Excel's 29 Feb 1900 shifts the rest
        epoch = np.where(days < 60, base + _DAY_NS, base)
        low = days < 1
        lotus = np.floor(days) == 60
    # datetime64[ns] stops in 2262, about serial 131,000 (Excel goes to 9999-12-31).
    high = days >= 130_000
    ok = ~(low | lotus | high)
    seconds = np.rint(days[ok] * 86_400).astype(np.int64)
    local[idx[ok]] = (epoch[ok] + seconds * _SECOND_NS).view("datetime64[ns]")
    bad: dict[int, str] = {}
    for j in np.flatnonzero(~ok).tolist():
        text = texts[int(idx[j])].as_py()
        why = ("serial 60 is 29 February 1900, a day that never existed (Lotus 1-2-3's "
               "leap-year bug kept by Excel)") if lotus[j] else \
              "a serial below 1 is a time without a date" if low[j] else \
              "beyond the supported date range (years 1678-2261)"
        bad[int(idx[j])] = f"{text!r} read as an Excel serial date ({system} system): {why}"
    return local, bad
